"""Dashboards a researcher reads without a statistician: the matrix legend and hover texts,
"how to read this", and numbers written as the page's language writes them."""

import html
import re

import pytest
from django.utils import translation

from analytics.findings import p_text
from analytics.templatetags.numbers import p_is, p_value
from surveys.services import demo_responses_create
from tests.factories import signed_in, user_in_group

BASE = "/dashboard/us-russia-kz"


@pytest.fixture
def staff_client(survey):
    demo_responses_create(survey=survey, n=300, seed=8)
    return signed_in(user_in_group("staff"))


def test_it_names_every_question_of_the_matrix_in_a_legend(staff_client):
    page = staff_client.get(f"{BASE}/matrix/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    legend = re.search(r'<section class="matrix-legend".*?</section>', page, re.S).group(0)
    assert len(re.findall(r"<dt>Q\d\d</dt>", legend)) == 10
    assert "Сізге қай респондент мәртебесі көбірек сәйкес келеді?" in legend
    assert page.count('<abbr title="Сізге қай респондент') == 2  # column and row header


def test_it_puts_both_question_texts_in_the_matrix_hover(staff_client):
    figure = staff_client.get(f"{BASE}/matrix/data/").json()["figures"]["matrix"]
    hover = figure["data"][0]["customdata"][3][0]
    assert hover.startswith("Q04: Do you think") and "<br>Q01: Which respondent status" in hover


def test_it_explains_how_to_read_the_matrix(staff_client):
    page = staff_client.get(f"{BASE}/matrix/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Как это читать" in page
    assert "Cohen 1988" in page and "Rea & Parker" in page
    assert "множественным выбором" in page  # why the multiple-response pairs show "–"


@pytest.mark.parametrize(
    ("language", "small", "ordinary", "sentence"),
    [
        ("en", "< 0.001", "0.0427", "= 0.043"),
        ("ru", "< 0,001", "0,0427", "= 0,043"),
        ("kk", "< 0,001", "0,0427", "= 0,043"),
    ],
)
def test_it_writes_p_as_the_language_does(language, small, ordinary, sentence):
    with translation.override(language):
        assert p_value(0.0000123) == small
        assert p_value(0.04271) == ordinary
        assert p_is(0.04271) == f"= {ordinary}"
        assert p_text(0.04271) == sentence
        assert p_value(None) == "–"


def test_it_never_prints_p_as_zero_on_the_pair_page(staff_client):
    page = staff_client.get(f"{BASE}/pairs/q01/q02/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "0.0000" not in page and "0,0000" not in page
    numbers = re.findall(r"<td>(\d+[.,]\d+)</td>", page)
    assert numbers and all("." not in number for number in numbers)


def test_it_writes_the_matrix_cells_with_the_languages_decimal_comma(staff_client):
    page = staff_client.get(f"{BASE}/matrix/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    cells = re.findall(r'data-pair="q\d\d-q\d\d" href="[^"]+">([^<]+)</a>', page)
    values = [cell for cell in cells if cell[0].isdigit()]
    assert values and all(re.fullmatch(r"\d,\d\d[*†]*", value) for value in values)


def test_it_reports_a_pair_in_apa_style(staff_client, survey):
    from analytics.findings import apa_report
    from analytics.selectors import survey_analysis

    pair = survey_analysis(survey).pair("q01", "q04")
    report = apa_report(pair)
    found = re.fullmatch(
        r"χ²\((\d+), N = (\d+)\) = (\d+\.\d\d), p (< \.001|= \.\d{3}), Ṽ = (\.\d\d)", report
    )
    assert found, report
    df, n, statistic, p, v = found.groups()
    assert (int(df), int(n)) == (pair.test.df, pair.test.n)
    assert float(statistic) == round(pair.test.statistic, 2)
    exact = "= " + f"{pair.shown_p:.3f}".removeprefix("0")
    assert p == ("< .001" if pair.shown_p < 0.001 else exact)
    assert float(v) == round(pair.cramers_v_corrected, 2)
    page = staff_client.get(f"{BASE}/pairs/q01/q04/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Запись в стиле APA" in page and f"<code>{html.escape(report)}</code>" in page
    multi = apa_report(survey_analysis(survey).pair("q01", "q03"))
    assert multi.startswith(("Rao–Scott χ²(", "χ²S(N = "))


@pytest.mark.parametrize(
    ("value", "places", "written"),
    [(0.0424, 3, ".042"), (0.5, 2, ".50"), (0.0, 2, ".00"), (1.0, 3, "1.000"), (-0.25, 2, "-.25")],
)
def test_it_writes_apa_numbers_without_a_leading_zero(value, places, written):
    from analytics.findings import _no_leading_zero

    assert _no_leading_zero(value, places) == written


def test_it_explains_how_to_read_a_pair_in_kazakh(staff_client):
    page = staff_client.get(f"{BASE}/pairs/q01/q04/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "Мұны қалай оқу керек" in page and "Коэннің шарттары" in page
