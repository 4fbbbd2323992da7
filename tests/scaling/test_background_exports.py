"""Background exports with a broker and no worker yet, and with the broker away."""

import pytest

from exports.tasks import export_run
from surveys.services import demo_responses_create
from tests.factories import signed_in, user_in_group

EXPORT = "/api/v1/surveys/us-russia-kz/export.xlsx"


@pytest.fixture
def admin(survey, settings, tmp_path):
    demo_responses_create(survey=survey, n=15, seed=2)
    settings.EXPORT_BACKGROUND_ROWS = 10
    settings.MEDIA_ROOT = tmp_path
    return signed_in(user_in_group("admins"))


def test_it_answers_409_until_a_worker_made_the_file(node, admin):
    job = admin.get(EXPORT).json()
    assert (job["state"], job["percent"], job["rows_total"]) == ("queued", 0, 15)
    waiting = admin.get(f"{job['status_url']}file")
    assert waiting.status_code == 409
    assert waiting.json()["code"] == "not_ready"
    export_run(job["id"])  # what the worker runs
    assert admin.get(job["status_url"]).json()["state"] == "done"
    made = admin.get(f"{job['status_url']}file")
    assert made.status_code == 200
    assert b"".join(made.streaming_content)[:2] == b"PK"  # a zip: the .xlsx


def test_it_says_so_when_no_worker_can_be_reached(redis_away, admin):
    job = admin.get(EXPORT).json()
    assert job["state"] == "failed"
    assert "background worker cannot be reached" in job["message"]
    assert "at most 10 responses" in job["message"]
