"""What processes and nodes share through the one cache and Celery's broker: locks, marks
that let one caller of many through, queued tasks, and the format tag of cached objects.

Everything here fails open: with Redis away a lock is granted (work may be done twice, never
left undone) and a task that cannot be queued is reported, each with one "shared" log line;
the caller carries on."""

import hashlib
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.cache import cache, caches
from django.utils.module_loading import import_string
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

shared_log = logging.getLogger("shared")


def _granted(key: str, value: str, seconds: int) -> bool:
    """Set ``key`` unless it is set. django-redis answers None (not False) when Redis is
    away: then the caller goes ahead."""
    added = cache.add(key, value, timeout=seconds)
    if added is None:
        shared_log.warning("cache_away", extra={"fields": {"key": key}})
        return True
    return bool(added)


@contextmanager
def single_flight(name: str, seconds: int) -> Iterator[bool]:
    """True for the one caller, in any process on any node, that holds the lock ``name``;
    False for the others while it is held. It expires after ``seconds`` should its holder
    die."""
    key, token = f"lock:{name}", uuid.uuid4().hex
    held = _granted(key, token, seconds)
    try:
        yield held
    finally:
        if held and cache.get(key) == token:
            cache.delete(key)


def first_in(name: str, seconds: int) -> bool:
    """True for the first caller of ``name`` in ``seconds``, False for the others."""
    return _granted(f"once:{name}", "1", seconds)


def first_in_hold(name: str, seconds: float) -> None:
    """Let the next caller of ``first_in(name)`` in after ``seconds`` (0: at once)."""
    if seconds > 0:
        cache.set(f"once:{name}", "1", timeout=seconds)
    else:
        cache.delete(f"once:{name}")


def window_count(name: str, seconds: int) -> tuple[int | None, float]:
    """Count one more event of ``name`` in the current ``seconds``-long window (windows start
    at multiples of ``seconds`` since the epoch), atomically for every process and node:
    (events in the window so far, seconds left in it). The count is None when Redis is
    away."""
    now = time.time()
    window = int(now // seconds)
    key = f"count:{name}:{window}"
    count = (
        _counted_in_redis(key, seconds + 1)
        if isinstance(caches["default"], RedisCache)
        else _counted_in_cache(key, seconds + 1)
    )
    if count is None:
        shared_log.warning("cache_away", extra={"fields": {"key": key}})
        return None, 0.0
    return count, (window + 1) * seconds - now


def _counted_in_redis(key: str, seconds: int) -> int | None:
    """Create the counter for ``seconds`` unless it exists and add one, in one round trip
    to Redis (two commands in a pipeline: an API submission's only other one is the
    survey's lookup); None when Redis is away."""
    full_key = cache.make_key(key)
    try:
        pipe = get_redis_connection("default").pipeline(transaction=False)
        pipe.set(full_key, 0, ex=seconds, nx=True)
        pipe.incr(full_key)
        return int(pipe.execute()[1])
    except RedisError:
        return None


def _counted_in_cache(key: str, seconds: int) -> int | None:
    """The same on any other cache (Django's local memory, one process)."""
    if cache.add(key, 0, timeout=seconds) is None:
        return None
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window has begun
        cache.set(key, 1, timeout=seconds)
        return 1


def task_send(task: str, *arguments) -> bool:
    """Queue the Celery task at the dotted path ``task`` (without a broker it runs now, in
    this process); False, with a log line, when the broker cannot be reached. Celery loads
    on the first task sent, not when a process starts (it costs a tenth of a second)."""
    from kombu.exceptions import OperationalError

    import config.celery  # noqa: F401  (the app, with the broker settings, becomes current)

    try:
        import_string(task).delay(*arguments)
    except OperationalError as error:
        shared_log.warning("task_not_queued", extra={"fields": {"task": task}}, exc_info=error)
        return False
    return True


def source_digest(*paths: Path) -> str:
    """A short digest of source files, for the keys of pickled objects: during a rolling
    deploy, two versions of the code share one Redis and must not read each other's."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
