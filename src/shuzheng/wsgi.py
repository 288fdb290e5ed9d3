"""WSGI entry point, used by `shuzheng serve` and by gunicorn in production."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzheng.settings")
application = get_wsgi_application()

# Import every view's module now, then move the objects start-up made (some 300,000) into the
# permanent generation: a full collection then scans only what requests create, instead of
# stopping every thread of the process for a tenth of a second every few hundred requests — the
# slowest 1 % of API answers under load (bench/bench_sharing.py).
get_resolver().url_patterns  # noqa: B018
gc.freeze()
