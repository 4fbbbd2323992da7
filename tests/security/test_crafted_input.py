"""Crafted requests that once answered 500 (issue 15, finding 3) answer a clear 4xx: a NUL in
an address, a lone surrogate in a JSON body, a date at the end of the calendar."""

import json

import pytest
from django.test import Client

from tests.factories import SUBMIT, response_add, signed_in, user_in_role

SURVEY = "/api/v1/surveys/us-russia-kz"
# One address of each kind of API route: a survey, a survey's sub-address, a question pair;
# a newline (%0A) too, which the catch-all 404 route must also match.
CRAFTED_ADDRESSES = [
    "/api/v1/surveys/%00/",
    "/api/v1/surveys/%00/responses/",
    "/api/v1/surveys/%00/analytics/frequencies/",
    "/api/v1/surveys/%00/export.csv",
    f"{SURVEY}/analytics/pairs/%00/q04/",
    f"{SURVEY}/analytics/pairs/q01/%00/",
    f"{SURVEY}/analysis/pairs/q01/%00.csv",
    f"{SURVEY}/analytics/pairs/%0A/q04/",
    "/api/v1/surveys/%0A/",
]
FAR_FUTURE = "until=9999-12-31"
BOUNDS = "Choose a date between 1900-01-01 and 2999-12-31."


@pytest.fixture
def admin_client(survey, answers) -> Client:
    response_add(survey, answers, language="ru")
    return signed_in(user_in_role("superuser"))


@pytest.mark.parametrize("address", CRAFTED_ADDRESSES)
def test_it_answers_a_nul_or_newline_in_an_api_address_with_a_json_404(admin_client, address):
    response = admin_client.get(address)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _submit_raw(client: Client, body: dict):
    # json.dumps writes a lone surrogate as the escape \ud800, which is valid JSON.
    return client.post(SUBMIT, json.dumps(body), content_type="application/json")


def test_it_answers_a_lone_surrogate_language_with_a_json_400(client, survey, answers):
    response = _submit_raw(client, {"language": "\ud800", "answers": answers})
    assert response.status_code == 400
    assert response.json()["errors"] == {"language": '"\\ud800" is not a valid choice.'}


def test_it_answers_a_lone_surrogate_answer_code_with_a_json_400(client, survey, answers):
    response = _submit_raw(client, {"language": "ru", "answers": {**answers, "\ud800": "x"}})
    assert response.status_code == 400
    assert response.json()["errors"] == {"\\ud800": "There is no question with this code."}


@pytest.mark.parametrize(
    "address",
    [
        "/dashboard/us-russia-kz/",
        f"{SURVEY}/analytics/frequencies/",
        f"{SURVEY}/export.csv",
    ],
)
@pytest.mark.parametrize("query", [FAR_FUTURE, "since=9999-12-31", "since=0001-01-01"])
def test_it_answers_a_date_outside_the_bounds_with_400(admin_client, address, query):
    response = admin_client.get(f"{address}?{query}")
    assert response.status_code == 400
    assert BOUNDS in response.content.decode()
