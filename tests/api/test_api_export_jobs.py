"""Exports of more than EXPORT_BACKGROUND_ROWS responses are made in the background: the
request gets a job (202), the job its progress, then a download link until it expires, or
a message saying why it failed (tasks run at once here: no broker; tests/scaling queues
them)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from exports.jobs import export_jobs_expire
from exports.models import ExportJob
from surveys.models import SurveyMember
from surveys.services import demo_responses_create
from tests.factories import signed_in, user_in_group, user_in_role

EXPORT = "/api/v1/surveys/us-russia-kz/export.csv"


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=30, seed=4)
    return survey


@pytest.fixture
def admin(db):
    return signed_in(user_in_group("admins", username="exporter"))


@pytest.fixture
def background(settings, tmp_path):
    settings.EXPORT_BACKGROUND_ROWS = 10
    settings.MEDIA_ROOT = tmp_path


def test_it_streams_exports_up_to_the_threshold(admin, responses, settings):
    settings.EXPORT_BACKGROUND_ROWS = 30
    assert admin.get(EXPORT).status_code == 200


def test_it_makes_a_bigger_export_in_the_background_with_a_download_link(
    admin, responses, background
):
    started = admin.get(f"{EXPORT}?language=kk&language=ru")
    assert started.status_code == 202
    job = started.json()
    assert started["Location"] == job["status_url"]
    assert (job["state"], job["percent"]) == ("done", 100)
    assert job["rows_done"] == job["rows_total"] > 10
    status = admin.get(job["status_url"]).json()
    assert status["download_url"] == f"{job['status_url']}file"
    file = admin.get(status["download_url"])
    assert file.status_code == 200
    assert 'attachment; filename="us-russia-kz-responses-' in file["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(file.streaming_content).decode())))
    assert len(rows) == 1 + job["rows_total"]
    assert {row[rows[0].index("language")] for row in rows[1:]} == {"kk", "ru"}


def test_it_answers_410_once_the_file_expired_and_deletes_it(
    admin, responses, background, settings
):
    job = admin.get(EXPORT).json()
    stored = ExportJob.objects.get(pk=job["id"])
    file = settings.MEDIA_ROOT / stored.path
    assert file.is_file()
    ExportJob.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(1))
    assert export_jobs_expire() == 1
    assert not file.exists()
    gone = admin.get(f"{job['status_url']}file")
    assert gone.status_code == 410
    assert gone.json()["code"] == "gone"
    assert admin.get(job["status_url"]).json()["download_url"] is None


def test_it_says_why_an_export_failed(admin, responses, background, settings, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.MEDIA_ROOT = blocked  # the worker cannot write the file
    job = admin.get(EXPORT).json()
    assert job["state"] == "failed"
    assert job["download_url"] is None
    assert "The export failed" in job["message"] and "Try again" in job["message"]
    assert admin.get(f"{job['status_url']}file").status_code == 410


def test_it_shows_a_job_only_to_whoever_asked_for_it(admin, responses, background):
    job = admin.get(EXPORT).json()
    other = signed_in(user_in_group("admins", username="other-admin"))
    assert other.get(job["status_url"]).status_code == 404
    assert other.get(f"{job['status_url']}file").status_code == 404
    staff = signed_in(user_in_group("staff", username="staff-only"))
    assert staff.get(job["status_url"]).status_code == 404


def test_it_hides_a_job_from_an_analyst_who_left_the_team(responses, background):
    analyst = user_in_role("analyst", responses)
    client = signed_in(analyst)
    job = client.get(EXPORT).json()
    assert client.get(job["status_url"]).status_code == 200
    SurveyMember.objects.filter(user=analyst, survey=responses).delete()
    assert client.get(job["status_url"]).status_code == 404
    assert client.get(f"{job['status_url']}file").status_code == 404
