"""Test mode (staff pilot the form; responses stored as test) and deleting all test or demo
responses, which never touches a real one."""

import pytest
from django.test import Client

from analytics.selectors import survey_analysis
from surveys.models import ExportRecord, Provenance, Response
from surveys.services import DeletionRefused, demo_responses_create, responses_delete
from tests.factories import form_data, response_add, signed_in, user_in_group

FORM = "/s/us-russia-kz/"


def _post_form(client: Client, query: str, answers: dict):
    return client.post(f"{FORM}?{query}", form_data(answers))


def test_it_stores_a_staff_members_test_response_as_test(survey, answers):
    client = signed_in(user_in_group("staff"))
    page = client.get(f"{FORM}?lang=ru&mode=test")
    assert "Тестовый режим" in page.content.decode()
    response = _post_form(client, "lang=ru&mode=test", answers)
    assert response.status_code == 302
    assert response["Location"] == "/s/us-russia-kz/thanks/?mode=test"
    stored = Response.objects.get()
    assert (stored.provenance, stored.language) == ("test", "ru")


def test_it_sends_an_anonymous_visitor_in_test_mode_to_sign_in(survey):
    response = Client().get(f"{FORM}?lang=kk&mode=test")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_keeps_test_mode_open_before_the_survey_opens(survey, answers):
    survey.is_open = False
    survey.save()
    client = signed_in(user_in_group("staff"))
    assert client.get(f"{FORM}?lang=en").status_code == 410
    assert _post_form(client, "lang=en&mode=test", answers).status_code == 302
    assert Response.objects.get().provenance == Provenance.TEST


def test_it_never_counts_test_responses_by_default(survey, answers):
    response_add(survey, answers)
    response_add(survey, answers, provenance=Provenance.TEST)
    assert survey_analysis(survey).n == 1


def test_it_deletes_all_test_responses_and_leaves_real_ones(survey, answers):
    demo_responses_create(survey=survey, n=30, seed=4)
    for _ in range(3):
        response_add(survey, answers, provenance=Provenance.TEST)
    real = [response_add(survey, answers).response.pk for _ in range(2)]
    assert survey_analysis(survey, None).n == 2
    before = {p: Response.objects.filter(provenance=p).count() for p in Provenance.values}
    assert before == {"real": 2, "test": 3, "demo": 30}
    user = user_in_group("admins")
    assert responses_delete(survey=survey, provenance="test", user=user) == 3
    assert responses_delete(survey=survey, provenance="demo", user=user) == 30
    assert sorted(Response.objects.values_list("pk", flat=True)) == real
    log = ExportRecord.objects.order_by("created_at")
    assert [(r.format, r.row_count, r.user) for r in log] == [
        ("deleted-test", 3, user),
        ("deleted-demo", 30, user),
    ]


def test_it_recounts_after_a_deletion(survey, answers):
    for _ in range(4):
        response_add(survey, answers, provenance=Provenance.TEST)
    assert survey_analysis(survey).n == 4
    responses_delete(survey=survey, provenance="test", user=None)
    survey.refresh_from_db()
    assert survey_analysis(survey).n == 0


def test_it_refuses_to_delete_real_responses(survey, answers):
    response_add(survey, answers)
    with pytest.raises(DeletionRefused):
        responses_delete(survey=survey, provenance="real", user=None)
    assert Response.objects.count() == 1


def test_it_deletes_from_the_responses_page_only_for_admins(survey, answers):
    response_add(survey, answers, provenance=Provenance.TEST)
    url = "/dashboard/us-russia-kz/responses/delete/"
    staff = signed_in(user_in_group("staff"))
    assert staff.post(url, {"provenance": "test"}).status_code == 403
    admin = signed_in(user_in_group("admins"))
    assert admin.get(url).status_code == 405
    assert admin.post(url, {"provenance": "real"}).status_code == 302
    assert Response.objects.count() == 1
    response = admin.post(url, {"provenance": "test"}, follow=True)
    assert "1 test responses deleted" in response.content.decode()
    assert not Response.objects.exists()


def test_it_links_the_survey_admin_to_test_mode_and_the_share_panel(survey):
    from django.contrib.auth.models import User

    client = signed_in(User.objects.create_superuser("root", password="pw"))
    page = client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()
    assert '/s/us-russia-kz/?lang=kk&amp;mode=test">test mode (kk)' in page
    assert '/dashboard/us-russia-kz/share/">share panel' in page
