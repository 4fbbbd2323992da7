"""Finding 4: a respondent's oversize or too-many-fields POST gets the error page in their
language, not Django's bare English 400; a body sent in chunks without a length is refused
with 411 instead of being read as empty."""

import http.client
import json

import pytest
from django.conf import settings

from surveys.models import Response
from tests.factories import SUBMIT

FORM = "/s/us-russia-kz/"


@pytest.fixture
def russian(client, survey):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    return client


def test_it_answers_too_many_fields_with_the_page_in_the_respondents_language(russian):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10)}
    answer = russian.post(FORM, fields)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Bad Request" not in page
    assert "Ничего не сохранено" in page
    assert answer["Content-Language"] == "ru"


def test_it_answers_an_oversize_form_with_the_page_in_kazakh(client, survey):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    answer = client.post(FORM, {"q03_other": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert answer.status_code == 400
    assert "Ештеңе сақталған жоқ" in answer.content.decode()


def test_it_refuses_a_chunked_form_without_a_length_with_411(russian):
    answer = russian.post(
        FORM, {"client_token": "x"}, CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert answer.status_code == 411
    assert "без заголовка Content-Length" in answer.content.decode()
    assert not Response.objects.exists()


def test_it_refuses_a_chunked_api_submission_with_a_json_411(client, survey, answers):
    body = json.dumps({"language": "en", "answers": answers})
    answer = client.post(
        SUBMIT,
        body,
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert answer.status_code == 411
    assert answer.json()["code"] == "length_required"
    assert not Response.objects.exists()


@pytest.mark.slow
def test_it_refuses_a_chunked_submission_to_gunicorn_with_411(gunicorn, answers):
    """The WSGI server itself, which hands Django the chunked body without a length."""
    body = json.dumps({"language": "en", "answers": answers}).encode()
    connection = http.client.HTTPConnection(gunicorn.url.removeprefix("http://"), timeout=10)
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    connection.request("POST", SUBMIT, body=iter([body]), headers=headers, encode_chunked=True)
    answer = connection.getresponse()
    assert answer.status == 411
    assert json.loads(answer.read())["code"] == "length_required"


def test_it_still_reads_a_body_that_gives_its_length(client, survey, answers):
    body = json.dumps({"language": "en", "answers": answers})
    assert client.post(SUBMIT, body, content_type="application/json").status_code == 201
