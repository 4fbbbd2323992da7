"""The text answers page in a real Chromium at a phone's width: it fits 360 px, searches,
and axe-core finds nothing to fix."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from playwright.sync_api import expect

from surveys.models import Response
from tests.browser.test_dashboards import SCREENSHOTS
from tests.browser.test_staff_pages import _axe_violations
from tests.factories import every_kind_survey

WHY = [
    "Жаңалықтарды тез көремін",
    "Там быстрее узнаю новости, чем по телевизору",
    "Quicker news, and my friends share a very-long-word-without-any-break-at-all-in-it",
]


@pytest.fixture
def analyst(db) -> User:
    survey = every_kind_survey()
    now = timezone.now()
    Response.objects.bulk_create(
        Response(
            survey=survey,
            answers={"works": "no", "news": ["social"], "age": 20 + index, "why": WHY[index % 3]},
            skipped=["hours"],
            language=("kk", "ru", "en")[index % 3],
            submitted_at=now - timedelta(minutes=index),
            client_token=uuid.uuid4(),
        )
        for index in range(60)
    )
    group, _ = Group.objects.get_or_create(name="admins")
    for codename in ("view_analytics", "export_responses", "reach_all_surveys"):
        group.permissions.add(Permission.objects.get(codename=codename))
    user = User.objects.create_user(username="reader", password="read-the-texts", is_staff=True)
    user.groups.add(group)
    return user


def test_it_fits_a_phone_searches_and_passes_axe(analyst, live_server, browser):
    page = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True).new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/kinds/responses/texts/")
    page.fill("#id_username", "reader")
    page.fill("#id_password", "read-the-texts")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile("/dashboard/kinds/responses/texts/"))
    expect(page.locator("ol.text-answers li")).to_have_count(50)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _axe_violations(page) == []
    page.locator("#answers-caption").evaluate("caption => caption.scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / "text-answers.png"), full_page=False)
    page.fill("input[name=q]", "НОВОСТИ")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("ol.text-answers li")).to_have_count(20)
    expect(page.locator("table.word-counts")).to_contain_text("быстрее")
    assert page.locator(".pager a").count() == 0
