# Production image: gunicorn serving config.wsgi, static files collected at build
# time and served by whitenoise. Settings come from the environment at run time
# (see docker-compose.yml); nothing secret is baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# Dependencies first, so code changes do not invalidate this layer.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# The dummy SECRET_KEY and DEBUG=0 exist only for this step: DEBUG=0 selects the
# compressed manifest storage, and settings refuse to load without a key.
# settings.py creates var/ on import; hand it to the runtime user.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret DEBUG=0 \
        python manage.py collectstatic --noinput \
    && mkdir -p var \
    && chown -R app:app var

USER app

EXPOSE 8000

ENV WEB_CONCURRENCY=2

# gthread: a slow client holds one thread, not a whole worker (nginx buffers them anyway).
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --worker-class gthread --workers \"${WEB_CONCURRENCY:-2}\" --threads 4 -c config/gunicorn.py"]
