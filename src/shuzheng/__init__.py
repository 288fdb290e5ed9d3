"""数政 shuzheng — an open-source digital-government platform."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("shuzheng")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

# Loaded with Django so that tasks queued from web requests go to the configured broker.
from shuzheng.celery_app import app as celery_app

__all__ = ["__version__", "celery_app"]
