"""Hostile "other" text is stored exactly and shown escaped wherever it appears."""

import csv
import io

import pytest
from django.contrib.auth.models import User

from exports.services import export_make
from surveys.models import Response
from tests.factories import form_data, response_add

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
MIXED = "Ақпараттық соғыс — информационная война"
HOSTILE = f"{SCRIPT} {ATTRIBUTE} {MIXED}"
ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; " + MIXED
)


@pytest.fixture
def hostile_response(survey, answers) -> Response:
    stored = response_add(survey, {**answers, "q03_other": HOSTILE}, language="kk")
    return stored.response


def assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert ESCAPED in html


def test_it_stores_the_text_exactly(hostile_response):
    hostile_response.refresh_from_db()
    assert hostile_response.answers["q03_other"] == HOSTILE


def test_it_escapes_the_text_on_the_admin_response_page(client, hostile_response):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    page = client.get(f"/admin/surveys/response/{hostile_response.pk}/change/")
    assert page.status_code == 200
    assert_escaped(page.content.decode())


def test_it_escapes_the_text_when_the_form_is_shown_again(client, survey, answers):
    client.cookies["django_language"] = "kk"
    del answers["q05"]
    page = client.post("/s/us-russia-kz/", form_data({**answers, "q03_other": HOSTILE}))
    assert page.status_code == 400
    assert_escaped(page.content.decode())


def test_it_keeps_the_text_exact_in_the_csv_export(hostile_response):
    content = b"".join(export_make(survey=hostile_response.survey, format="csv").content)
    [record] = csv.DictReader(io.StringIO(content.decode()))
    assert record["q03.other_text"] == HOSTILE
