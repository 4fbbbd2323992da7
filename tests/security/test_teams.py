"""Finding 5: survey teams. A member of one survey's team sees nothing of another survey
through any page, API, export or admin list; owners manage their team."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import WeightingScheme
from surveys.models import ExportRecord, SurveyMember
from tests.factories import other_survey, response_add, signed_in, team_member, user_in_group

STUDY = "us-russia-kz"
OTHER = "other-study"


@pytest.fixture
def outsider(survey, answers):
    """The owner of another survey, while ours has a response, a question list, an export in
    its log and a weighting scheme."""
    response_add(survey, answers)
    ExportRecord.objects.create(survey=survey, format="csv", row_count=1)
    WeightingScheme.objects.create(survey=survey, document={"method": "raking", "margins": {}})
    return team_member(other_survey(), "owner", username="outsider")


@pytest.mark.parametrize(
    "address",
    [
        "/admin/surveys/survey/",
        "/admin/surveys/question/",
        "/admin/surveys/response/",
        "/admin/surveys/exportrecord/",
        "/admin/analytics/weightingscheme/",
    ],
)
def test_it_shows_an_outsider_nothing_of_another_survey_in_the_admin_lists(outsider, address):
    page = signed_in(outsider).get(address)
    assert page.status_code == 200
    assert STUDY not in page.content.decode()


def test_it_shows_a_team_member_their_survey_and_not_the_other(survey, outsider):
    analyst = team_member(survey, "analyst", username="analyst")
    page = signed_in(analyst).get("/admin/surveys/survey/").content.decode()
    assert STUDY in page
    assert OTHER not in page


def test_it_offers_a_viewer_no_export_or_report_link_on_the_dashboard(survey):
    viewer = team_member(survey, "viewer", username="viewer")
    page = signed_in(viewer).get(f"/dashboard/{STUDY}/").content.decode()
    assert "/export.csv" not in page
    assert "/report.docx" not in page
    analyst = team_member(survey, "analyst", username="analyst")
    page = signed_in(analyst).get(f"/dashboard/{STUDY}/").content.decode()
    assert "/export.csv" in page
    assert "/report.docx" in page


def test_it_reads_a_members_role_once_per_page(survey):
    analyst = signed_in(team_member(survey, "analyst", username="analyst"))
    analyst.get(f"/dashboard/{STUDY}/")
    with CaptureQueriesContext(connection) as queries:
        page = analyst.get(f"/dashboard/{STUDY}/").content.decode()
    # the team check, the export menu, the publish buttons and the header's links all ask
    # (the survey switcher's list joins the memberships to the surveys: not a role read)
    role_reads = [q for q in queries if 'FROM "surveys_surveymember"' in q["sql"]]
    assert len(role_reads) == 1
    assert "/export.csv" in page  # an analyst's rights, from that one read


def inline_form(survey, **members) -> dict:
    """The survey's change form as posted by its page, with the team inline set."""
    data = {
        "slug": survey.slug,
        "title_en": "t",
        "title_kk": "t",
        "title_ru": "t",
        "languages": ["kk", "ru", "en"],
        "default_language": survey.default_language,
        "is_open": "on",
        "created_at_0": survey.created_at.strftime("%Y-%m-%d"),
        "created_at_1": survey.created_at.strftime("%H:%M:%S"),
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    for number, (user, role) in enumerate(members.values()):
        data |= {f"members-{number}-user": user.pk, f"members-{number}-role": role}
    return data


def test_it_lets_an_owner_add_a_member_in_the_admin(survey, django_user_model):
    owner = team_member(survey, "owner", username="owner")
    newcomer = django_user_model.objects.create_user("newcomer", is_staff=True)
    address = f"/admin/surveys/survey/{survey.pk}/change/"
    answer = signed_in(owner).post(address, inline_form(survey, new=(newcomer, "viewer")))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert SurveyMember.objects.get(survey=survey, user=newcomer).role == "viewer"


def test_it_does_not_let_an_analyst_add_a_member(survey, django_user_model):
    analyst = team_member(survey, "analyst", username="analyst")
    newcomer = django_user_model.objects.create_user("newcomer", is_staff=True)
    address = f"/admin/surveys/survey/{survey.pk}/change/"
    signed_in(analyst).post(address, inline_form(survey, new=(newcomer, "owner")))
    assert not SurveyMember.objects.filter(user=newcomer).exists()


def test_it_manages_a_team_from_the_command_line(survey, django_user_model):
    django_user_model.objects.create_user("aigerim")
    out = io.StringIO()
    call_command("survey_team", STUDY, "--add", "aigerim", "--role", "analyst", stdout=out)
    assert "aigerim\tanalyst" in out.getvalue()
    call_command("survey_team", STUDY, "--remove", "aigerim", stdout=io.StringIO())
    assert not SurveyMember.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--add", "nobody", "--role", "viewer"], "No user 'nobody'"),
        (["--add", "aigerim"], "--add needs --role"),
        (["--remove", "aigerim"], "aigerim is not in the team"),
    ],
)
def test_it_explains_a_team_command_it_cannot_do(survey, django_user_model, arguments, message):
    django_user_model.objects.create_user("aigerim")
    with pytest.raises(CommandError, match=message):
        call_command("survey_team", STUDY, *arguments)


def test_it_takes_a_groups_site_wide_reach_away_with_its_permission(survey):
    from django.contrib.auth.models import Group, Permission

    watcher = signed_in(user_in_group("staff", username="watcher"))
    address = f"/dashboard/{STUDY}/"
    assert watcher.get(address).status_code == 200
    reach_all = Permission.objects.get(codename="reach_all_surveys")
    Group.objects.get(name="staff").permissions.remove(reach_all)
    assert watcher.get(address).status_code == 403
    assert watcher.get(f"/api/v1/surveys/{STUDY}/analytics/matrix/").status_code == 403


def test_it_lets_a_site_wide_admin_add_a_survey_with_its_team_and_questions(db):
    from django.contrib.auth.models import User

    admin = user_in_group("admins", username="runner", is_staff=True)
    page = signed_in(admin).get("/admin/surveys/survey/add/").content.decode()
    assert 'name="members-TOTAL_FORMS"' in page
    assert 'name="questions-TOTAL_FORMS"' in page
    assert User.objects.filter(username="runner").exists()


def test_it_makes_whoever_adds_a_survey_without_site_wide_reach_its_owner(db):
    from django.contrib.auth.models import Permission, User

    maker = User.objects.create_user("maker", is_staff=True)
    maker.user_permissions.add(Permission.objects.get(codename="add_survey"))
    form = inline_form(
        SimpleNamespace(slug="new-study", default_language="en", created_at=timezone.now())
    )
    answer = signed_in(maker).post("/admin/surveys/survey/add/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    member = SurveyMember.objects.get(user=maker)
    assert (member.survey.slug, member.role) == ("new-study", "owner")
