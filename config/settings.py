"""One settings file, every knob an environment variable (see the README's settings table).

A malformed value stops start-up with a message naming the variable.
"""

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.crypto import get_random_string

from config.env import (
    ImproperEnvironment,
    envbool,
    envdatabase,
    envint,
    envlist,
    envrate,
    envredis,
    envtimezone,
    redis_cache,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

DEBUG = envbool("DEBUG", True)


def development_secret_key() -> str:
    """Generated once per checkout and kept under var/, so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_string(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperEnvironment(
            "SECRET_KEY is required when DEBUG is off: set it to a long random string."
        )
    SECRET_KEY = development_secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "rest_framework",
    # The tokens of the first version, kept only for the history of migrations: core's
    # migration 0002 turned every one into a hashed, expiring ApiToken and emptied the table.
    "rest_framework.authtoken",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Our apps, lowest layer first: each imports only from those above it in this list.
    "core",
    "surveys",
    "analytics",
    "exports",
    "editor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "core.request_limits.ChunkedBodyRefusedMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.private.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# An anonymous respondent's POST of answers (no session, no credentials) takes a shorter chain
# (config/respondents.py): these have nothing to do for it.
NOT_FOR_RESPONDENTS = (
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.private.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
)
RESPONDENT_MIDDLEWARE = [name for name in MIDDLEWARE if name not in NOT_FOR_RESPONDENTS]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dashboard read while a respondent writes; IMMEDIATE avoids
    # "database is locked" when two writers upgrade their locks at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Behind PgBouncer in transaction pooling (scripts/cluster, docker-compose.yml) a cursor may
# not outlive its transaction: Django's server-side cursors are then turned off.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = envbool("DATABASE_TRANSACTION_POOLING", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 for new and changed passwords; older hashes still verify and are upgraded at the
# next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en").strip()
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperEnvironment(
        f"LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of: {', '.join(dict(LANGUAGES))}."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["core.formats"]  # Kazakh number grouping (core/formats/kk)
TIME_ZONE = envtimezone("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One cache for the questionnaire (keyed by its revision), the analyses and dashboard figures
# (keyed by the response watermark), the API throttle and the locks. With REDIS_URL every
# process and node shares it (Redis); without, each process keeps its own (one machine).
# Redis going away never fails a request: reads miss, writes are dropped, one log line each
# (the "shared" logger), and the callers compute, or let the request through.
REDIS_URL = envredis("REDIS_URL")
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "shared"
PROCESS_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": redis_cache(REDIS_URL)
    if REDIS_URL
    else PROCESS_CACHE | {"OPTIONS": {"MAX_ENTRIES": 1000}},
    # HTML that is a function of its key alone (the dashboards' filter bar), kept by each
    # process for itself: reading it from Redis was one of a dashboard's round trips.
    "rendered": PROCESS_CACHE | {"LOCATION": "rendered", "OPTIONS": {"MAX_ENTRIES": 500}},
}

# Background work (Celery, with Redis as its broker): analyses of new responses and big
# exports. Without REDIS_URL tasks run at once in the process that asks (make run).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker died is run again…
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False  # a request never waits for a broker that is away
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 2.0,
    "visibility_timeout": 3600,  # …after this long (Redis redelivers unacknowledged tasks)
}
# With a worker, a survey's analysis is refreshed at most this long after the previous one
# ended, so that under a stream of submissions the worker leaves the cores to the web nodes
# (a refresh takes about 0.2 s of CPU: docs/benchmarks.md, "Fifth machine").
ANALYSIS_REFRESH_PAUSE_MS = envint("ANALYSIS_REFRESH_PAUSE_MS", 500 if REDIS_URL else 0)
# Exports of more responses than this run in the background (a job with progress and a
# download link that expires); smaller ones stream straight away.
EXPORT_BACKGROUND_ROWS = envint("EXPORT_BACKGROUND_ROWS", 20_000, minimum=1)
EXPORT_KEEP_HOURS = envint("EXPORT_KEEP_HOURS", 24, minimum=1)
# Periodic tasks, sent by one `celery -A config beat` per deployment: the files of expired
# background exports are deleted every EXPORT_EXPIRY_CHECK_MINUTES.
EXPORT_EXPIRY_CHECK_MINUTES = envint("EXPORT_EXPIRY_CHECK_MINUTES", 15, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "expire-export-files": {
        "task": "exports.tasks.exports_expire",
        "schedule": EXPORT_EXPIRY_CHECK_MINUTES * 60,
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "").strip() or VAR_DIR / "media")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Only staff have sessions (respondents never sign in); a stolen one expires in a work day.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
# With Redis, a staff page reads the session from it (one round trip to Redis instead of one
# to PostgreSQL through PgBouncer, the slower of the two under submission load:
# docs/benchmarks.md, "One round trip fewer"), and from the database when Redis lost it, is
# away, or has kept it a minute (core/sessions.py: a sign-out that Redis missed lasts no
# longer); every change is written to both.
if REDIS_URL:
    SESSION_ENGINE = "core.sessions"

# Sign-in attempts (django-axes): after LOGIN_FAILURE_LIMIT failures for one username from
# one client address, that pair is refused for LOGIN_LOCKOUT_MINUTES; after
# LOGIN_ADDRESS_FAILURE_LIMIT failures from one address on any usernames (one password tried
# against many accounts), every sign-in from that address is (core.security.failure_limit).
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_FAILURE_LIMIT = "core.security.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_page"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not kept: personal data we need not
AXES_VERBOSE = False  # the "security" log reports failures and lockouts, as JSON

# HTTPS and browser-side defences: on by default with DEBUG off; each can be set here.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # asked over plain HTTP inside the deployment
if envbool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and drops the client's.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
# Forms carry the CSRF token in a hidden field and no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Preloading HSTS is a one-way promise for the whole domain: opt in with SECURE_HSTS_PRELOAD=1
# rather than have `check --deploy` push everyone into it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# No inline scripts anywhere: every script is a static file. Styles allow 'unsafe-inline'
# because Plotly (dashboards) and Swagger UI (/api/docs/) set inline styles as they draw;
# injected styles cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Respondent pages remember the chosen language in this cookie (Django's own name).
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
# A form sent back sooner than this after it was shown is stored but marked suspect.
SURVEY_MIN_FILL_SECONDS = envint("SURVEY_MIN_FILL_SECONDS", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.security.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Failed sign-ins, lockouts, throttling, refused tokens, exports: see core/security.py.
    "loggers": {
        "security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # Redis (cache, throttle, locks) or the broker away: one JSON line per failure.
        "shared": {"handlers": ["security"], "level": "WARNING", "propagate": False},
    },
}

# API tokens (django-rest-knox): stored as SHA-512 digests, named, expiring after
# API_TOKEN_DAYS unless made with another expiry in the admin; "Authorization: Token <key>".
KNOX_TOKEN_MODEL = "core.ApiToken"
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 90, minimum=1)
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTH_HEADER_PREFIX": "Token"}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns "not signed in" into 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": ["api.errors.DepthSafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # Counted in the cache below (api/throttles.py): per process until it is shared.
    "DEFAULT_THROTTLE_RATES": {
        "submissions": envrate("API_SUBMISSION_RATE", "60/min"),
        "signed_in": envrate("API_SIGNED_IN_RATE", "600/min"),
    },
    # How many reverse proxies in front of the app append to X-Forwarded-For; with 0
    # the header is ignored and clients are told apart by REMOTE_ADDR.
    "NUM_PROXIES": envint("TRUSTED_PROXY_COUNT", 0),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Survey platform API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "surveys.questionnaire.KINDS",
        "PairKindEnum": "api.analytics.PAIR_KINDS",
    },
}
