"""Production settings, browser-side defences, Argon2, and the sign-in lockout."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k" * 30 + "-Zq8#" * 10, "ALLOWED_HOSTS": "example.org"}
SETTINGS_SHOWN = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SECURE_PROXY_SSL_HEADER",
)


def manage(*arguments: str, **environment) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
    )


def production_settings(**environment) -> dict:
    code = "import json; from django.conf import settings as s; "
    code += f"print(json.dumps({{n: getattr(s, n, None) for n in {SETTINGS_SHOWN!r}}}))"
    result = manage("shell", "-c", code, **PRODUCTION, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.startup
def test_it_passes_the_deployment_checklist_with_debug_off():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.startup
def test_it_turns_on_https_and_secure_cookies_with_debug_off():
    shown = production_settings()
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert shown["SESSION_COOKIE_SECURE"] and shown["CSRF_COOKIE_SECURE"]
    assert shown["SESSION_COOKIE_HTTPONLY"] and shown["CSRF_COOKIE_HTTPONLY"]
    assert shown["SESSION_COOKIE_AGE"] == 8 * 3600
    assert shown["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.startup
def test_it_reads_the_https_settings_from_the_environment():
    shown = production_settings(
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="600",
        SECURE_PROXY_SSL_HEADER="1",
        SESSION_COOKIE_AGE="3600",
    )
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 600
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SESSION_COOKIE_AGE"] == 3600


@pytest.mark.startup
def test_it_hashes_passwords_with_argon2():
    code = "from django.contrib.auth.hashers import make_password; print(make_password('x'))"
    result = manage("shell", "-c", code, **PRODUCTION)
    assert result.stdout.splitlines()[-1].startswith("argon2$argon2id$"), result.stderr


def test_it_redirects_to_https_and_sends_hsts(client, survey, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert Client().get("/s/us-russia-kz/")["Location"].startswith("https://")
    secure = Client().get("/s/us-russia-kz/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("address", ["/s/us-russia-kz/", "/accounts/login/", "/api/docs/"])
def test_it_sends_the_browser_side_defences(client, survey, address):
    response = client.get(address)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_it_has_no_inline_script_or_event_handler_in_any_template():
    for template in (ROOT / "templates").rglob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), template
        assert not re.search(r"\son[a-z]+\s*=", html), template
        assert "javascript:" not in html, template


def test_it_serves_the_api_docs_script_as_a_file(client, db):
    page = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    script = client.get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.fixture
def watcher(db) -> User:
    return User.objects.create_user("watcher", password="the-right-one")


def sign_in(client: Client, username: str, password: str, **headers):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, headers=headers
    )


def test_it_locks_an_account_after_five_failures_from_one_address(client, watcher):
    statuses = [sign_in(client, "watcher", "wrong").status_code for _ in range(5)]
    locked = sign_in(client, "watcher", "the-right-one", **{"Accept-Language": "ru"})
    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "Слишком много попыток входа" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_only_that_username_from_that_address(client, watcher):
    User.objects.create_user("colleague", password="hers")
    for _ in range(5):
        sign_in(client, "watcher", "wrong")
    assert sign_in(client, "colleague", "hers").status_code == 302
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, "watcher", "the-right-one").status_code == 302


def test_it_locks_an_address_that_tries_one_password_on_many_accounts(client, watcher):
    statuses = [sign_in(client, f"someone-{n}", "Spring2026!").status_code for n in range(20)]
    assert statuses == [200] * 19 + [429]
    locked = sign_in(client, "watcher", "the-right-one", **{"Accept-Language": "ru"})
    assert locked.status_code == 429
    assert "После 20 неудачных попыток входа с вашего сетевого адреса" in locked.content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, "watcher", "the-right-one").status_code == 302


def test_it_forgets_failures_after_a_successful_sign_in(client, watcher):
    for _ in range(4):
        sign_in(client, "watcher", "wrong")
    assert sign_in(client, "watcher", "the-right-one").status_code == 302
    client.logout()
    assert [sign_in(client, "watcher", "wrong").status_code for _ in range(4)] == [200] * 4


def test_it_expires_a_staff_session_after_the_configured_age(client, watcher):
    response = sign_in(client, "watcher", "the-right-one")
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600
    assert response.cookies["sessionid"]["httponly"]
