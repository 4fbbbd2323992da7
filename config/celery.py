"""The Celery application: settings from Django's (the CELERY_ names), tasks from each app's
tasks module. Run a worker with `celery -A config worker`."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("surveys")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def analysis_stack_load(**_signal) -> None:
    """Load the statistics libraries and the template engine when a worker starts. The web
    processes load them only when they need them, so that they start fast; a worker always
    needs them, and loading them in its first refresh made that one take 1.1 s (0.26 s with
    them loaded, 0.13 s the refreshes after; 20,000 responses) on a cold start, when the
    dashboards wait for it. pandas (the responses' first encoding) and the template engine's
    tag libraries (the question panels) were another 0.45 and 0.2 s of that first refresh."""
    import pandas  # noqa: F401
    import scipy.optimize  # noqa: F401
    import scipy.special  # noqa: F401
    import scipy.stats  # noqa: F401
    from django.template import engines

    engines.all()
