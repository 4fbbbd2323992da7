"""One filter declaration for any questionnaire: the dashboards' filter bar and the admin's
export page offer every single-choice question, by its text, under its code."""

import csv
import io
import re

import pytest
from django.urls import reverse

from surveys.models import Response
from surveys.services import demo_responses_create
from tests.factories import field_study, signed_in, user_in_group

BASE = "/dashboard/field-study"


@pytest.fixture
def study(db):
    survey = field_study()
    demo_responses_create(survey=survey, n=120, seed=2)
    return survey


@pytest.fixture
def staff_client(db):
    return signed_in(user_in_group("staff", is_staff=True))


def _selects(page: str) -> list[str]:
    return re.findall(r'<select name="([^"]+)"', page)


def test_it_offers_a_filter_for_every_single_choice_question(study, staff_client):
    page = staff_client.get(f"{BASE}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert _selects(page) == ["role", "region", "language", "suspect", "letters"]
    assert "Ваша роль в хозяйстве" in page and "Где хозяйство" in page
    assert '<option value="owner">Владелец</option>' in page


def test_it_filters_any_questionnaire_by_its_own_questions(study, staff_client):
    owners = Response.objects.filter(survey=study, answers__role="owner").count()
    assert staff_client.get(f"{BASE}/data/?role=owner").json()["n"] == owners
    both = staff_client.get(f"{BASE}/data/?role=owner&role=worker&region=north").json()["n"]
    assert both == Response.objects.filter(survey=study, answers__region="north").count()
    page = staff_client.get(f"{BASE}/?role=owner").content.decode()
    assert '<option value="owner" selected>' in page


def test_it_refuses_a_multi_choice_question_as_a_filter(study, staff_client):
    page = staff_client.get(f"{BASE}/?topics=water")
    assert page.status_code == 400
    assert "choose a single-choice question" in page.content.decode()


def test_it_reads_an_untouched_filter_bar_as_no_filter(study, staff_client):
    untouched = "role=&region=&language=&since=&until=&provenance=&suspect="
    assert staff_client.get(f"{BASE}/data/?{untouched}").json()["n"] == 120


def test_it_puts_the_same_filters_on_the_admin_export_page(study):
    client = signed_in(user_in_group("admins", is_staff=True))
    url = reverse("admin:surveys_survey_export", args=[study.pk])
    page = client.get(url).content.decode()
    for name in ("role", "region", "language", "since", "until", "provenance", "suspect"):
        assert f'name="{name}"' in page
    assert 'name="topics"' not in page
    assert "Your role on the farm" in page
    download = client.post(url, {"format": "csv", "role": "owner"})
    body = b"".join(download.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and {row["role"] for row in rows} == {"owner"}


def _filter_bar(page) -> str:
    html = page.content.decode()
    start = html.index('<form method="get" class="filter-bar"')
    return html[start : html.index("</form>", start)]


def _bar_rendered(page) -> bool:
    return "analytics/_filter_bar.html" in [template.name for template in page.templates]


def test_it_renders_the_filter_bar_once_per_query_and_language(study, staff_client):
    """The bar (a select per question with its every option) is rendered once, kept in the
    cache for its query string, language and questionnaire, and not for new responses."""
    first = staff_client.get(f"{BASE}/?role=owner")
    assert _bar_rendered(first)
    assert '<option value="owner" selected>' in _filter_bar(first)
    demo_responses_create(survey=study, n=5, seed=3)
    again = staff_client.get(f"{BASE}/?role=owner")
    assert not _bar_rendered(again)
    assert _filter_bar(again) == _filter_bar(first)
    other = staff_client.get(f"{BASE}/?role=worker")
    assert _bar_rendered(other)
    assert '<option value="worker" selected>' in _filter_bar(other)
    assert '<option value="owner" selected>' not in _filter_bar(other)
    russian = staff_client.get(f"{BASE}/?role=owner", HTTP_ACCEPT_LANGUAGE="ru")
    assert _bar_rendered(russian)
    assert '<option value="owner" selected>Владелец</option>' in _filter_bar(russian)
    matrix = staff_client.get(f"{BASE}/matrix/?show=p&role=owner")
    assert '<input type="hidden" name="show" value="p">' in _filter_bar(matrix)
