"""The dashboards of a survey with every question kind: number panels, Kruskal–Wallis
cells and pair pages, and the skipped-by-design counts, in every language."""

import re

import pytest

from tests.factories import (
    every_kind_responses,
    every_kind_study,
    signed_in,
    user_in_group,
)

BASE = "/dashboard/every-kind"


@pytest.fixture
def study(db):
    survey = every_kind_study()
    every_kind_responses(survey, 200, seed=8)
    return survey


@pytest.fixture
def staff(db):
    return signed_in(user_in_group("staff"))


def said(study, code: str, value: str) -> int:
    return sum(r.answers["works"] == value for r in study.responses.all())


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_shows_a_number_panel_with_descriptives_and_a_histogram(study, staff, language):
    page = staff.get(f"{BASE}/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    hours = {"kk": "Hours a week (kk)", "ru": "Hours a week (ru)", "en": "Hours a week"}
    assert f"HOURS. {hours[language]}<" in html
    assert 'data-figure="freq-hours"' in html and 'data-figure="freq-income"' in html
    figure = page.context["figures"]["freq-hours"]
    bars = figure["data"][0]["y"]
    answered = sum("hours" in r.answers for r in study.responses.all())
    assert sum(bars) == answered
    assert 'id="comment"' not in html and 'id="intro"' not in html  # text and notes


def test_it_shows_how_many_were_not_asked_a_question(study, staff):
    html = staff.get(f"{BASE}/").content.decode()
    yes = said(study, "works", "yes")
    assert f"{yes} not asked (skip logic)" in html  # why: asked only those who said no
    assert f"{200 - yes} not asked (skip logic)" in html  # hours


def test_it_puts_kruskal_wallis_cells_in_the_matrix_and_leaves_others_empty(study, staff):
    page = staff.get(f"{BASE}/matrix/?show=p")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-pair="hours-trust"' in html
    assert 'data-pair="region-hours"' in html
    assert 'data-pair="hours-media"' not in html  # number × multi: not tested
    assert 'data-pair="hours-income"' not in html  # number × number: not tested
    assert "Kruskal–Wallis" in html
    codes = page.context["codes"]
    assert "comment" not in codes and "intro" not in codes and "hours" in codes


def test_it_colours_a_number_cell_by_epsilon_squared_in_the_v_view(study, staff):
    page = staff.get(f"{BASE}/matrix/")
    analysis = page.context["analysis"]
    pair = analysis.number_pair("hours", "trust")
    cell = next(
        c for _code, _text, row in page.context["grid"] for c in row if c and c["pair"] == pair
    )
    assert cell["value"] == pair.test.epsilon_squared


def test_it_shows_a_number_pair_page_with_box_plots_and_the_test(study, staff):
    page = staff.get(f"{BASE}/pairs/hours/trust/")
    assert page.status_code == 200
    html = page.content.decode()
    pair = page.context["pair"]
    assert "Kruskal–Wallis H" in html
    assert re.search(r"Kruskal–Wallis H = [\d.]+, df = 2, p ", page.context["sentence"])
    box = page.context["figures"]["pair"]["data"][0]
    assert box["type"] == "box"
    assert box["median"] == [g.median for g in pair.test.groups]
    no = said(study, "works", "no")
    assert f"{no} respondents were not asked HOURS (skip logic)." in html


def test_it_says_on_a_choice_pair_page_how_many_were_skipped_by_design(study, staff):
    html = staff.get(f"{BASE}/pairs/region/why/").content.decode()
    yes = said(study, "works", "yes")
    assert f"{yes} respondents were not asked WHY (skip logic)." in html


def test_it_refuses_an_untested_number_pair(study, staff):
    assert staff.get(f"{BASE}/pairs/hours/media/").status_code == 404


def test_it_redraws_a_number_pair_page_from_its_data_endpoint(study, staff):
    data = staff.get(f"{BASE}/pairs/hours/trust/data/").json()
    assert data["figures"]["pair"]["data"][0]["type"] == "box"


def test_it_shows_the_pages_of_a_survey_with_numbers_before_any_response(db, staff):
    every_kind_study()
    for path in ("/", "/matrix/", "/pairs/hours/trust/", "/findings/"):
        assert staff.get(f"{BASE}{path}").status_code == 200, path
    page = staff.get(f"{BASE}/pairs/hours/trust/")
    assert "could not be compared across the groups" in page.context["sentence"]


def test_it_analyses_numbers_when_only_some_respondents_answered(study, staff):
    from analytics.selectors import survey_analysis
    from surveys.models import Response

    Response.objects.filter(survey=study).exclude(answers__works="yes").delete()
    study.deletions += 1
    study.save()
    analysis = survey_analysis(study)
    assert analysis.number("hours").n_not_asked == 0
    assert analysis.number_pair("hours", "why").test.reason == "fewer than two groups have answers"
    assert staff.get(f"{BASE}/pairs/hours/why/").status_code == 200
