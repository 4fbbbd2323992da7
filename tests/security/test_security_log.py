"""Security events are logged as JSON, without answers or personal data."""

import json
import logging
import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client

from core.security import JsonFormatter, account_pseudonym, client_network
from exports.services import export_make
from tests.factories import SUBMIT, form_data


def events(security_log) -> list[str]:
    return [event for event, _fields in security_log()]


def test_it_logs_a_failed_sign_in_without_the_username_or_full_address(client, security_log, db):
    Client(REMOTE_ADDR="203.0.113.77").post(
        "/accounts/login/", {"username": "aigerim.s", "password": "wrong"}
    )
    [(event, fields)] = security_log()
    assert event == "login_failed"
    assert fields == {"account": account_pseudonym("aigerim.s"), "client": "203.0.113.0/24"}
    assert "aigerim" not in json.dumps(fields)


def test_it_logs_a_lockout(client, security_log, db):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "watcher", "password": "wrong"})
    assert "login_locked_out" in events(security_log)


def test_it_logs_throttled_api_clients(client, survey, answers, settings, security_log):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"submissions": "1/min", "signed_in": "600/min"},
    }
    body = {"language": "ru", "answers": answers}
    for _ in range(2):
        client.post(SUBMIT, body, content_type="application/json")
    [(event, fields)] = security_log()
    assert event == "api_throttled"
    assert fields["path"] == SUBMIT and fields["client"] == "127.0.0.0/24"
    assert 0 < fields["wait"] <= 60


def test_it_logs_a_refused_api_token(survey, security_log):
    Client(headers={"Authorization": "Token not-a-token"}).get(SUBMIT)
    assert events(security_log) == ["api_token_refused"]
    assert "not-a-token" not in json.dumps(security_log())


def test_it_logs_a_reused_client_token_from_the_form_and_the_api(
    client, survey, answers, security_log
):
    token = uuid.uuid4()
    client.cookies["django_language"] = "en"
    client.post("/s/us-russia-kz/", form_data(answers, token))
    client.post("/s/us-russia-kz/", form_data({**answers, "q04": "no"}, token))
    body = {"language": "ru", "answers": answers}
    client.post(SUBMIT, body, content_type="application/json", headers={"Idempotency-Key": "k"})
    body["answers"] = {**answers, "q04": "no"}
    client.post(SUBMIT, body, content_type="application/json", headers={"Idempotency-Key": "k"})
    assert security_log() == [("client_token_reused", {"survey": "us-russia-kz"})] * 2


def test_it_logs_exports_with_the_user_id_only(survey, security_log):
    user = User.objects.create_superuser("root.admin", password="pw")
    export_make(survey=survey, format="codebook-json", user=user)
    [(event, fields)] = security_log()
    assert event == "export"
    assert fields == {
        "user_id": user.pk,
        "survey": "us-russia-kz",
        "format": "codebook-json",
        "row_count": fields["row_count"],
    }


def test_it_logs_a_suspect_response_without_its_answers(client, survey, answers, security_log):
    client.cookies["django_language"] = "en"
    client.post("/s/us-russia-kz/", {**form_data(answers), "website": "spam"})
    assert security_log() == [
        ("response_suspect", {"survey": "us-russia-kz", "reason": "honeypot"})
    ]


def test_it_writes_one_json_object_per_line():
    record = logging.LogRecord("security", logging.WARNING, "", 0, "login_failed", None, None)
    record.fields = {"account": "abc", "client": "10.0.0.0/24"}
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert (parsed["event"], parsed["level"], parsed["account"]) == (
        "login_failed",
        "WARNING",
        "abc",
    )


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.200", "192.0.2.0/24"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("", "unknown"),
    ],
)
def test_it_keeps_only_the_network_of_an_address(address, network):
    assert client_network(address) == network
