"""``weighted=1`` on the analysis endpoints: the weighted analysis of ``analyze --weighted``,
and a clear 400 when the survey has no usable weighting scheme."""

import pytest

from analytics.weighting import weights_set
from surveys.services import demo_responses_create
from tests.analytics.test_weighted_analysis import SCHEME
from tests.factories import analyze, signed_in

BASE = "/api/v1/surveys/us-russia-kz/analytics"


@pytest.fixture
def staff_client(staff):
    return signed_in(staff)


def test_it_gives_the_weighted_analysis_of_analyze(staff_client, survey):
    demo_responses_create(survey=survey, n=250, seed=8)
    weights_set(survey=survey, document=SCHEME)
    expected = analyze("us-russia-kz", "--weighted")
    body = staff_client.get(f"{BASE}/matrix/?weighted=1").json()
    assert body["weighted"] is True
    assert body["weights"]["n_effective"] == pytest.approx(expected["weights"]["n_effective"])
    mine = [(p["a"], p["b"], p["shown_p"]) for p in body["pairs"]]
    assert mine == [(p["a"], p["b"], p["shown_p"]) for p in expected["pairs"]]
    pair = staff_client.get(f"{BASE}/pairs/q01/q04/?weighted=1").json()
    assert pair["rao_scott"]["p_f"] == pair["shown_p"]
    assert pair["letters"]["column_letters"][:2] == ["A", "B"]
    frequencies = staff_client.get(f"{BASE}/frequencies/?weighted=1").json()
    q01 = frequencies["questions"][0]["frequencies"]
    assert [row["weighted_percent"] for row in q01] == pytest.approx([40, 15, 25, 10, 10])


def test_it_stays_unweighted_unless_asked(staff_client, survey):
    demo_responses_create(survey=survey, n=100, seed=8)
    weights_set(survey=survey, document=SCHEME)
    body = staff_client.get(f"{BASE}/matrix/").json()
    assert body["weighted"] is False and body["weights"] is None


def test_it_answers_400_for_weights_without_a_scheme(staff_client, survey):
    demo_responses_create(survey=survey, n=50, seed=8)
    response = staff_client.get(f"{BASE}/matrix/?weighted=1")
    assert response.status_code == 400
    assert "no weighting scheme" in str(response.json()["errors"])


def test_it_adjusts_the_letters_by_bonferroni_when_asked(staff_client, survey):
    demo_responses_create(survey=survey, n=250, seed=8)
    bh = staff_client.get(f"{BASE}/pairs/q01/q04/").json()["letters"]
    bonferroni = staff_client.get(f"{BASE}/pairs/q01/q04/?letters=bonferroni").json()["letters"]
    assert (bh["adjust"], bonferroni["adjust"]) == ("bh", "bonferroni")
    count = sum(len(cell) for row in bh["letters"] for cell in row)
    assert sum(len(cell) for row in bonferroni["letters"] for cell in row) <= count


def test_it_answers_a_weighted_filter_that_keeps_nobody(staff_client, survey):
    demo_responses_create(survey=survey, n=120, seed=8)
    weights_set(survey=survey, document=SCHEME)
    for endpoint in ("frequencies/", "matrix/", "pairs/q02/q10/", "pairs/q01/q03/"):
        response = staff_client.get(f"{BASE}/{endpoint}?weighted=1&since=2999-01-01")
        assert response.status_code == 200, endpoint
        assert response.json()["n"] == 0, endpoint
    pair = staff_client.get(f"{BASE}/pairs/q01/q04/?weighted=1&since=2999-01-01").json()
    assert pair["rao_scott"]["p_f"] is None and pair["rao_scott"]["reason"]
