"""The power and precision monitor on the dashboards and in analyze --json: the pair page's
sentences and the overview's "Responses still needed" panel, in English and translated."""

import math

import pytest

from analytics.charts import Labels
from analytics.power_monitor import still_needed
from analytics.selectors import survey_analysis
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create
from tests.factories import analyze

BASE = "/dashboard/us-russia-kz"


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=400, seed=5)
    return survey


def _pair(report: dict, a: str, b: str) -> dict:
    return next(pair for pair in report["pairs"] if (pair["a"], pair["b"]) == (a, b))


def test_it_gives_every_pair_its_power_and_every_share_its_precision(responses):
    report = analyze("us-russia-kz")
    for pair in report["pairs"]:
        assert set(pair["power"]) == set(pair["n_for_power"]) == {"0.1", "0.3", "0.5"}
        assert pair["power_alpha"] <= report["options"]["alpha"]
    frequency = report["questions"][0]["frequencies"][0]
    assert {"ci_half_width", "n_for_3_points", "n_for_5_points"} <= set(frequency)


def test_it_says_how_many_responses_a_pair_needs(admin_client, responses):
    pair = _pair(analyze("us-russia-kz"), "q01", "q04")
    needed = math.ceil(pair["n_for_power"]["0.1"])
    assert pair["n"] < needed
    page = admin_client.get(f"{BASE}/pairs/q01/q04/").content.decode()
    assert (
        f"To detect a small dependence (V = 0.1) between Q01 and Q04 with 80 % power you need "
        f"about {needed:,} responses; you have {pair['n']:,}."
    ) in page
    large = math.ceil(pair["n_for_power"]["0.5"])
    assert (
        f"To detect a large dependence (V = 0.5) between Q01 and Q04 with 80 % power you "
        f"already have enough responses: {pair['n']:,} (about {large:,} are needed)."
    ) in page


def test_it_says_it_in_russian_with_the_russian_thousands(admin_client, responses):
    pair = _pair(analyze("us-russia-kz"), "q01", "q04")
    needed = f"{math.ceil(pair['n_for_power']['0.1']):,}".replace(",", "\xa0")
    page = admin_client.get(f"{BASE}/pairs/q01/q04/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert (
        f"Чтобы обнаружить малую зависимость (V = 0,1) между Q01 и Q04 с мощностью 80 %, "
        f"нужно ответов: около {needed}; сейчас их {pair['n']}."
    ) in page


def test_it_says_a_multiple_response_pair_is_powered_at_the_bonferroni_level(
    admin_client, responses
):
    page = admin_client.get(f"{BASE}/pairs/q01/q03/").content.decode()
    assert "power of the Bonferroni test" in page
    assert "To detect a medium dependence (V = 0.3) between Q01 and Q03" in page


def test_it_counts_the_responses_still_needed_for_every_and_most_pairs(responses):
    analysis = survey_analysis(responses)
    panel = still_needed(analysis, Labels(survey_questionnaire(responses), "en"))
    shortfalls = sorted(
        max(0, math.ceil(pair.power.n_for_power[0]) - pair.power.n)
        for pair in analysis.pairs
        if pair.power.n_for_power is not None
    )
    every, most = panel["effects"][0]["more"]
    assert every == shortfalls[-1] > 0
    assert sum(shortfall <= most for shortfall in shortfalls) > len(shortfalls) / 2
    assert sum(shortfall < most for shortfall in shortfalls) <= len(shortfalls) / 2


def test_it_names_the_share_that_needs_the_most_answers(responses):
    analysis = survey_analysis(responses)
    panel = still_needed(analysis, Labels(survey_questionnaire(responses), "en"))
    three_points = panel["shares"][0]
    lacking = max(
        row.precision.n_for_3_points - question.n_answered
        for question in analysis.questions
        for row in question.frequencies
    )
    assert (three_points["points"], three_points["more"]) == (3, max(0, lacking))
    assert three_points["needed"] - three_points["answered"] == lacking


@pytest.mark.parametrize(
    ("language", "heading", "enough"),
    [
        ("en", "Responses still needed", "enough already"),
        ("kk", "Тағы қанша жауап қажет", "жеткілікті"),
    ],
)
def test_it_shows_the_panel_on_the_overview(admin_client, responses, language, heading, enough):
    analysis = survey_analysis(responses)
    panel = still_needed(analysis, Labels(survey_questionnaire(responses), language))
    page = admin_client.get(f"{BASE}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in page
    every_small = panel["effects"][0]["more"][0]
    assert f"<td>{every_small:,}</td>".replace(",", "," if language == "en" else "\xa0") in page
    assert f"<td>{enough}</td>" in page  # a large dependence needs no more at 400
