"""When the database cannot be reached: a 503 with Retry-After, never a 500.

Respondents get a short page in their language; the API gets its usual error body with
the code ``database_unavailable``. Nothing was stored, so sending the same form (same
client token) or the same Idempotency-Key again is safe and stores the response once.

Failures inside a view (DRF re-raises what its exception handler leaves alone) reach
``process_exception``. Failures in the middleware below this one (a session saved in
``process_response``, say) are turned into a 500 by Django before they get here, so the
``got_request_exception`` signal marks the request and the 500 is replaced.
"""

import logging
import sys

import psycopg2
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from core.languages import language_codes

# Django wraps the driver's errors; code using a raw psycopg2 connection gets them unwrapped.
DATABASE_UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
)
RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"
FAILED_BELOW = "_database_unavailable"

logger = logging.getLogger(__name__)


class DatabaseOutageMiddleware:
    """Placed after SecurityMiddleware (so the 503 keeps its headers), before sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, FAILED_BELOW, False):
            return database_unavailable(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            _log(request, exception)
            return database_unavailable(request)
        return None


@receiver(got_request_exception)
def _mark_database_unavailable(sender, request: HttpRequest | None = None, **kwargs) -> None:
    # Sent from inside Django's except block, without the exception itself.
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, DATABASE_UNAVAILABLE):
        _log(request, exception)
        setattr(request, FAILED_BELOW, True)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503: JSON under /api/, else the respondent page, in the request's language."""
    language = request_language(request)
    with translation.override(language):
        if request.path.startswith(API_PREFIX):
            detail = gettext(
                "The database is unavailable for a moment and nothing was stored. "
                "Retry after the seconds given in Retry-After, with the same Idempotency-Key."
            )
            response: HttpResponse = JsonResponse(
                {"detail": detail, "code": "database_unavailable"}, status=503
            )
        else:
            # Rendered without the request: context processors could reach for the database.
            response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


def request_language(request: HttpRequest) -> str:
    """?lang= as on the respondent pages, else the language cookie or Accept-Language."""
    asked = request.GET.get("lang")
    if asked in language_codes():
        return asked
    return translation.get_language_from_request(request)


def _log(request: HttpRequest, exception: Exception) -> None:
    logger.warning(
        "Database unavailable (%s), answered 503 to %s %s",
        type(exception).__name__,
        request.method,
        request.path,
    )
