"""ASGI entry point for deployments that run an ASGI server."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzheng.settings")
application = get_asgi_application()
