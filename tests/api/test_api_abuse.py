"""Throttling anonymous submissions per client and signed-in clients per user, CSRF on
session-authenticated writes."""

import pytest
from django.test import Client

from config.env import ImproperEnvironment, envrate
from surveys.models import Response
from tests.factories import signed_in, submit, user_in_group


def rates(settings, **changed: str) -> None:
    framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **framework,
        "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **changed},
    }


@pytest.fixture
def three_per_minute(settings):
    rates(settings, submissions="3/min")


@pytest.fixture
def body(answers) -> dict:
    return {"language": "ru", "answers": answers}


def test_it_throttles_a_client_with_429_and_retry_after(client, survey, body, three_per_minute):
    statuses = [submit(client, body).status_code for _ in range(3)]
    refused = submit(client, body)
    assert statuses == [201, 201, 201]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert Response.objects.count() == 3


def test_it_counts_invalid_submissions_too(client, survey, three_per_minute):
    statuses = [submit(client, {"language": "ru", "answers": {}}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_it_ignores_a_spoofed_x_forwarded_for(client, survey, body, three_per_minute):
    for n in range(3):
        submit(client, body, **{"X-Forwarded-For": f"10.0.0.{n}"})
    refused = submit(client, body, **{"X-Forwarded-For": "10.9.9.9"})
    assert refused.status_code == 429


def test_it_tells_clients_apart_by_the_address_a_trusted_proxy_adds(client, survey, body, settings):
    rates(settings, submissions="1/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # The client may put anything first; the proxy appends the address it saw.
    first = submit(client, body, **{"X-Forwarded-For": "1.1.1.1, 203.0.113.5"})
    spoofed = submit(client, body, **{"X-Forwarded-For": "1.1.1.2, 203.0.113.5"})
    other = submit(client, body, **{"X-Forwarded-For": "203.0.113.6"})
    assert [first.status_code, spoofed.status_code, other.status_code] == [201, 429, 201]


def test_it_throttles_signed_in_scripts_at_their_own_rate(survey, body, staff_token, settings):
    rates(settings, submissions="1/min", signed_in="3/min")
    client = Client(headers={"Authorization": f"Token {staff_token}"})
    assert [submit(client, body).status_code for _ in range(4)] == [201, 201, 201, 429]


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/surveys/us-russia-kz/analytics/frequencies/",
        "/api/v1/surveys/us-russia-kz/codebook.json",
    ],
)
def test_it_throttles_a_signed_in_user_per_user_on_analysis_and_exports(survey, settings, address):
    rates(settings, signed_in="2/min")
    first, second = (signed_in(user_in_group("admins", username=name)) for name in "ab")
    statuses = [first.get(address).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert second.get(address).status_code == 200


def test_it_refuses_a_session_authenticated_post_without_a_csrf_token(survey, body, staff):
    response = submit(signed_in(staff, enforce_csrf_checks=True), body)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Response.objects.count() == 0


def test_it_accepts_a_session_authenticated_post_with_its_csrf_token(survey, body, staff):
    client = signed_in(staff, enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    assert submit(client, body, **{"X-CSRFToken": token}).status_code == 201


def test_it_accepts_anonymous_and_token_posts_without_csrf(survey, body, staff_token):
    anonymous = Client(enforce_csrf_checks=True)
    scripted = Client(enforce_csrf_checks=True, headers={"Authorization": f"Token {staff_token}"})
    assert submit(anonymous, body).status_code == 201
    assert submit(scripted, body).status_code == 201


def test_it_refuses_an_invalid_token_with_401(survey, body):
    client = Client(headers={"Authorization": "Token not-a-token"})
    assert submit(client, body).status_code == 401


def test_it_reads_a_rate_from_the_environment(monkeypatch):
    monkeypatch.setenv("API_SUBMISSION_RATE", "5/hour")
    assert envrate("API_SUBMISSION_RATE", "60/min") == "5/hour"


@pytest.mark.parametrize("raw", ["60", "sixty/min", "60/fortnight", "-1/min"])
def test_it_stops_on_a_malformed_rate(monkeypatch, raw):
    monkeypatch.setenv("API_SUBMISSION_RATE", raw)
    with pytest.raises(ImproperEnvironment, match="API_SUBMISSION_RATE"):
        envrate("API_SUBMISSION_RATE", "60/min")
