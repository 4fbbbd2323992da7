"""Bot defences that lose nothing: a honeypot and a minimum fill time mark a response as
suspect; it is stored, the respondent is thanked, and only a visible filter leaves it out."""

import time

import pytest
from django.contrib.auth.models import Group, User

from analytics.filters import ResponseFilter, responses_filtered
from analytics.selectors import survey_analysis
from surveys.models import Response
from tests.factories import form_data, response_add

FORM = "/s/us-russia-kz/"


@pytest.fixture
def respondent(client, survey):
    client.cookies["django_language"] = "en"
    return client


def started(seconds_ago: float) -> int:
    return int((time.time() - seconds_ago) * 1000)


def test_it_renders_a_honeypot_people_do_not_see_or_reach(respondent):
    html = respondent.get(FORM).content.decode()
    assert '<div class="honeypot" aria-hidden="true">' in html
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert "Leave this field empty" in html


def test_it_keeps_a_response_with_the_honeypot_filled_and_marks_it(respondent, answers):
    data = {**form_data(answers), "website": "http://spam.example", "started_at_ms": started(60)}
    response = respondent.post(FORM, data)
    assert response["Location"] == "/s/us-russia-kz/thanks/"
    stored = Response.objects.get()
    assert (stored.is_suspect, stored.suspect_reason) == (True, "honeypot")
    assert stored.answers == answers


def test_it_marks_a_form_sent_faster_than_the_minimum_fill_time(respondent, answers):
    respondent.post(FORM, {**form_data(answers), "started_at_ms": started(1)})
    stored = Response.objects.get()
    assert (stored.is_suspect, stored.suspect_reason) == (True, "too_fast")


def test_it_gives_both_reasons_when_both_apply(respondent, answers):
    respondent.post(FORM, {**form_data(answers), "website": "x", "started_at_ms": started(0)})
    assert Response.objects.get().suspect_reason == "honeypot,too_fast"


def test_it_does_not_mark_a_person_who_took_their_time(respondent, answers):
    respondent.post(FORM, {**form_data(answers), "started_at_ms": started(45)})
    assert not Response.objects.get().is_suspect


def test_it_reads_the_minimum_fill_time_from_settings(respondent, answers, settings):
    settings.SURVEY_MIN_FILL_SECONDS = 120
    respondent.post(FORM, {**form_data(answers), "started_at_ms": started(60)})
    assert Response.objects.get().is_suspect


@pytest.fixture
def one_suspect_one_not(survey, answers):
    for is_suspect in (False, True):
        response_add(
            survey,
            {**answers, "q04": "no" if is_suspect else "yes"},
            language="ru",
            is_suspect=is_suspect,
            suspect_reason="honeypot" if is_suspect else "",
        )
    return survey


def test_it_counts_suspect_responses_unless_the_filter_leaves_them_out(one_suspect_one_not):
    everything = survey_analysis(one_suspect_one_not)
    left_out = survey_analysis(one_suspect_one_not, ResponseFilter(include_suspect=False))
    assert (everything.n, left_out.n) == (2, 1)
    q04 = {row.choice: row.count for row in left_out.question("q04").frequencies}
    assert q04["no"] == 0 and q04["yes"] == 1


def test_it_exports_suspect_responses_unless_left_out(one_suspect_one_not):
    assert responses_filtered(one_suspect_one_not).count() == 2
    assert (
        responses_filtered(one_suspect_one_not, ResponseFilter(include_suspect=False)).count() == 1
    )


def test_it_offers_the_suspect_filter_on_the_dashboards(client, one_suspect_one_not):
    user = User.objects.create_user("watcher", password="pw")
    user.groups.add(Group.objects.get(name="staff"))
    client.force_login(user)
    page = client.get("/dashboard/us-russia-kz/", {"suspect": "exclude"}).content.decode()
    assert '<select name="suspect">' in page
    assert '<option value="exclude" selected>' in page
    assert 'data-count="suspect">1<' in page
    assert 'data-count="shown">1<' in page


def test_it_shows_and_filters_suspect_responses_in_the_admin(client, one_suspect_one_not):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    listing = client.get("/admin/surveys/response/", {"is_suspect__exact": "1"})
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    assert b"column-is_suspect" in listing.content
    assert b"honeypot" in listing.content
