"""Submitting responses through the API: stored once, refused clearly, never a 500."""

import dataclasses
import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from surveys.models import Response
from surveys.selectors import survey_questionnaire
from surveys.services import questionnaire_import
from tests.factories import SUBMIT, submit


def test_it_stores_a_response_and_answers_201_with_its_public_id(client, survey, answers):
    response = submit(client, {"language": "ru", "answers": answers})
    assert response.status_code == 201
    stored = Response.objects.get()
    assert response.json() == {"id": str(stored.client_token)}
    assert stored.language == "ru"
    assert stored.answers["q03_other"] == answers["q03_other"]


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_it_answers_a_well_formed_submission_at_once_as_drf_would(client, survey, answers, accept):
    """Stored before DRF's dispatch (api.submissions._stored_at_once), with DRF's answer: the
    same status, headers and body as one that goes through it (an Accept with a quality)."""
    body = {"language": "en", "answers": answers}
    asked = {"Accept": accept} if accept else {}
    at_once = submit(client, body, key="at-once", **asked)
    through_drf = submit(client, body, key="through-drf", Accept="application/json; q=1")
    assert not hasattr(at_once, "data") and hasattr(through_drf, "data")  # a DRF Response
    assert at_once.status_code == through_drf.status_code == 201
    assert dict(at_once.items()) == dict(through_drf.items())
    stored = Response.objects.order_by("pk")
    assert [at_once.content, through_drf.content] == [
        f'{{"id":"{response.client_token}"}}'.encode() for response in stored
    ]
    again = submit(client, body, key="at-once", **asked)
    assert (again.status_code, again.content) == (200, at_once.content)


@pytest.mark.parametrize(
    ("headers", "status", "stored"),
    [
        ({"Accept": "text/html"}, 406, 0),
        ({"Content-Type": "application/json; charset=latin-1"}, 201, 1),
        ({"Authorization": "Token not-a-token"}, 401, 0),
    ],
)
def test_it_leaves_any_other_submission_to_drf(client, survey, answers, headers, status, stored):
    body = json.dumps({"language": "en", "answers": answers})
    content_type = headers.pop("Content-Type", "application/json")
    answer = client.post(SUBMIT, body, content_type=content_type, headers=headers)
    assert hasattr(answer, "data")  # a DRF Response
    assert (answer.status_code, Response.objects.count()) == (status, stored)


def test_it_returns_the_original_id_when_the_same_key_and_body_come_again(client, survey, answers):
    body = {"language": "ru", "answers": answers}
    first = submit(client, body, key="retry-1")
    again = submit(client, body, key="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Response.objects.count() == 1


def test_it_refuses_a_reused_key_with_another_body_with_409(client, survey, answers):
    submit(client, {"language": "ru", "answers": answers}, key="retry-2")
    response = submit(client, {"language": "ru", "answers": {**answers, "q04": "no"}}, "retry-2")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Response.objects.count() == 1


def test_it_tells_an_anonymous_client_nothing_of_how_many_responses_came_before(
    client, survey, answers
):
    """Finding 4: the database id counts every response; the public id is random."""
    first, second = (submit(client, {"language": "en", "answers": answers}) for _ in range(2))
    ids = [answer.json()["id"] for answer in (first, second)]
    stored = list(Response.objects.order_by("pk").values_list("pk", flat=True))
    assert not {str(pk) for pk in stored} & set(ids)
    assert all(len(uuid.UUID(public).hex) == 32 for public in ids)


def test_it_stores_each_submission_without_a_key_separately(client, survey, answers):
    body = {"language": "ru", "answers": answers}
    assert [submit(client, body).status_code for _ in range(2)] == [201, 201]
    assert Response.objects.count() == 2


def test_it_keeps_the_same_key_apart_in_two_surveys(client, survey, answers):
    questionnaire_import(spec=dataclasses.replace(survey_questionnaire(survey), slug="copy"))
    body = json.dumps({"language": "ru", "answers": answers})
    headers = {"Idempotency-Key": "shared"}
    other = "/api/v1/surveys/copy/responses/"
    assert submit(client, json.loads(body), key="shared").status_code == 201
    assert (
        client.post(other, body, content_type="application/json", headers=headers).status_code
        == 201
    )
    assert Response.objects.count() == 2


def test_it_names_each_invalid_answer_and_stores_nothing(client, survey, answers):
    del answers["q05"]
    answers["q01"] = "astronaut"
    response = submit(client, {"language": "en", "answers": answers})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {
        "q01": "This is not one of the answers offered.",
        "q05": "Please choose an answer.",
    }
    assert Response.objects.count() == 0


def test_it_gives_the_messages_in_the_language_of_accept_language(client, survey, answers):
    del answers["q05"]
    response = submit(client, {"language": "ru", "answers": answers}, **{"Accept-Language": "ru"})
    assert response.json()["errors"]["q05"] == "Выберите ответ."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {}}, "language"),
        ({"language": "xx", "answers": {}}, "language"),
        ({"language": "ru", "answers": ["q01"]}, "answers"),
        ({"language": "ru"}, "answers"),
        (["ru"], "__all__"),
        ('"a JSON string"', "__all__"),
    ],
)
def test_it_refuses_a_body_of_the_wrong_shape_with_400(client, survey, body, field):
    response = submit(client, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Response.objects.count() == 0


def test_it_refuses_a_language_the_survey_is_not_offered_in(client, survey, answers):
    survey.languages = ["kk", "ru"]
    survey.save()
    response = submit(client, {"language": "en", "answers": answers})
    assert response.status_code == 400
    assert "language" in response.json()["errors"]


@pytest.mark.parametrize("raw", ["{", "", "[" * 100_000, '{"language": NaN}', b"\xff\xfe"])
def test_it_refuses_malformed_json_with_400(client, survey, raw):
    response = client.post(SUBMIT, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_it_refuses_a_body_larger_than_the_upload_limit_with_413(client, survey, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"language": "ru", "answers": {"q03_other": "x" * 2000}})
    response = client.post(SUBMIT, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_it_refuses_a_form_encoded_body_with_415(client, survey):
    response = client.post(SUBMIT, {"language": "ru"})
    assert response.status_code == 415


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_it_refuses_an_empty_or_overlong_idempotency_key(client, survey, answers, key):
    response = submit(client, {"language": "ru", "answers": answers}, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert Response.objects.count() == 0


def test_it_refuses_a_closed_survey_with_410(client, closed_survey, answers):
    response = submit(client, {"language": "ru", "answers": answers})
    assert response.status_code == 410
    assert response.json()["code"] == "survey_closed"
    assert Response.objects.count() == 0


def test_it_answers_a_submission_to_an_unknown_survey_with_404(client, db, answers):
    response = client.post(
        "/api/v1/surveys/nope/responses/", {"language": "ru"}, content_type="application/json"
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_it_stores_one_response_for_twenty_simultaneous_retries(survey, answers):
    body = {"language": "kk", "answers": answers}
    start = threading.Barrier(20)
    statuses: list[int] = []

    def send() -> None:
        try:
            start.wait()
            statuses.append(submit(Client(), body, key="burst").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 19 + [201]
    assert Response.objects.count() == 1
