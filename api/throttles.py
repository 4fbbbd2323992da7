"""How often a client may call the API, counted in fixed windows in the shared cache
(core/shared.py): with REDIS_URL every process and node counts as one; without it, per
process. With Redis away a request goes through (fail open, with a "shared" log line).

- ``SubmissionThrottle``: anonymous submissions per client address (API_SUBMISSION_RATE).
- ``SignedInThrottle``: every request of a signed-in client, by session or token, per user
  (API_SIGNED_IN_RATE), on the submission, analysis and export addresses: a stolen or
  runaway token cannot call them without bound.
"""

from typing import cast

from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.shared import window_count

COUNTED = "submission_counted"


class SharedWindow:
    """At most the rate's number of requests per client in each window of its period,
    counted atomically in the shared cache. The rate is read on every request rather than
    once at import, so a changed setting applies."""

    scope: str
    left = 0.0  # seconds until the window that refused the request ends

    def get_rate(self) -> str | None:
        return cast(str, api_settings.DEFAULT_THROTTLE_RATES[self.scope])

    def allow_request(self, request, view) -> bool:
        return self._counted_within_limit(self.get_cache_key(request, view))  # type: ignore[attr-defined]

    def _counted_within_limit(self, key: str | None) -> bool:
        limit, period = self.parse_rate(self.rate)  # type: ignore[attr-defined]
        if limit is None or period is None or key is None:
            return True
        count, self.left = window_count(key, period)
        return count is None or count <= limit

    def wait(self) -> float:
        return max(self.left, 1.0)


class SubmissionThrottle(SharedWindow, AnonRateThrottle):
    """Anonymous submissions per client address: REMOTE_ADDR, or the X-Forwarded-For entry
    added by the last trusted proxy when NUM_PROXIES (TRUSTED_PROXY_COUNT) is set."""

    scope = "submissions"

    def allow_request(self, request, view) -> bool:
        if getattr(request, COUNTED, False):  # by ResponseSubmitApi before DRF's dispatch
            return True
        return super().allow_request(request, view)

    def allow_respondent(self, request: HttpRequest) -> bool:
        """``allow_request`` for a request known to carry no credentials, before DRF has
        wrapped it; marks it counted when it is let through."""
        # get_ident reads only META, which the request has before DRF wraps it.
        ident = self.get_ident(request)  # type: ignore[arg-type]
        allowed = self._counted_within_limit(
            self.cache_format % {"scope": self.scope, "ident": ident}
        )
        setattr(request, COUNTED, allowed)
        return allowed


class SignedInThrottle(SharedWindow, UserRateThrottle):
    """Requests of signed-in clients, per user; anonymous ones are left to the others."""

    scope = "signed_in"

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
