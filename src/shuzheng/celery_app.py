"""The Celery application: background work (ingestion runs) outside the web request.

On one laptop the broker is a SQLite file through kombu's SQLAlchemy
transport, so no server is needed and ``make demo`` starts a worker beside
the web server; a province points ``CELERY_BROKER_URL`` at Redis or RabbitMQ. (Not named
celery.py: run from inside the package, that name would hide the library.)
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzheng.settings")

app = Celery("shuzheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
