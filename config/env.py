"""Read settings from environment variables, failing loudly on malformed values.

Kept apart from settings.py so the helpers can be tested without reloading Django.
"""

import os

import dj_database_url


class ImproperEnvironment(Exception):
    """A malformed environment variable; the message names it and says what to do."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperEnvironment(f"{name}={raw!r} is not a boolean: use 1 or 0 (true/false, yes/no).")


def envint(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperEnvironment(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperEnvironment(f"{name}={raw!r} must be at least {minimum}.")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


RATE_PERIODS = ("s", "sec", "m", "min", "h", "hour", "d", "day")


def envrate(name: str, default: str) -> str:
    """A request rate in Django REST framework's form: "<number>/<s|min|hour|day>"."""
    raw = os.environ.get(name, default).strip()
    number, _slash, period = raw.partition("/")
    if not number.isdigit() or period not in RATE_PERIODS:
        raise ImproperEnvironment(
            f"{name}={raw!r} is not a rate: write it as 60/min (or /s, /hour, /day)."
        )
    return raw


def envtimezone(name: str, default: str) -> str:
    import zoneinfo

    raw = os.environ.get(name, default).strip()
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperEnvironment(
            f"{name}={raw!r} is not a known time zone: use an IANA name such as Asia/Almaty."
        ) from None
    return raw


def envdatabase(name: str, default: str) -> dict:
    raw = os.environ.get(name, "").strip() or default
    try:
        config = dict(dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as error:
        raise ImproperEnvironment(
            f"{name}={raw!r} is not a database URL ({error}); "
            "use postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3."
        ) from None
    if config["ENGINE"] not in ENGINES:
        raise ImproperEnvironment(
            f"{name}={raw!r} names an unsupported database; use postgres:// or sqlite://."
        )
    config["ENGINE"] = ENGINES[config["ENGINE"]]
    return config


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def envredis(name: str) -> str:
    """A Redis URL, or "" when unset (then nothing is shared: one machine)."""
    raw = os.environ.get(name, "").strip()
    if raw and not raw.startswith(REDIS_SCHEMES):
        raise ImproperEnvironment(
            f"{name}={raw!r} is not a Redis URL: use redis://host:6379/0 "
            "(or rediss:// for TLS, unix:///path/to/socket), or leave it unset."
        )
    return raw


def redis_cache(url: str) -> dict:
    """A cache on Redis that never fails a request: errors read as misses and drop writes,
    after half a second at most (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS logs each)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 1.0,
        },
    }


# The backend for each database the URL may name (dj_database_url's engine for its scheme):
# PostgreSQL's checks a reused connection without a round trip (core/postgresql/base.py).
ENGINES = {
    "django.db.backends.postgresql": "core.postgresql",
    "django.db.backends.sqlite3": "django.db.backends.sqlite3",
}
