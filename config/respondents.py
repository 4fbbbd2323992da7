"""A shorter middleware chain for what most traffic is: an anonymous respondent sending answers.

A respondent's POST of the form or of the API's responses endpoint carries no session and no
credentials, so half the chain has nothing to do for it: sessions, authentication, messages,
the sign-in lockout (django-axes), the private-responses header and WhiteNoise (which serves
only GET). Walking through them cost a few percent of a submission's rate on bench/load.py
(docs/benchmarks.md, "Several nodes"). Every check that protects data stays:
the security headers and HTTPS redirect, the content security policy, the refusal of chunked
bodies, the 503 when the database is away, the language, CSRF, the frame options.

Anything else goes through the whole chain, as before: another method or path, a session
cookie (a signed-in staff member), an ``Authorization`` header (an API token), or a ``mode``
in the query string (staff piloting the form). A request is sent the long way when in doubt;
the short way only when it is sure. The paths come from the URLconf, not repeated here.

Django builds one middleware chain per handler from ``settings.MIDDLEWARE``; the second
handler is built the same way from ``settings.RESPONDENT_MIDDLEWARE``.
"""

import re
from collections.abc import Callable, Iterable
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

SLUG_PLACEHOLDER = "respondent-slug"
SLUG_PATTERN = "[-a-zA-Z0-9_]+"  # Django's <slug:> converter
SUBMISSION_URLS = ("survey", "api_responses")


class RespondentHandler(WSGIHandler):
    """A WSGI handler whose chain is ``settings.RESPONDENT_MIDDLEWARE``."""

    def load_middleware(self, is_async: bool = False) -> None:
        everyone = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.RESPONDENT_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = everyone


class RespondentRouting:
    """The WSGI application: anonymous respondents' submissions to ``respondents``, every
    other request to ``everyone``."""

    def __init__(self, everyone: Callable, respondents: Callable) -> None:
        self.everyone = everyone
        self.respondents = respondents
        self.submission_path = submission_paths(SUBMISSION_URLS)
        self.session_cookie = f"{settings.SESSION_COOKIE_NAME}="

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = self.respondents if self.is_anonymous_submission(environ) else self.everyone
        return handler(environ, start_response)

    def is_anonymous_submission(self, environ: dict) -> bool:
        return (
            environ.get("REQUEST_METHOD") == "POST"
            and self.submission_path.match(environ.get("PATH_INFO", "")) is not None
            and "HTTP_AUTHORIZATION" not in environ
            and self.session_cookie not in environ.get("HTTP_COOKIE", "")
            and "mode" not in unquote_plus(environ.get("QUERY_STRING", ""))
        )


def submission_paths(names: Iterable[str]) -> re.Pattern:
    """One pattern matching the paths of the named URLs for any survey slug."""
    alternatives = []
    for name in names:
        path = re.escape(reverse(name, kwargs={"slug": SLUG_PLACEHOLDER}))
        alternatives.append(path.replace(re.escape(SLUG_PLACEHOLDER), SLUG_PATTERN))
    return re.compile(rf"(?:{'|'.join(alternatives)})\Z")
