"""Survey data stays out of caches: every answer to a signed-in person or to a request with
credentials (an API token) says ``Cache-Control: no-store, private``, so no shared proxy and
no browser cache keeps dashboards, data endpoints, exports or admin pages. Respondents'
pages, which carry no one's data but their own form, are left as they are."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            patch_cache_control(response, no_store=True, private=True)
        return response
