"""A survey before its first response: every page, command and endpoint answers, with n = 0."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command


@pytest.fixture
def staff_client(client, db):
    user = User.objects.create_user(username="watcher", password="x")
    user.groups.add(Group.objects.get(name="staff"))
    client.force_login(user)
    return client


def test_it_analyses_a_survey_with_no_responses(survey, capsys):
    call_command("analyze", survey.slug, "--json")
    analysis = json.loads(capsys.readouterr().out)
    assert analysis["n"] == 0
    assert len(analysis["pairs"]) == 45
    assert {pair["n"] for pair in analysis["pairs"]} == {0}
    assert {pair["significant"] for pair in analysis["pairs"]} == {None}


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/us-russia-kz/",
        "/dashboard/us-russia-kz/matrix/",
        "/dashboard/us-russia-kz/pairs/q01/q03/",
        "/dashboard/us-russia-kz/findings/data/",
        "/api/v1/surveys/us-russia-kz/analytics/matrix/",
        "/api/v1/surveys/us-russia-kz/analytics/frequencies/",
    ],
)
def test_it_shows_every_page_of_a_survey_with_no_responses(staff_client, survey, path):
    assert staff_client.get(path).status_code == 200
