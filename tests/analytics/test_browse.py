"""The responses browser: keyset pages (stable while responses arrive), filters, search in
the "other" texts, one response, the "other" texts with counts, and no caching."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from analytics.browse import Cursor, responses_page
from surveys.models import Provenance
from surveys.services import demo_responses_create
from tests.factories import response_add, signed_in, user_in_group

BROWSE = "/dashboard/us-russia-kz/responses/"


@pytest.fixture
def analyst_client(db):
    """Reading individual answers needs the analyse right: the "admins" group has it."""
    return signed_in(user_in_group("admins", username="analyst"))


def _ids(page) -> list[int]:
    return [r.pk for r in page.rows]


def _at(survey, answers, minutes_ago: int, **options):
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return response_add(survey, answers, submitted_at=moment, **options).response


def test_it_pages_through_every_response_once_in_time_order(survey, answers):
    made = [_at(survey, answers, minutes) for minutes in range(23)]
    newest_first = [r.pk for r in made]  # made[0] is the newest
    pages, cursor = [], None
    while True:
        page = responses_page(survey.responses.all(), after=cursor, size=5)
        pages.append(_ids(page))
        cursor = page.next
        if cursor is None:
            break
    assert [pk for page in pages for pk in page] == newest_first
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]


def test_it_settles_equal_times_by_id(survey, answers):
    moment = timezone.now()
    made = [response_add(survey, answers, submitted_at=moment).response.pk for _ in range(4)]
    first = responses_page(survey.responses.all(), size=2)
    second = responses_page(survey.responses.all(), after=first.next, size=2)
    assert _ids(first) + _ids(second) == sorted(made, reverse=True)


def test_it_keeps_the_next_page_stable_while_responses_arrive(survey, answers):
    made = [_at(survey, answers, minutes) for minutes in range(1, 11)]
    first = responses_page(survey.responses.all(), size=4)
    for _ in range(3):  # new responses arrive while the first page is read
        response_add(survey, answers)
    second = responses_page(survey.responses.all(), after=first.next, size=4)
    assert _ids(first) == [r.pk for r in made[:4]]
    assert _ids(second) == [r.pk for r in made[4:8]]
    back = responses_page(survey.responses.all(), before=second.previous, size=4)
    assert _ids(back) == _ids(first)


def test_it_pages_oldest_first(survey, answers):
    made = [_at(survey, answers, minutes) for minutes in range(6)]
    page = responses_page(survey.responses.all(), oldest_first=True, size=4)
    assert _ids(page) == [r.pk for r in reversed(made)][:4]
    rest = responses_page(survey.responses.all(), oldest_first=True, after=page.next, size=4)
    assert _ids(rest) == [made[1].pk, made[0].pk] and rest.next is None


def test_it_shows_choice_labels_in_the_staff_members_language(survey, answers, analyst_client):
    response_add(survey, answers)
    page = analyst_client.get(BROWSE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Преподаватель" in page
    assert page.count('<abbr title="') == 10


def test_it_filters_by_provenance_and_answers(survey, answers, analyst_client):
    demo_responses_create(survey=survey, n=30, seed=9)
    test = response_add(survey, answers, provenance=Provenance.TEST).response
    real = response_add(survey, answers).response
    default = analyst_client.get(BROWSE).content.decode()
    assert _row_ids(default) == [real.pk]
    tests = analyst_client.get(f"{BROWSE}?provenance=test").content.decode()
    assert _row_ids(tests) == [test.pk]
    teachers = analyst_client.get(f"{BROWSE}?provenance=demo&q01=teacher").content.decode()
    demo_teachers = survey.responses.filter(provenance="demo", answers__q01="teacher")
    assert sorted(_row_ids(teachers)) == sorted(demo_teachers.values_list("pk", flat=True))


def _row_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<th scope="row"><a href="[^"]+">(\d+)</a>', page)]


def test_it_searches_the_other_texts(survey, answers, analyst_client):
    war = response_add(survey, answers).response
    response_add(survey, {**answers, "q03_other": "trade routes"})
    page = analyst_client.get(f"{BROWSE}?q=INFORMATION").content.decode()
    assert _row_ids(page) == [war.pk]


def test_it_carries_the_filters_into_the_export_links(survey, answers):
    response_add(survey, answers)
    client = signed_in(user_in_group("admins"))
    page = client.get(f"{BROWSE}?q01=teacher&provenance=real").content.decode()
    assert "/api/v1/surveys/us-russia-kz/export.csv?q01=teacher&amp;provenance=real" in page


def test_it_shows_one_response_in_words(survey, answers, analyst_client):
    response = response_add(survey, answers).response
    page = analyst_client.get(f"{BROWSE}{response.pk}/").content.decode()
    assert "Информациялық соғыс" in page and "Teaching staff" in page


def test_it_lists_the_other_texts_with_their_counts(survey, answers, analyst_client):
    for _ in range(3):
        response_add(survey, answers)
    response_add(survey, {**answers, "q03_other": "trade routes"})
    page = analyst_client.get(f"{BROWSE}other/").content.decode()
    assert re.search(r"<td>Информациялық соғыс — information war</td><td>3</td>", page)
    assert re.search(r"<td>trade routes</td><td>1</td>", page)


def test_it_refuses_a_damaged_page_address_with_400(survey, analyst_client):
    assert analyst_client.get(f"{BROWSE}?after=yesterday").status_code == 400
    assert analyst_client.get(f"{BROWSE}?before=9-9-9").status_code == 400


def test_it_keeps_staff_pages_and_data_out_of_caches(survey, answers, analyst_client):
    response = response_add(survey, answers).response
    for url in (BROWSE, f"{BROWSE}{response.pk}/", f"{BROWSE}other/", "/dashboard/us-russia-kz/"):
        answer = analyst_client.get(url)
        assert answer.status_code == 200
        directives = {d.strip() for d in answer["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives


def test_it_encodes_a_cursor_that_reads_back(survey, answers):
    response = response_add(survey, answers).response
    cursor = Cursor.of(response)
    assert Cursor.parse(str(cursor)) == cursor


def _directives(answer) -> set[str]:
    return {d.strip() for d in answer.get("Cache-Control", "").split(",") if d.strip()}


def test_it_keeps_api_data_exports_and_the_admin_out_of_caches(survey, answers):
    from rest_framework.authtoken.models import Token

    response_add(survey, answers)
    admin = user_in_group("admins", is_staff=True)
    token = Token.objects.create(user=admin).key
    scripted = Client(headers={"Authorization": f"Token {token}"})
    api = "/api/v1/surveys/us-russia-kz"
    for url in (f"{api}/analytics/matrix/", f"{api}/export.csv", f"{api}/codebook.json"):
        assert {"no-store", "private"} <= _directives(scripted.get(url)), url
    browser = signed_in(admin)
    export = browser.post(f"/admin/surveys/survey/{survey.pk}/export/", {"format": "csv"})
    assert {"no-store", "private"} <= _directives(export)
    assert {"no-store", "private"} <= _directives(browser.get("/dashboard/us-russia-kz/changes/"))


def test_it_leaves_the_respondents_form_cacheable_as_before(survey, client):
    assert "no-store" not in _directives(client.get("/s/us-russia-kz/?lang=kk"))


def test_it_keeps_a_search_with_special_characters_in_the_page_links(
    survey, answers, analyst_client
):
    for minutes in range(55):
        _at(survey, {**answers, "q03_other": "war & peace"}, minutes)
    page = analyst_client.get(f"{BROWSE}?q=war+%26+peace&order=oldest").content.decode()
    assert len(_row_ids(page)) == 50
    assert "q=war+%26+peace&amp;order=oldest&amp;after=" in page
