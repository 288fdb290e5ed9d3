"""The built-in masking policies: what each channel does with fields of each grade.

A policy row in the database for the same channel, grade and purpose (or any
purpose) replaces the built-in one; the data officer edits those on the
policy page. Within a policy, a field's kind of personal data picks its
treatment; ``"*"`` covers the kinds not named and ``""`` fields with none.
"""

from __future__ import annotations

from typing import Any

ANY_PERSONAL, NOT_PERSONAL = "*", ""
KEEP: dict[str, Any] = {"method": "keep"}
MASK: dict[str, Any] = {"method": "mask"}
SUPPRESS: dict[str, Any] = {"method": "suppress"}
# Addresses keep their place names: the district is what most uses need.
MASKED = {NOT_PERSONAL: KEEP, ANY_PERSONAL: MASK, "address": {"method": "region_only"}}
WITHHELD = {NOT_PERSONAL: SUPPRESS, ANY_PERSONAL: SUPPRESS}
PLAIN = {NOT_PERSONAL: KEEP, ANY_PERSONAL: KEEP}

DEFAULTS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    # Pages of the workbench show officials enough to recognise a record, not to copy it.
    ("display", "L1"): PLAIN,
    ("display", "L2"): MASKED,
    ("display", "L3"): MASKED,
    ("display", "L4"): {NOT_PERSONAL: {"method": "redact"}, ANY_PERSONAL: MASK},
    # Restricted opening (受限开放): masked at L2, pseudonyms at L3 (stable within one release,
    # so records still count and join), nothing at L4.
    ("open", "L1"): PLAIN,
    ("open", "L2"): MASKED,
    ("open", "L3"): {NOT_PERSONAL: KEEP, ANY_PERSONAL: {"method": "hash"}},
    ("open", "L4"): WITHHELD,
    # Sharing serves the handling of cases: values as they are up to L2, masked at L3 unless a
    # grant's purpose has a policy of its own.
    ("sharing", "L1"): PLAIN,
    ("sharing", "L2"): PLAIN,
    ("sharing", "L3"): MASKED,
    ("sharing", "L4"): WITHHELD,
    ("export", "L1"): PLAIN,
    ("export", "L2"): MASKED,
    ("export", "L3"): MASKED,
    ("export", "L4"): WITHHELD,
}


def treatment_for(treatments: dict[str, dict[str, Any]], kind: str | None, personal: bool) -> dict[str, Any]:
    """The treatment a policy gives one field: by its kind, else by whether it is personal at all."""
    if kind and kind in treatments:
        return treatments[kind]
    if kind or personal:
        return treatments.get(ANY_PERSONAL, MASK)
    return treatments.get(NOT_PERSONAL, KEEP)
