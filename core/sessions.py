"""Staff sessions read from Redis and kept in the database (Django's ``cached_db``), with the
copy in Redis kept a minute at most.

A sign-out deletes the session from the database and from Redis. When Redis cannot be
reached at that moment, the cache drops the delete (it never fails a request:
config.env.redis_cache), and with Django's ``cached_db`` the copy left in Redis would sign
the cookie in again as soon as Redis answers, until the session itself expires
(SESSION_COOKIE_AGE, a work day). Kept CACHED_SECONDS at most, such a copy is gone within a
minute; an open dashboard then reads its session from the database about once a minute, one
query, instead of never.
"""

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches

CACHED_SECONDS = 60


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _Shortened(caches[settings.SESSION_CACHE_ALIAS])


class _Shortened:
    """The session cache, whose writes keep an entry CACHED_SECONDS at most."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self._cache.set(key, value, _shortened(timeout))

    async def aset(self, key: str, value: Any, timeout: float | None = None) -> None:
        await self._cache.aset(key, value, _shortened(timeout))

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)


def _shortened(timeout: float | None) -> float:
    """A cache timeout of CACHED_SECONDS at most (None, for ever, included)."""
    return CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS)
