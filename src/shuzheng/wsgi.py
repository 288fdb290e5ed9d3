"""WSGI entry point, used by `shuzheng serve` and by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzheng.settings")
application = get_wsgi_application()
