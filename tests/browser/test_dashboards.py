"""The dashboards in a real Chromium: charts drawn, matrix links, and a response submitted in
another window showing up without a reload."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from surveys.services import demo_responses_create

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"


@pytest.fixture
def demo_survey(survey):
    demo_responses_create(survey=survey, n=300, seed=3)
    return survey


@pytest.fixture
def staff_user(db) -> User:
    # A transactional test database is flushed between tests, so the migration's group may
    # be gone: make sure it exists.
    group, _ = Group.objects.get_or_create(name="staff")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["view_analytics", "reach_all_surveys"])
    )
    user = User.objects.create_user(username="watcher", password="watch-the-study")
    user.groups.add(group)
    return user


def _log_in(page, live_server, next_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", "watcher")
    page.fill("#id_password", "watch-the-study")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path)))


def _answer_survey(page, live_server) -> None:
    page.goto(f"{live_server.url}/s/us-russia-kz/?lang=en")
    questions = page.locator("fieldset.question")
    for k in range(questions.count()):
        questions.nth(k).locator("input[type=radio], input[type=checkbox]").first.check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile("/thanks/"))


def draw_all(page) -> None:
    """Bring every chart near the screen once, so that each is drawn (dashboard.js draws a
    chart when it is about to be seen)."""
    for chart in page.locator("[data-figure]").all():
        chart.scroll_into_view_if_needed()
    expect(page.locator("[data-figure]:not(.js-plotly-plot)")).to_have_count(0)


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_it_draws_the_dashboards_and_shows_a_new_response_live(
    demo_survey, staff_user, live_server, browser
):
    # The database fixtures come first: ORM calls made while Playwright's sync API is running
    # open a connection that is never closed and keeps the test database from being dropped.
    watcher = browser.new_context(viewport={"width": 1366, "height": 768})
    page = watcher.new_page()
    _log_in(page, live_server, "/dashboard/us-russia-kz/")
    draw_all(page)
    assert page.locator(".js-plotly-plot").count() == 11
    _screenshot(page, "overview")

    page.goto(f"{live_server.url}/dashboard/us-russia-kz/matrix/")
    draw_all(page)
    assert page.locator("a[data-pair]").count() == 45
    _screenshot(page, "matrix")
    page.click('a[data-pair="q01-q04"]')
    page.wait_for_url(re.compile("/dashboard/us-russia-kz/pairs/q01/q04/"))
    draw_all(page)
    assert page.locator("table.crosstab").count() == 1
    _screenshot(page, "pair")

    page.goto(f"{live_server.url}/dashboard/us-russia-kz/findings/")
    _screenshot(page, "findings")

    page.goto(f"{live_server.url}/dashboard/us-russia-kz/")
    draw_all(page)
    assert page.locator("#response-count").inner_text() == "300"

    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    respondent = browser.new_context()
    _answer_survey(respondent.new_page(), live_server)
    # A locator, not wait_for_function: the page's Content-Security-Policy forbids the
    # eval that a JavaScript predicate needs.
    # The first real response: from now on the demo responses are left out by default.
    expect(page.locator("#response-count")).to_have_text("1", timeout=5000)
    assert page.locator("#live-status").get_attribute("data-count") == "1"
    # the tables beside the charts follow too, still without a reload
    expect(page.locator('dd[data-count="all"]')).to_have_text("301", timeout=3000)
    expect(page.locator('dd[data-count="real"]')).to_have_text("1", timeout=3000)
    expect(page.locator("#q01 table caption")).to_contain_text("1 answered", timeout=3000)
    # one request for the figures and the tables: the page itself is not fetched again
    assert "/dashboard/us-russia-kz/data/" in asked
    assert "/dashboard/us-russia-kz/" not in asked


@pytest.fixture
def second_server(demo_survey, staff_user):
    """The app in another process (gunicorn) on the same database, as behind a balancer."""
    from django.db import connection

    port = _free_port()
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environment = {**os.environ, "DATABASE_URL": url}
    root = Path(__file__).resolve().parent.parent.parent
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=root,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(address)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(address: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{address}/s/us-russia-kz/", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not start serving at {address}")


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("sqlite"),
    reason="a second process needs a shared server database (PostgreSQL)",
)
def test_it_shows_a_response_submitted_through_another_server_process(
    second_server, live_server, browser
):
    watcher = browser.new_context(viewport={"width": 1366, "height": 768})
    page = watcher.new_page()
    _log_in(page, live_server, "/dashboard/us-russia-kz/")
    draw_all(page)
    assert page.locator("#response-count").inner_text() == "300"

    respondent = browser.new_context()
    _answer_survey(respondent.new_page(), SimpleNamespace(url=second_server))
    # A locator, not wait_for_function: the page's Content-Security-Policy forbids the
    # eval that a JavaScript predicate needs.
    expect(page.locator("#response-count")).to_have_text("1", timeout=5000)


def test_it_draws_the_dashboards_and_the_api_docs_without_csp_violations(
    demo_survey, staff_user, live_server, browser
):
    page = browser.new_context().new_page()
    violations: list[str] = []

    def note(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note)
    _log_in(page, live_server, "/dashboard/us-russia-kz/")
    draw_all(page)
    page.goto(f"{live_server.url}/dashboard/us-russia-kz/matrix/")
    draw_all(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.goto(f"{live_server.url}/s/us-russia-kz/?lang=kk")
    page.wait_for_selector("fieldset.question")
    assert violations == []
