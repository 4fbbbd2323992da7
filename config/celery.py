"""The Celery application: settings from Django's (the CELERY_ names), tasks from each app's
tasks module. Run a worker with `celery -A config worker`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("surveys")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
