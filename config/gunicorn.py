"""gunicorn's settings for the Docker image and docker-compose.yml (``gunicorn -c
config/gunicorn.py``); the address and the worker count stay on their command lines.

The access log names no client: no address, no User-Agent, no Referer, no query string.
With them, a submission's line (POST /s/<slug>/ and its time) joined with the response's
``submitted_at`` would tell who answered what; README, "Privacy".
"""

accesslog = "-"
# time, method, path, status, bytes, duration: enough to see load and errors.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
