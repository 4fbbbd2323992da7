"""The staff UI for weights: the admin's scheme form (checked and raked before it is saved)
and the dashboards' switch and label."""

import json

import pytest

from analytics.models import WeightingScheme
from analytics.weighting import weights_set
from surveys.services import demo_responses_create
from tests.analytics.test_weighted_analysis import SCHEME
from tests.factories import signed_in, user_in_role

ADD = "/admin/analytics/weightingscheme/add/"
DASHBOARD = "/dashboard/us-russia-kz/"


@pytest.fixture
def admin_client(db):
    return signed_in(user_in_role("admin"))


def test_it_sets_a_scheme_in_the_admin(admin_client, survey):
    demo_responses_create(survey=survey, n=120, seed=5)
    response = admin_client.post(
        ADD, {"survey": survey.pk, "document": json.dumps(SCHEME)}, follow=True
    )
    assert response.status_code == 200
    assert WeightingScheme.objects.get(survey=survey).document == SCHEME
    assert "effective n" in response.content.decode()


def test_it_refuses_a_bad_scheme_in_the_admin_and_stores_nothing(admin_client, survey):
    demo_responses_create(survey=survey, n=120, seed=5)
    bad = {"margins": {"q10": {"low": 0.5, "medium": 0.3, "high": 0.1}}}
    response = admin_client.post(ADD, {"survey": survey.pk, "document": json.dumps(bad)})
    assert response.status_code == 200
    assert "sum to 0.9, not 1" in response.content.decode()
    assert not WeightingScheme.objects.exists()


def test_it_lets_staff_only_look_at_schemes(survey):
    staff = signed_in(user_in_role("staff"))
    assert staff.get(ADD).status_code in (302, 403)


def test_its_dashboards_weight_by_default_with_a_scheme_and_say_so(survey):
    demo_responses_create(survey=survey, n=150, seed=6)
    client = signed_in(user_in_role("staff"))
    unweighted = client.get(DASHBOARD).content.decode()
    assert 'data-weighted="0"' in unweighted and 'name="weighted"' not in unweighted
    weights_set(survey=survey, document=SCHEME)
    for page in ("", "matrix/", "pairs/q01/q04/", "findings/"):
        shown = client.get(DASHBOARD + page).content.decode()
        assert 'data-weighted="1"' in shown and 'name="weighted"' in shown, page
    switched_off = client.get(DASHBOARD + "matrix/?weighted=0").content.decode()
    assert 'data-weighted="0"' in switched_off


def test_its_pair_page_shows_letters_rao_scott_and_ordinal_measures(survey):
    demo_responses_create(survey=survey, n=150, seed=6)
    weights_set(survey=survey, document=SCHEME)
    client = signed_in(user_in_role("staff"))
    page = client.get(DASHBOARD + "pairs/q02/q10/").content.decode()
    assert "Rao–Scott F" in page and "Kendall" in page and 'class="letter"' in page
    assert 'class="weighted"' in page  # the weighted column % the letters compare
    unweighted = client.get(DASHBOARD + "pairs/q02/q10/?weighted=0").content.decode()
    assert "Linear-by-linear M²" in unweighted and "Rao–Scott F" not in unweighted


def test_its_pair_page_says_how_the_letters_are_adjusted(survey):
    demo_responses_create(survey=survey, n=150, seed=6)
    client = signed_in(user_in_role("staff"))
    assert (
        "Benjamini–Hochberg-adjusted" in client.get(DASHBOARD + "pairs/q01/q04/").content.decode()
    )
    page = client.get(DASHBOARD + "pairs/q01/q04/?letters=bonferroni").content.decode()
    assert "Bonferroni-adjusted" in page
