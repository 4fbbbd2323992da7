"""With REDIS_URL, an analysis is computed once per watermark in the background and every
node serves the newest finished one with its age; without Redis or a broker nothing fails."""

import base64
import json
import logging
from dataclasses import asdict
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import refresh
from analytics.filters import ResponseFilter
from analytics.results import AnalysisOptions
from analytics.selectors import CODE_FORMAT, analysis_finish, analysis_newest
from analytics.tasks import analysis_refresh
from core.shared import single_flight, source_digest
from surveys.services import demo_responses_create
from tests.factories import (
    other_survey,
    response_add,
    signed_in,
    team_member,
    user_in_group,
)
from tests.scaling.conftest import broker_at

OVERVIEW = "/dashboard/us-russia-kz/"
CHANGES = "/dashboard/us-russia-kz/changes/"
# The survey holds demo data only, and the new responses here are demo too: the default view
# stays every response (a real one would switch it to real responses only).
EVERYTHING = ResponseFilter()
DEFAULTS = asdict(AnalysisOptions())  # what a dashboard asks for without a weighting scheme


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=120, seed=3)
    return survey


@pytest.fixture
def staff(db):
    return signed_in(user_in_group("staff"))


@pytest.fixture
def shared_log(caplog):
    """Records of the "shared" logger (which does not propagate to the root)."""
    logger = logging.getLogger("shared")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def queued(redis_client) -> list[tuple[str, list]]:
    """The tasks waiting in the broker for a worker: (name, arguments)."""
    tasks = []
    for message in redis_client.lrange("celery", 0, -1):
        envelope = json.loads(message)
        arguments = json.loads(base64.b64decode(envelope["body"]))[0]
        tasks.append((envelope["headers"]["task"], arguments))
    return tasks


def test_it_serves_the_newest_analysis_and_asks_the_worker_once_for_a_newer_one(
    node, responses, staff, answers
):
    first = staff.get(OVERVIEW)
    assert first.context["analysis"].n == 120  # never analysed: computed in the request
    assert queued(node) == []
    response_add(responses, answers, provenance="demo")
    newest = response_add(responses, answers, provenance="demo").response.pk
    for _poll in range(3):
        page = staff.get(OVERVIEW)
        assert page.context["analysis"].n == 120
        assert page.context["pending"] == 2
        assert "newer responses being analysed: 2" in page.content.decode()
    assert queued(node) == [
        ("analytics.tasks.analysis_refresh", [responses.pk, EVERYTHING.to_json(), DEFAULTS, newest])
    ]


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_it_counts_the_newer_responses_without_a_query_of_its_own(node, responses, answers, role):
    """A page behind the responses says how many are newer, counted in the query of the
    header's survey list: it takes as many queries as a page that is not behind."""
    member = (
        user_in_group("staff") if role == "staff" else team_member(responses, role, username=role)
    )
    team_member(other_survey(), "owner", username="someone-else")
    client = signed_in(member)
    client.get(OVERVIEW)  # never analysed: computed in the request
    with CaptureQueriesContext(connection) as caught_up:
        assert client.get(OVERVIEW).context["pending"] == 0
    for _each in range(3):
        response_add(responses, answers, provenance="demo")
    with CaptureQueriesContext(connection) as behind:
        page = client.get(OVERVIEW)
    assert (page.context["analysis"].n, page.context["pending"]) == (120, 3)
    assert "newer responses being analysed: 3" in page.content.decode()
    listed = [survey.slug for survey in page.context["staff_surveys"]]
    assert listed == (["other-study", "us-russia-kz"] if role == "staff" else ["us-russia-kz"])
    assert len(behind) == len(caught_up)


def test_it_tells_open_pages_when_the_worker_finished(node, responses, staff, answers):
    etag = staff.get(CHANGES)["ETag"]
    stored = response_add(responses, answers, provenance="demo")
    assert staff.get(CHANGES, HTTP_IF_NONE_MATCH=etag).status_code == 304  # asked, not ready
    analysis_refresh(responses.pk, EVERYTHING.to_json(), DEFAULTS, stored.response.pk)  # the worker
    ready = staff.get(CHANGES, HTTP_IF_NONE_MATCH=etag)
    assert ready.status_code == 200
    # The worker drew the figures for the language the page was seen in, for the new data.
    drawn = [key.decode() for key in node.keys(f":{stored.response.pk}:dashboard:*")]
    assert sorted(key.split(":")[3] for key in drawn) == ["matrix", "overview"]
    assert ready.json()["ready"] == stored.response.pk
    assert ready.json()["analysed"] == 121
    page = staff.get(OVERVIEW)
    assert (page.context["analysis"].n, page.context["pending"]) == (121, 0)


def test_it_marks_a_language_seen_once_a_minute_in_each_process(
    node, responses, staff, monkeypatch
):
    """The worker draws figures in the languages pages were seen in; a process writes that
    mark once a minute, not on every view (one round trip to Redis fewer)."""
    staff.get(OVERVIEW)  # never analysed: computed in the request
    staff.get(OVERVIEW)
    (mark,) = node.keys(f"*viewed:{responses.pk}:en")
    node.delete(mark)
    staff.get(OVERVIEW)
    assert not node.exists(mark)
    monkeypatch.setattr(refresh, "VIEWED_REWRITE_SECONDS", 0)
    staff.get(OVERVIEW)
    assert node.exists(mark)


def test_it_keeps_the_filter_bar_in_each_process_not_in_redis(node, responses, staff):
    """The filter bar is a function of its key alone: each process keeps its own copy, and
    a view reads it without a round trip to Redis."""
    staff.get(OVERVIEW)  # never analysed: computed in the request
    rendered = staff.get(OVERVIEW)
    assert "analytics/_filter_bar.html" not in [template.name for template in rendered.templates]
    assert '<form method="get" class="filter-bar"' in rendered.content.decode()
    assert node.keys("*filter_bar*") == []


def test_it_renders_the_overview_panels_as_the_page_would(node, responses, staff, answers):
    """The worker renders the overview's question panels with its figures and counts; the
    page then shows exactly what it would have rendered itself, read in one round trip."""

    def panels(page) -> str:
        html = page.content.decode()
        return html[html.index('<div class="question-grid">') :]

    staff.get(OVERVIEW)  # never analysed: computed in the request
    staff.get(OVERVIEW)  # seen in English: the worker renders in English
    stored = response_add(responses, answers, provenance="demo")
    analysis_refresh(responses.pk, EVERYTHING.to_json(), DEFAULTS, stored.response.pk)
    (kept,) = node.keys(f":{stored.response.pk}:dashboard:overview:en:*")
    assert "121 answered" in node.get(kept).decode("utf-8", "replace")  # pickled, with the panels
    shown = staff.get(OVERVIEW)
    assert shown.context["analysis"].n == 121
    assert "121 answered" in panels(shown)
    assert shown.context["counts"]["all"] == 121
    node.delete(kept)
    assert panels(staff.get(OVERVIEW)) == panels(shown)  # rendered by the page this time
    assert node.keys(f":{stored.response.pk}:dashboard:overview:en:*") == [kept]


def test_it_computes_nothing_while_another_process_holds_the_surveys_lock(node, responses):
    finished = analysis_finish(responses, EVERYTHING)
    stored = next(k.decode() for k in node.keys("*analysis-newest*"))
    key = stored.split(":", 2)[2]  # Django stores ":<version>:<key>"
    with single_flight(key, 30) as held:
        assert held
        assert analysis_finish(responses, EVERYTHING) is None
    newest = analysis_newest(responses, EVERYTHING)
    assert newest is not None and finished is not None
    assert (newest.finished_at, newest.analysis.watermark) == (
        finished.finished_at,
        finished.analysis.watermark,
    )


def test_it_unpickles_the_newest_analysis_once_per_refresh_in_each_process(
    node, responses, answers
):
    analysis_finish(responses, EVERYTHING)
    first = analysis_newest(responses, EVERYTHING)
    assert first is not None and analysis_newest(responses, EVERYTHING) is first
    response_add(responses, answers, provenance="demo")
    analysis_finish(responses, EVERYTHING)
    newer = analysis_newest(responses, EVERYTHING)
    assert newer is not None and newer is not first
    assert newer.analysis.watermark > first.analysis.watermark
    assert analysis_newest(responses, EVERYTHING) is newer


def test_it_keeps_a_replaced_analysis_readable_for_a_minute(node, responses, answers):
    analysis_finish(responses, EVERYTHING)
    (pointer,) = node.keys("*analysis-newest*")
    replaced = node.keys("*analysis-finished*")
    response_add(responses, answers, provenance="demo")
    analysis_finish(responses, EVERYTHING)
    assert len(node.keys("*analysis-finished*")) == 2
    assert 0 < node.ttl(replaced[0]) <= 60  # the pages that read its token still find it
    assert node.ttl(pointer) > 3600


def test_it_forgets_the_newest_analysis_the_shared_cache_lost(node, responses):
    analysis_finish(responses, EVERYTHING)
    assert analysis_newest(responses, EVERYTHING) is not None  # now read by this process
    node.flushdb()
    assert analysis_newest(responses, EVERYTHING) is None


def test_it_keys_shared_analyses_by_the_code_that_pickled_them(node, responses, tmp_path):
    analysis_finish(responses, EVERYTHING)
    keys = [k.decode() for k in node.keys("*analysis*")]
    assert keys and all(CODE_FORMAT in key for key in keys)
    source = tmp_path / "results.py"
    source.write_text("A = 1\n")
    before = source_digest(source)
    source.write_text("A = 2\n")
    assert source_digest(source) != before
    assert CODE_FORMAT == source_digest(*Path("analytics").glob("*.py"))


def test_it_answers_dashboards_with_redis_away(redis_away, responses, staff, shared_log):
    page = staff.get(OVERVIEW)
    assert page.status_code == 200
    assert page.context["analysis"].n == 120
    assert staff.get(CHANGES).status_code == 200
    assert any(record.getMessage() == "cache_away" for record in shared_log.records)


def test_it_lets_submissions_through_with_redis_away(
    redis_away, survey, client, settings, shared_log
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"submissions": "1/min", "signed_in": "600/min"},
    }
    body = {"language": "en", "answers": {}}
    statuses = [
        client.post(f"/api/v1/surveys/{survey.slug}/responses/", body, "application/json")
        for _ in range(3)
    ]
    assert [reply.status_code for reply in statuses] == [400, 400, 400]  # none refused: 429
    counted = [r for r in shared_log.records if r.getMessage() == "cache_away"]
    assert any("count:" in r.fields["key"] for r in counted)  # the throttle said so


def test_it_shows_the_last_analysis_when_the_broker_is_away(
    node, responses, staff, answers, shared_log
):
    staff.get(OVERVIEW)
    response_add(responses, answers, provenance="demo")
    broker_at("redis://127.0.0.1:1/0")  # the cache still answers
    page = staff.get(OVERVIEW)
    assert page.status_code == 200
    assert (page.context["analysis"].n, page.context["pending"]) == (120, 1)
    assert any(record.getMessage() == "task_not_queued" for record in shared_log.records)


def test_it_pauses_after_a_refresh_before_asking_for_the_next(
    node, responses, staff, answers, settings
):
    settings.ANALYSIS_REFRESH_PAUSE_MS = 60_000
    staff.get(OVERVIEW)  # never analysed: computed in the request
    newest = response_add(responses, answers, provenance="demo").response.pk
    staff.get(CHANGES)
    assert len(queued(node)) == 1
    node.delete("celery")  # a worker took the task…
    analysis_refresh(responses.pk, EVERYTHING.to_json(), DEFAULTS, newest)  # …and ran it
    response_add(responses, answers, provenance="demo")
    assert staff.get(CHANGES).json()["ready"] == newest
    assert queued(node) == []  # the next refresh waits for the pause to end
