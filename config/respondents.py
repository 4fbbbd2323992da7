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

The second handler also reads a form's fields faster (``RespondentRequest``): Django's
QueryDict adds a posted field through five nested methods that check and convert what
parse_qsl already gave as text, 0.3 M of a form submission's 3.3 M instructions
(callgrind; docs/benchmarks.md, "A form read in one pass"). Written by hand: Django has no
faster way to build one.
"""

import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, unquote_plus

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

FORM_TYPE = "application/x-www-form-urlencoded"


class RespondentRequest(WSGIRequest):
    """A request whose urlencoded POST body is read into the same QueryDict as Django
    reads it, in one pass; any other body, method or state is Django's to read."""

    _read_started: bool  # set by HttpRequest, undeclared in django-stubs
    _files: MultiValueDict

    def _load_post_and_files(self) -> None:
        if (
            self.method == "POST"
            and self.content_type == FORM_TYPE
            and (self.encoding or "utf-8").lower() == "utf-8"  # else Django refuses it
            and (hasattr(self, "_body") or not self._read_started)
        ):
            self._post = form_fields(self.body)
            self._files = MultiValueDict()
        else:
            super()._load_post_and_files()


def form_fields(body: bytes) -> QueryDict:
    """What ``QueryDict(body, encoding="utf-8")`` gives: the same decoding (UTF-8, else
    Latin-1 for a misbehaving client), the same parse, the same limit on the number of
    fields, an immutable QueryDict of lists of text."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("iso-8859-1")
    lists: dict[str, list[str]] = {}
    try:
        for key, value in parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        ):
            lists.setdefault(key, []).append(value)
    except ValueError as error:  # as Django: only max_num_fields raises it here
        raise TooManyFieldsSent(
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
        ) from error
    fields = QueryDict(mutable=True, encoding="utf-8")
    dict.update(fields, lists)  # a MultiValueDict is a dict of each key's list
    fields._mutable = False
    return fields


SLUG_PLACEHOLDER = "respondent-slug"
SLUG_PATTERN = "[-a-zA-Z0-9_]+"  # Django's <slug:> converter
SUBMISSION_URLS = ("survey", "api_responses")


class RespondentHandler(WSGIHandler):
    """A WSGI handler whose chain is ``settings.RESPONDENT_MIDDLEWARE``."""

    request_class = RespondentRequest

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
