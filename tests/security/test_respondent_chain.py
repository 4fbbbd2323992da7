"""The shorter middleware chain of anonymous respondents' submissions (config/respondents.py):
which requests take it, and that a respondent is as protected on it as on the whole one."""

import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.test import Client, RequestFactory, override_settings
from django.test.client import ClientHandler, encode_multipart

from config.respondents import FORM_TYPE, RespondentHandler, RespondentRequest, RespondentRouting
from config.wsgi import application
from surveys.models import Response
from tests.factories import SUBMIT, form_data, submit

FORM = "/s/us-russia-kz/"
PROTECTING = (
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "core.request_limits.ChunkedBodyRefusedMiddleware",
    "core.outage.DatabaseOutageMiddleware",
    "core.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)


def respondent_post(path: str, **environ: str) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", **environ}


@pytest.mark.parametrize(
    "environ",
    [
        respondent_post(FORM),
        respondent_post("/s/another_survey-2/", HTTP_COOKIE="csrftoken=abc; django_language=kk"),
        respondent_post(SUBMIT),
        respondent_post(FORM, QUERY_STRING="lang=ru"),
    ],
)
def test_it_sends_an_anonymous_submission_the_short_way(environ):
    assert application.is_anonymous_submission(environ)


@pytest.mark.parametrize(
    "environ",
    [
        {**respondent_post(FORM), "REQUEST_METHOD": "GET"},
        respondent_post(FORM, HTTP_COOKIE="csrftoken=abc; sessionid=xyz"),
        respondent_post(SUBMIT, HTTP_AUTHORIZATION="Token abc"),
        respondent_post(FORM, QUERY_STRING="mode=test"),
        respondent_post(FORM, QUERY_STRING="lang=en&mod%65=test"),
        respondent_post("/s/us-russia-kz/thanks/"),
        respondent_post("/s/us-russia-kz"),
        respondent_post("/accounts/login/"),
        respondent_post("/api/v1/surveys/us-russia-kz/"),
        respondent_post("/prefix" + SUBMIT),
    ],
)
def test_it_sends_everything_else_through_the_whole_chain(environ):
    assert not application.is_anonymous_submission(environ)


def test_it_hands_each_request_to_the_handler_it_chose():
    seen = []
    routing = RespondentRouting(
        everyone=lambda environ, start: seen.append("everyone") or [b""],
        respondents=lambda environ, start: seen.append("respondents") or [b""],
    )
    routing(respondent_post(FORM), None)
    routing({**respondent_post(FORM), "HTTP_COOKIE": "sessionid=xyz"}, None)
    assert seen == ["respondents", "everyone"]


def test_it_keeps_every_check_that_protects_data_in_the_whole_chains_order():
    kept = [name for name in settings.MIDDLEWARE if name in settings.RESPONDENT_MIDDLEWARE]
    assert kept == settings.RESPONDENT_MIDDLEWARE
    assert set(PROTECTING) <= set(settings.RESPONDENT_MIDDLEWARE)
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in kept


def test_it_builds_the_respondents_handler_from_the_short_chain_only():
    handler = RespondentHandler()
    assert settings.MIDDLEWARE != settings.RESPONDENT_MIDDLEWARE  # put back once built
    chain = []
    layer = handler._middleware_chain.__wrapped__  # Django wraps each layer in a function
    while hasattr(layer, "get_response"):  # the innermost calls the view
        chain.append(f"{type(layer).__module__}.{type(layer).__name__}")
        layer = layer.get_response.__wrapped__
    assert chain == settings.RESPONDENT_MIDDLEWARE


class RespondentClient(Client):
    """The test client, CSRF enforced as in a browser, on the respondents' chain."""

    def __init__(self) -> None:
        super().__init__(enforce_csrf_checks=True)
        self.handler = ClientHandler(enforce_csrf_checks=True)
        with override_settings(MIDDLEWARE=settings.RESPONDENT_MIDDLEWARE):
            self.handler.load_middleware()


@pytest.fixture
def respondent(survey) -> RespondentClient:
    client = RespondentClient()
    client.cookies["django_language"] = "en"
    return client


def csrf_token() -> str:
    return Client(enforce_csrf_checks=True).get(FORM + "?lang=en").cookies["csrftoken"].value


def test_it_stores_a_form_sent_the_short_way_with_the_usual_security_headers(respondent, answers):
    token = csrf_token()
    respondent.cookies["csrftoken"] = token
    sent = respondent.post(FORM, {**form_data(answers), "csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    assert sent["Location"].endswith("/thanks/")
    assert Response.objects.count() == 1
    assert sent["X-Frame-Options"] == "DENY"
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert "default-src" in sent["Content-Security-Policy"]


def test_it_refuses_a_form_without_its_csrf_token_the_short_way(respondent, answers):
    sent = respondent.post(FORM, form_data(answers))
    assert sent.status_code == 403
    assert Response.objects.count() == 0


def test_it_shows_the_form_again_with_its_errors_the_short_way(respondent, answers):
    token = csrf_token()
    respondent.cookies["csrftoken"] = token
    del answers["q05"]
    sent = respondent.post(FORM, {**form_data(answers), "csrfmiddlewaretoken": token})
    assert sent.status_code == 400
    assert "Please choose an answer." in sent.content.decode()
    assert "default-src" in sent["Content-Security-Policy"]
    assert Response.objects.count() == 0


def test_it_stores_an_api_submission_once_the_short_way(respondent, answers):
    key = str(uuid.uuid4())
    first = submit(respondent, {"language": "en", "answers": answers}, key)
    again = submit(respondent, {"language": "en", "answers": answers}, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Response.objects.count() == 1


def posted(body: bytes, content_type: str = FORM_TYPE, **environ: str) -> dict:
    """The WSGI environ of a POST of this body to the form, as Django's RequestFactory
    builds it."""
    return RequestFactory().generic("POST", FORM, body, content_type, **environ).environ


def wsgi_call(environ: dict) -> tuple[str, list[tuple[str, str]]]:
    """The status and headers the WSGI application answers with."""
    answered: dict = {}
    application(environ, lambda status, headers: answered.update(status=status, headers=headers))
    return answered["status"], answered["headers"]


def read_both(body: bytes, content_type: str = FORM_TYPE):
    """request.POST as the respondents' request reads it, and as Django's does."""
    ours = RespondentRequest(posted(body, content_type))
    djangos = WSGIRequest(posted(body, content_type))
    return ours.POST, djangos.POST


@pytest.mark.parametrize(
    "body",
    [
        b"q01=teacher&q03=cyber&q03=other&q03_other=&client_token=abc",
        urlencode({"q10": "Қазақстан ғылымы", "note": "a+b c&d=e"}).encode(),
        b"q01=%FF%FE&q02=%E2%82",  # escapes that are not UTF-8
        "q01=été".encode("latin-1"),  # raw bytes that are not UTF-8
        b"",
        b"&&=&only_key&=value&a=1;b=2",
    ],
)
def test_it_reads_a_form_as_django_does(body):
    ours, djangos = read_both(body)
    assert type(ours) is QueryDict
    assert list(ours.lists()) == list(djangos.lists())
    assert ours.encoding == djangos.encoding == "utf-8"
    with pytest.raises(AttributeError, match="immutable"):
        ours["q01"] = "changed"


def test_it_refuses_too_many_fields_as_django_does():
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3):
        for request in (RespondentRequest, WSGIRequest):
            with pytest.raises(TooManyFieldsSent):
                request(posted(b"a=1&b=2&c=3&d=4")).POST  # noqa: B018  (reading it parses)


def test_it_refuses_a_body_too_large_as_django_does():
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10):
        for request in (RespondentRequest, WSGIRequest):
            with pytest.raises(RequestDataTooBig):
                request(posted(b"q01=" + b"x" * 20)).POST  # noqa: B018


def test_it_leaves_other_bodies_to_django():
    latin = posted(b"a=1", f"{FORM_TYPE}; charset=latin-1")
    with pytest.raises(BadRequest):
        RespondentRequest(latin).POST  # noqa: B018  (reading it parses)
    boundary = "respondent-boundary"
    multipart = encode_multipart(boundary, {"q01": "teacher", "q03": ["cyber", "other"]})
    ours, djangos = read_both(multipart, f"multipart/form-data; boundary={boundary}")
    assert (
        list(ours.lists())
        == list(djangos.lists())
        == [
            ("q01", ["teacher"]),
            ("q03", ["cyber", "other"]),
        ]
    )
    assert read_both(b'{"q01": "teacher"}', "application/json") == (QueryDict(), QueryDict())


def test_it_stores_a_form_sent_to_the_wsgi_application_the_short_way(
    survey, answers, wsgi_calls_keep_the_connection
):
    _status, headers = wsgi_call(RequestFactory().get(FORM, {"lang": "en"}).environ)
    cookies = SimpleCookie()
    for name, value in headers:
        if name == "Set-Cookie":
            cookies.load(value)
    token = cookies["csrftoken"].value
    body = urlencode({**form_data(answers), "csrfmiddlewaretoken": token}, doseq=True).encode()
    environ = posted(body, HTTP_COOKIE=f"csrftoken={token}; django_language=en")
    assert application.is_anonymous_submission(environ)
    status, _headers = wsgi_call(environ)
    assert status == "302 Found"
    assert Response.objects.get().answers["q01"] == answers["q01"]
