"""django-csp's middleware, with the usual Content-Security-Policy built once, not per response.

django-csp 4.0 builds the header from the settings anew for every response, which cost about
8 % of the CPU of an anonymous submission (bench/load.py; docs/benchmarks.md). A response
that no view customised (``@csp_update``, ``@csp_replace``, ``@csp`` or ``@csp_exempt``, in
either mode) and whose page used no nonce gets the same header every time, so it is built
once with django-csp's own ``build_policy`` and kept for as long as the settings it came from
are unchanged. Every other response goes through django-csp exactly as before. Written by
hand because django-csp has no such cache.
"""

import copy

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# What django-csp's decorators set on a response (csp/decorators.py): any of them makes the
# response's policy its own.
CUSTOMISED = tuple(
    f"_csp_{part}{mode}"
    for part in ("exempt", "config", "update", "replace")
    for mode in ("", "_ro")
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Sets the same headers django-csp would, from a cache when the response is the usual."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        self.settings_seen: tuple | None = None
        self.usual_headers: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not self.is_usual(request, response):
            return super().process_response(request, response)
        for header, policy, excluded_prefixes in self.headers():
            if header not in response and not request.path_info.startswith(excluded_prefixes):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    @staticmethod
    def is_usual(request: HttpRequest, response: HttpResponseBase) -> bool:
        """Not customised, no nonce, and not DEBUG (whose error pages django-csp treats
        apart): what runs in production, where speed matters."""
        return (
            not settings.DEBUG
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, attribute) for attribute in CUSTOMISED)
        )

    def headers(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """Each header of the usual response under the current settings, with the paths
        it is not sent on."""
        enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
        if self.settings_seen != (enforced, report_only):
            built = (
                (HEADER, build_policy(), enforced),
                (HEADER_REPORT_ONLY, build_policy(report_only=True), report_only),
            )
            self.usual_headers = tuple(
                (header, policy, tuple(config.get("EXCLUDE_URL_PREFIXES") or ()))
                for header, policy, config in built
                if policy
            )
            # A copy: a test or a view changing the settings in place is seen too.
            self.settings_seen = copy.deepcopy((enforced, report_only))
        return self.usual_headers
