"""Request bodies the site does not read, refused in the sender's language, never with
Django's bare English "Bad Request (400)".

- A body sent in chunks (``Transfer-Encoding: chunked``) without ``Content-Length``: the
  WSGI server would hand Django an empty body, and the respondent would be told a question
  was unanswered. It is refused with 411 Length Required before anything reads it.
- A body over DATA_UPLOAD_MAX_MEMORY_SIZE or with more than DATA_UPLOAD_MAX_NUMBER_FIELDS
  fields: Django raises while reading it, then calls ``handler400`` (``bad_request``).

Under /api/ the answer is the API's JSON error body; elsewhere a short page.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.outage import API_PREFIX, request_language

CHUNKED = _(
    "The request was sent in chunks without a Content-Length header; send it again with its length."
)
TOO_LARGE = _(
    "What was sent is larger, or has more fields, than this site accepts. Nothing was saved: "
    "go back, check your answers and send them again."
)
UNREADABLE = _("This request could not be read. Nothing was saved.")


class ChunkedBodyRefusedMiddleware:
    """Placed after the security headers' middleware, before anything reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # From META: request.headers would build every header's name for this one.
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH"):
            return _refusal(request, 411, "length_required", CHUNKED)
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's handler400: an unreadable request, said in the sender's language."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return _refusal(request, 400, "request_too_large", TOO_LARGE)
    return _refusal(request, 400, "bad_request", UNREADABLE)


def _refusal(request: HttpRequest, status: int, code: str, message: Promise) -> HttpResponse:
    language = request_language(request)
    with translation.override(language):
        detail = str(message)
        if request.path.startswith(API_PREFIX):
            response: HttpResponse = JsonResponse({"detail": detail, "code": code}, status=status)
        else:
            # Rendered without the request: its body or session may be what cannot be read.
            page = render_to_string("400.html", {"detail": detail, "status": status})
            response = HttpResponse(page, status=status)
    response["Content-Language"] = language
    return response
