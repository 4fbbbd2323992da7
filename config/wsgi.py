"""The WSGI application, for gunicorn (every web node) and any other WSGI server.

Once it is loaded, the garbage collector is set for a web worker (docs/benchmarks.md,
"Several nodes"). A dashboard request unpickles an analysis and renders thousands of
template nodes; with Python's default first threshold (700 allocations) collections run in
the middle of it, move its short-lived objects to the older generations and so set off a
full collection, 20–50 ms, every few dozen requests: most of a dashboard's 95th percentile.
Collecting the youngest generation every 10,000 allocations instead lets a request's objects
die young, and freezing what start-up loaded (Django, the apps, the settings: alive as long
as the process) keeps it out of every full collection.

An anonymous respondent's submission takes a shorter middleware chain (config/respondents.py).
"""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from config.respondents import RespondentHandler, RespondentRouting  # noqa: E402  (after setup)

application = RespondentRouting(everyone=WSGIHandler(), respondents=RespondentHandler())

YOUNGEST_THRESHOLD = 10_000
gc.freeze()
gc.set_threshold(YOUNGEST_THRESHOLD, 10, 10)
