"""The staff dashboards on PostgreSQL: pages, filters, permissions, live change checks."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from analytics.dashboards import response_counts
from analytics.staff import staff_context
from surveys.selectors import survey_watermark
from surveys.services import demo_responses_create
from tests.factories import (
    analyze,
    import_csv,
    questionnaire,
    response_add,
    signed_in,
    user_in_group,
    user_in_role,
)

BASE = "/dashboard/us-russia-kz"
PAGES = [
    f"{BASE}/",
    f"{BASE}/matrix/",
    f"{BASE}/pairs/q01/q04/",
    f"{BASE}/pairs/q01/q03/",
    f"{BASE}/findings/",
    f"{BASE}/data/",
    f"{BASE}/matrix/data/",
    f"{BASE}/pairs/q01/q04/data/",
]
FILTERS = [
    "q01=teacher",
    "q01=teacher&q01=researcher",
    "q04=yes",
    "language=kk",
    "language=ru&language=en",
    "since=2020-01-01",
    "until=2999-12-31",
    "since=2020-01-01&until=2999-12-31",
    "provenance=real",
    "provenance=demo",
]


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=400, seed=5)
    return survey


@pytest.fixture
def staff_client(db) -> Client:
    return signed_in(user_in_group("staff"))


@pytest.mark.matrix
@pytest.mark.parametrize("url", PAGES)
def test_it_sends_anonymous_visitors_to_the_login_page(client, responses, url):
    page = client.get(url)
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/?next=")


@pytest.mark.matrix
@pytest.mark.parametrize("url", PAGES + [f"{BASE}/changes/"])
def test_it_refuses_respondents_without_the_permission(client, responses, url):
    client.force_login(User.objects.create_user(username="respondent", password="x"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("group", ["staff", "admins"])
def test_it_shows_the_dashboards_to_staff_and_admins(responses, group):
    client = signed_in(user_in_group(group))
    assert client.get(f"{BASE}/").status_code == 200


def test_it_shows_the_dashboards_to_superusers(client, responses):
    client.force_login(User.objects.create_superuser(username="root", password="x"))
    assert client.get(f"{BASE}/matrix/").status_code == 200


def test_it_translates_the_login_page(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b'name="username"' in page.content


@pytest.mark.matrix
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("query", FILTERS)
def test_it_answers_every_page_with_every_filter(staff_client, responses, url, query):
    assert staff_client.get(f"{url}?{query}").status_code == 200


def test_it_shows_the_counts_on_the_overview(staff_client, responses, answers):
    response_add(responses, answers)
    page = staff_client.get(f"{BASE}/").content.decode()
    assert re.search(r'data-count="all">401<', page)
    assert re.search(r'data-count="demo">400<', page)
    assert re.search(r'data-count="real">1<', page)
    today = re.search(r'data-count="today">(\d+)<', page)
    assert today and 1 <= int(today.group(1)) <= 401
    assert 'data-figure="freq-q03"' in page
    assert 'data-figure="timeline"' in page


def test_it_counts_the_responses_the_shown_analysis_covers(responses, answers):
    """The overview's counts stop at the analysis's watermark, like its figures; newer
    responses are the "pending" ones until the next analysis."""
    watermark = survey_watermark(responses)
    counts = response_counts(responses, watermark)
    response_add(responses, answers)
    assert response_counts(responses, watermark) == counts
    assert counts["all"] == 400
    assert response_counts(responses)["all"] == 401
    assert response_counts(responses, survey_watermark(responses))["real"] == 1


def test_it_counts_only_the_filtered_responses(staff_client, responses, answers):
    response_add(responses, answers, language="kk")
    page = staff_client.get(f"{BASE}/?provenance=real").content.decode()
    assert '<span id="response-count">1</span>' in page
    data = staff_client.get(f"{BASE}/data/?provenance=real&language=kk").json()
    assert data["n"] == 1
    everyone = "provenance=real&provenance=demo"
    teachers = staff_client.get(f"{BASE}/data/?q01=teacher&{everyone}").json()
    with_demo = staff_client.get(f"{BASE}/data/?{everyone}").json()
    assert 0 < teachers["n"] < with_demo["n"] == 401


def test_it_links_all_45_pairs_from_the_matrix(staff_client, responses):
    page = staff_client.get(f"{BASE}/matrix/?q01=teacher").content.decode()
    links = re.findall(r'data-pair="(q\d\d)-(q\d\d)" href="([^"]+)"', page)
    assert len(links) == 45
    assert f"{BASE}/pairs/q01/q02/?q01=teacher" in {href for _a, _b, href in links}


@pytest.mark.parametrize("show", ["v", "p", "p_adjusted", "p_anytime"])
def test_it_switches_the_matrix_measure(staff_client, responses, show):
    data = staff_client.get(f"{BASE}/matrix/data/?show={show}").json()
    heatmap = data["figures"]["matrix"]["data"][0]
    assert heatmap["type"] == "heatmap"
    assert len(heatmap["z"]) == 10


def test_it_shows_the_same_p_in_analyze_and_on_the_matrix_without_a_rao_scott_p(
    staff_client, tmp_path
):
    # Everyone in a group ticks the same options, so the Rao–Scott covariance is zero and
    # the pair has only its Bonferroni p.
    questionnaire("alike", [("q1", "single", ["a", "b"]), ("q2", "multi", ["x", "y"])])
    rows = [["a", 1, 0]] * 10 + [["b", 0, 1]] * 10
    import_csv(tmp_path, "alike", ["q1", "q2.x", "q2.y"], rows)
    assert analyze("alike")["pairs"][0]["rs2_p"] is None
    out = io.StringIO()
    call_command("analyze", "alike", stdout=out)
    printed = out.getvalue().splitlines()[3].split()[5]
    matrix = staff_client.get("/dashboard/alike/matrix/data/?show=p").json()
    shown = matrix["figures"]["matrix"]["data"][0]["z"][1][0]
    assert printed == format(shown, ".3g")


def test_it_shows_the_crosstab_and_tests_of_a_pair(staff_client, responses):
    page = staff_client.get(f"{BASE}/pairs/q01/q04/").content.decode()
    assert "Pearson X²" in page
    assert "Bias-corrected V" in page
    assert 'class="crosstab"' in page
    assert "adjusted residual" in page


def test_it_shows_the_safe_to_watch_matrix_and_says_why_it_is_empty_with_filters(
    staff_client, responses
):
    page = staff_client.get(f"{BASE}/matrix/?show=p_anytime").content.decode()
    assert "<strong>safe to watch</strong>" in page
    assert "valid however often you look" in page
    filtered = staff_client.get(f"{BASE}/matrix/?show=p_anytime&language=kk").content.decode()
    assert "not available with filters" in filtered


def test_it_shows_the_safe_to_watch_p_of_a_pair_and_in_analyze(staff_client, responses):
    pair = next(p for p in analyze("us-russia-kz")["pairs"] if (p["a"], p["b"]) == ("q01", "q04"))
    page = staff_client.get(f"{BASE}/pairs/q01/q04/").content.decode()
    assert "p, safe to watch (anytime-valid)" in page
    assert f'<td data-value="p_anytime">{pair["p_anytime"]:.4f}</td>' in page
    filtered = staff_client.get(f"{BASE}/pairs/q01/q03/?q04=yes").content.decode()
    assert '<td data-value="p_anytime">–</td>' in filtered
    assert "the guarantee covers the whole stream of responses" in filtered


def test_it_shows_one_table_per_option_for_a_multiple_choice_pair(staff_client, responses):
    page = staff_client.get(f"{BASE}/pairs/q01/q03/").content.decode()
    assert page.count('class="numbers option"') == 8
    assert "Rao–Scott p" in page
    assert "Bonferroni p" in page


def test_it_finds_a_pair_given_in_either_order(staff_client, responses):
    assert staff_client.get(f"{BASE}/pairs/q04/q01/").status_code == 200


@pytest.mark.parametrize("path", ["pairs/q01/q99/", "pairs/q01/q01/"])
def test_it_answers_404_for_unknown_questions(staff_client, responses, path):
    assert staff_client.get(f"{BASE}/{path}").status_code == 404


def test_it_answers_404_for_an_unknown_survey(staff_client, db):
    assert staff_client.get("/dashboard/no-such-survey/").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q01=nobody", "Select a valid choice"),
        ("language=xx", "Select a valid choice"),
        ("since=2020-13-01", "Enter a valid date"),
        ("since=2021-02-01&until=2021-01-01", "start date must not be after the end date"),
        ("q03=cyber", "choose a single-choice question"),
        ("provenance=maybe", "Select a valid choice"),
    ],
)
def test_it_explains_a_bad_filter_with_400(staff_client, responses, query, message):
    page = staff_client.get(f"{BASE}/?{query}")
    assert page.status_code == 400
    assert message in page.content.decode()


def test_it_explains_an_unknown_matrix_measure_with_400(staff_client, responses):
    page = staff_client.get(f"{BASE}/matrix/?show=colour")
    assert page.status_code == 400
    assert "must be one of" in page.content.decode()


def test_it_writes_findings_and_compares_them_with_the_article(staff_client, responses):
    page = staff_client.get(f"{BASE}/findings/").content.decode()
    assert "depend on each other" in page
    assert 'class="numbers comparison"' in page
    assert page.count('<tr data-pair="') == 15


def test_it_answers_304_while_nothing_changed_and_200_after_a_response(
    staff_client, responses, answers
):
    first = staff_client.get(f"{BASE}/changes/")
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag == f'"{first.json()["watermark"]}"'
    assert first.json()["n"] == 400
    assert staff_client.get(f"{BASE}/changes/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    response_add(responses, answers)
    after = staff_client.get(f"{BASE}/changes/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after.json()["n"] == 401
    assert after["ETag"] != etag


def test_it_checks_for_changes_in_five_queries_after_the_sign_in(
    staff_client, responses, django_assert_num_queries
):
    etag = staff_client.get(f"{BASE}/changes/")["ETag"]
    # session, user, the survey with its watermark, whether it has a real response (the
    # default provenance) and whether it has a weighting scheme (one query), and the
    # permissions (user and group) its right to see it comes from here: the analysis comes
    # from the cache
    with django_assert_num_queries(5):
        assert staff_client.get(f"{BASE}/changes/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_it_shows_the_overview_in_seven_queries_after_the_sign_in(
    staff_client, responses, django_assert_num_queries
):
    staff_client.get(f"{BASE}/")
    # session, user, the survey with its watermark, whether it has a real response and
    # whether it has a weighting scheme (one query), permissions (user and group), the
    # user's role in the survey's team (once: the group reaches every survey to view it,
    # not to export), and the surveys the header's switcher lists; the analysis, its
    # figures, the counts and the panels come from the cache
    with django_assert_num_queries(7):
        assert staff_client.get(f"{BASE}/").status_code == 200


@pytest.mark.matrix
@pytest.mark.parametrize("url", PAGES)
def test_it_bounds_the_queries_of_each_page(
    staff_client, responses, url, django_assert_max_num_queries
):
    staff_client.get(url)
    # 16 before the staff header, which adds: whether the survey has a real response (the
    # default provenance), the surveys the switcher lists, and the team checks for its
    # export and manage links.
    with django_assert_max_num_queries(21):
        assert staff_client.get(f"{url}?q01=teacher").status_code == 200
    with django_assert_max_num_queries(21):
        assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("language", "label"), [("kk", "Бакалавриат студенті"), ("ru", "Студент бакалавриата")]
)
def test_it_shows_the_dashboards_in_the_staff_members_language(
    staff_client, responses, language, label
):
    for url in (f"{BASE}/", f"{BASE}/pairs/q01/q04/", f"{BASE}/findings/"):
        page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<html lang="{language}">' in page
        assert label in page


def test_it_renders_the_kept_panels_afresh_for_another_language_and_new_data(
    staff_client, responses, answers
):
    """The overview keeps its rendered question panels per analysis, language and filter."""

    def panels(page: str) -> str:
        return page[page.index('<div class="question-grid">') :]

    english = panels(staff_client.get(f"{BASE}/").content.decode())
    assert english == panels(staff_client.get(f"{BASE}/").content.decode())
    russian = panels(staff_client.get(f"{BASE}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    assert "Студент бакалавриата" in russian
    assert "Студент бакалавриата" not in english
    response_add(responses, answers)
    assert panels(staff_client.get(f"{BASE}/").content.decode()) != english


@pytest.mark.parametrize(
    "page", ["/", "/matrix/", "/pairs/q01/q04/", "/pairs/q01/q03/", "/findings/"]
)
def test_it_sends_every_live_block_of_the_page_with_its_data(staff_client, responses, page):
    shown = staff_client.get(f"{BASE}{page}").content.decode()
    fragments = staff_client.get(f"{BASE}{page}data/").json()["fragments"]
    assert sorted(fragments) == sorted(re.findall(r'data-live="([^"]+)"', shown))
    for name, html in fragments.items():
        assert f'<div class="live" data-live="{name}">{html}</div>' in shown


def test_it_sends_the_new_counts_in_the_data_of_the_page(staff_client, responses, answers):
    before = staff_client.get(f"{BASE}/data/").json()["fragments"]
    assert '<dd data-count="all">400</dd>' in before["counts"]
    response_add(responses, answers)
    after = staff_client.get(f"{BASE}/data/").json()
    assert after["n"] == 1  # the first real response: demo data left out from now on
    assert '<dd data-count="all">401</dd>' in after["fragments"]["counts"]
    assert after["fragments"]["numbers-q01"] != before["numbers-q01"]


def test_it_counts_the_newer_responses_for_a_header_that_does_not_list_the_survey(
    responses, answers, rf
):
    """Someone who left the survey's team since the page checked their right: the switcher
    no longer lists the survey, and the newer responses are still counted."""
    watermark = survey_watermark(responses)
    response_add(responses, answers)
    request = rf.get(f"{BASE}/")
    request.user = user_in_role("outsider")
    header = staff_context(request, responses, newer_than=watermark)
    assert [survey.slug for survey in header["staff_surveys"]] == ["other-study"]
    assert header["pending"] == 1
    assert staff_context(request, responses)["pending"] == 0
