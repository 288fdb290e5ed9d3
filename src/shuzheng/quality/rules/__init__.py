"""Rule types, one file per family; each registers its types on import (see quality.registry)."""
