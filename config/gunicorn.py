"""gunicorn's settings for the Docker image, docker-compose.yml and scripts/cluster
(``gunicorn -c config/gunicorn.py``); the address and the worker count stay on their command
lines.

The access log names no client: no address, no User-Agent, no Referer, no query string.
With them, a submission's line (POST /s/<slug>/ and its time) joined with the response's
``submitted_at`` would tell who answered what; README, "Privacy".

The app is loaded once, in gunicorn's arbiter, before it forks the workers (``preload_app``):
the workers then share the pages of what start-up loaded (Django, the apps, the URLconf),
which config.wsgi freezes out of the garbage collector's reach so that no collection copies
them. Several workers on few cores then keep less apart in the processors' caches: a form
submission cost a worker 8–13 % less CPU with five workers on two cores (docs/benchmarks.md,
"Workers that share what start-up loaded"). Loading opens no database or cache connection (a
test checks it), so no worker inherits a socket of another's. A code change then needs a
restart of the arbiter, not only of its workers (which a container restart is).
"""

accesslog = "-"
# time, method, path, status, bytes, duration: enough to see load and errors.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
preload_app = True
