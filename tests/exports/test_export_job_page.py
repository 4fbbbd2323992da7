"""Every report and bundle, and big responses exports, are background jobs (exports/jobs.py):
a person who follows an export link lands on the job's page, which follows the job, then
offers the file until it expires or says why it failed; a periodic task deletes expired
files."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from exports.models import ExportJob
from exports.tasks import exports_expire
from surveys.services import demo_responses_create
from tests.factories import signed_in, user_in_group

pytestmark = pytest.mark.postgres

REPORT = "/api/v1/surveys/us-russia-kz/report.docx?lang=en"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=30, seed=4)
    return survey


@pytest.fixture
def admin(db):
    return signed_in(user_in_group("admins", username="publisher"))


def test_it_sends_a_browser_to_the_job_page_and_a_program_the_job(admin, responses):
    followed = admin.get(REPORT, headers=BROWSER)
    job = ExportJob.objects.get()
    assert followed.status_code == 303
    assert followed["Location"].endswith(reverse("exports:job", args=[job.pk]))
    asked = admin.get(REPORT).json()
    assert asked["page_url"].endswith(reverse("exports:job", args=[asked["id"]]))
    assert asked["state"] == "done" and asked["download_url"]


def test_it_offers_the_finished_file_on_the_job_page(admin, responses):
    page = admin.get(admin.get(REPORT, headers=BROWSER)["Location"])
    job = ExportJob.objects.get()
    shown = page.content.decode()
    assert page.status_code == 200
    assert 'http-equiv="refresh"' not in shown  # finished: nothing more to follow
    assert f'href="/api/v1/exports/{job.pk}/file"' in shown and job.filename in shown
    assert "Report (Word)" in shown and "Ready: made from 30 responses." in shown
    file = admin.get(f"/api/v1/exports/{job.pk}/file")
    assert file["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("state", "rows_done", "words"),
    [
        (ExportJob.QUEUED, 0, "Waiting for the background worker"),
        (ExportJob.RUNNING, 12, "Being made: 12 of 30 responses written."),
    ],
)
def test_it_reloads_the_page_of_an_unfinished_job(admin, responses, state, rows_done, words):
    job = ExportJob.objects.create(
        user=User.objects.get(username="publisher"),
        survey=responses,
        format="csv",
        state=state,
        rows_total=30,
        rows_done=rows_done,
    )
    shown = admin.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in shown
    assert words in shown
    assert f'value="{job.percent}"' in shown


def test_it_says_why_a_job_failed_and_when_its_file_expired(admin, responses):
    admin.get(REPORT)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    exports_expire()
    shown = admin.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "This file has expired and was deleted." in shown
    assert "/file" not in shown
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.FAILED, message="The disk is full.")
    failed = admin.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert 'role="alert"><p>The disk is full.</p>' in failed


def test_it_shows_a_job_page_only_to_whoever_asked_for_it(admin, responses):
    admin.get(REPORT)
    address = reverse("exports:job", args=[ExportJob.objects.get().pk])
    assert signed_in(user_in_group("admins", username="another")).get(address).status_code == 404
    assert signed_in(user_in_group("staff", username="viewer")).get(address).status_code == 404


def test_it_deletes_expired_files_on_a_schedule(admin, responses):
    admin.get(REPORT)
    job = ExportJob.objects.get()
    file = settings.MEDIA_ROOT / job.path
    assert file.is_file()
    entry = settings.CELERY_BEAT_SCHEDULE["expire-export-files"]
    assert entry["schedule"] == settings.EXPORT_EXPIRY_CHECK_MINUTES * 60
    task = app.tasks[entry["task"]]  # the schedule names a task the workers have
    task.delay()
    assert file.is_file()  # not expired yet: kept
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    task.delay()
    assert not file.exists()
    assert ExportJob.objects.get().path == ""


def test_it_makes_a_big_export_from_the_admin_page_in_the_background(responses, settings):
    settings.EXPORT_BACKGROUND_ROWS = 10
    client = signed_in(user_in_group("admins", username="exporter", is_staff=True))
    page = reverse("admin:surveys_survey_export", args=[responses.pk])
    started = client.post(page, {"format": "csv"})
    job = ExportJob.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse("exports:job", args=[job.pk])
    assert (job.state, job.rows_total) == (ExportJob.DONE, 30)
    small = client.post(page, {"format": "codebook-json"})
    assert small.status_code == 200 and ExportJob.objects.count() == 1
