"""A respondent and an API client over plain HTTP, for a server in another process.

Shared by the outage test and bench/load.py; no cookies jar, no redirects followed, so
what the server answered is what the caller sees.
"""

import functools
import http.client
import json
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

from tests.factories import ANSWERS, SLUG, SUBMIT

FORM_PATH = f"/s/{SLUG}/"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    def json(self) -> dict:
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5,
) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        cookies = {}
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                key, _equals, rest = value.partition("=")
                cookies[key] = rest.split(";")[0]
        return Reply(answer.status, dict(answer.getheaders()), answer.read(), cookies)
    finally:
        connection.close()


def api_submit(port: int, key: str, *, language: str = "en", timeout: float = 5) -> Reply:
    body = _api_body(language)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        "Accept-Language": language,
    }
    return request(port, "POST", SUBMIT, body=body, headers=headers, timeout=timeout)


@functools.cache
def _api_body(language: str) -> bytes:
    """The same answers every time: encoded once, as the floor's body is (bench/load.py),
    so that the load generator spends no more CPU on a submission than on the floor's."""
    return json.dumps({"language": language, "answers": ANSWERS}).encode()


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


@dataclass
class FormSession:
    """What a browser keeps after opening the form: its cookies and hidden fields."""

    cookies: dict[str, str]
    hidden: dict[str, str]

    def post(self, port: int, client_token: uuid.UUID, *, timeout: float = 5) -> Reply:
        body = self._answers_body + urlencode({"client_token": str(client_token)}).encode()
        return request(port, "POST", FORM_PATH, body=body, headers=self._headers, timeout=timeout)

    # Encoded once per session: only the client token changes from one submission to the
    # next (the load generator then spends no more CPU on a submission than on the floor's).
    @functools.cached_property
    def _answers_body(self) -> bytes:
        fields = {name: value for name, value in self.hidden.items() if name != "client_token"}
        return urlencode({**fields, **ANSWERS}, doseq=True).encode() + b"&"

    @functools.cached_property
    def _headers(self) -> dict[str, str]:
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }


def form_open(port: int, language: str) -> FormSession:
    """GET the form in a language, as a browser does before answering."""
    reply = request(port, "GET", f"{FORM_PATH}?lang={language}")
    if reply.status != 200:
        raise AssertionError(f"the form answered {reply.status}")
    parser = _HiddenInputs()
    parser.feed(reply.body.decode())
    return FormSession(cookies=reply.cookies, hidden=parser.values)


def is_thanked(reply: Reply) -> bool:
    return reply.status == 302 and reply.headers.get("Location", "").endswith("/thanks/")
