"""A failure in the middle of storing a submission leaves no row behind.

The database itself refuses: a trigger raises after the row is inserted, inside the same
statement. That is a fault on the server's side that sending again will not cure, so the
respondent gets a 500 with a page saying, in their language, that nothing was saved.
(An unreachable database is a 503 instead: core/outage.py.)"""

import json

import pytest
from django.db import connection
from django.test import Client

from surveys.models import Response
from tests.factories import form_data

pytestmark = pytest.mark.postgres


@pytest.fixture
def refusing_database(survey):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION refuse_response() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_response AFTER INSERT ON surveys_response
            FOR EACH ROW EXECUTE FUNCTION refuse_response();
            """
        )
    return survey


def test_it_stores_nothing_and_says_so_when_the_database_fails_mid_insert(
    refusing_database, answers
):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "ru"
    response = client.post("/s/us-russia-kz/", form_data(answers))
    assert response.status_code == 500
    assert "Ничего из отправленного не сохранено" in response.content.decode()
    assert Response.objects.count() == 0


def test_it_stores_nothing_when_the_database_fails_under_the_api(refusing_database, answers):
    client = Client(raise_request_exception=False)
    body = json.dumps({"language": "ru", "answers": answers})
    response = client.post(
        "/api/v1/surveys/us-russia-kz/responses/", body, content_type="application/json"
    )
    assert response.status_code == 500
    assert Response.objects.count() == 0
