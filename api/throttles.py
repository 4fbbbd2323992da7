"""How often a client may call the API, counted in Django's cache (so per process with the
default local-memory cache, and shared by every process once the cache is shared).

- ``SubmissionThrottle``: anonymous submissions per client address (API_SUBMISSION_RATE).
- ``SignedInThrottle``: every request of a signed-in client, by session or token, per user
  (API_SIGNED_IN_RATE), on the submission, analysis and export addresses: a stolen or
  runaway token cannot call them without bound.
"""

from typing import cast

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class RateReadEachTime:
    """Read the rate on every request rather than once at import, so a changed setting
    applies."""

    scope: str

    def get_rate(self) -> str | None:
        return cast(str, api_settings.DEFAULT_THROTTLE_RATES[self.scope])


class SubmissionThrottle(RateReadEachTime, AnonRateThrottle):
    """Anonymous submissions per client address: REMOTE_ADDR, or the X-Forwarded-For entry
    added by the last trusted proxy when NUM_PROXIES (TRUSTED_PROXY_COUNT) is set."""

    scope = "submissions"


class SignedInThrottle(RateReadEachTime, UserRateThrottle):
    """Requests of signed-in clients, per user; anonymous ones are left to the others."""

    scope = "signed_in"

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
