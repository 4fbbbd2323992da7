"""The printable report in a real Chromium: opened from the findings page's button, each
section starts a printed page, no table is wider than the printed page, every chart shows."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User

from analytics.weighting import weights_set
from surveys.services import demo_responses_create
from tests.analytics.test_weighted_analysis import SCHEME

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
SECTIONS = ["methods", "frequencies", "matrix", "dependent", "article", "references"]


@pytest.fixture
def admin_user(survey) -> User:
    demo_responses_create(survey=survey, n=400, seed=8)
    # The transactional database is flushed between tests (and with it the group's
    # permissions from the migrations): give the group its site-wide reach again.
    group, _ = Group.objects.get_or_create(name="admins")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=["view_analytics", "export_responses", "reach_all_surveys"]
        )
    )
    user = User.objects.create_user(username="researcher", password="publish-the-study")
    user.groups.add(group)
    return user


@pytest.fixture
def scheme(request, survey, admin_user) -> bool:
    """Whether the survey is weighted (parametrised indirectly; unweighted by default)."""
    weighted = getattr(request, "param", False)
    if weighted:
        weights_set(survey=survey, document=SCHEME)
    return weighted


@pytest.fixture
def report_page(browser, live_server, admin_user, scheme):
    page = browser.new_page(viewport={"width": 1000, "height": 1300})
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/us-russia-kz/findings/")
    page.fill("#id_username", "researcher")
    page.fill("#id_password", "publish-the-study")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile("/findings/"))
    with page.context.expect_page() as opened:
        page.locator("nav.publish a[target=_blank]").click()
    report = opened.value  # the job's page (a report is made in the background) …
    report.locator(".export-job a.button").click()  # … then the report itself
    report.wait_for_url(re.compile("/file$"))
    report.wait_for_load_state()
    yield report
    page.close()


def test_it_opens_the_printable_report_from_the_findings_page(report_page):
    assert report_page.locator("h1").inner_text().startswith("Influence of US–Russia")
    images = report_page.locator("img")
    assert images.count() == 10
    for k in range(images.count()):
        image = images.nth(k)
        assert image.get_attribute("alt").startswith("Bar chart of the answers")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    report_page.evaluate("document.getElementById('dependent').scrollIntoView()")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report_page.screenshot(path=str(SCREENSHOTS / "report.png"))


@pytest.mark.parametrize("scheme", [False, True], ids=["unweighted", "weighted"], indirect=True)
def test_it_prints_a_page_per_section_without_clipped_tables(report_page, scheme):
    report_page.emulate_media(media="print")
    breaks = report_page.evaluate(
        "ids => ids.map(id => getComputedStyle(document.getElementById(id)).breakBefore)",
        SECTIONS,
    )
    assert breaks == ["page"] * len(SECTIONS)
    assert report_page.locator(".print-note").is_hidden()
    # The printed text width of A4 with 2 cm margins: 17 cm at 96 px per inch.
    report_page.set_viewport_size({"width": round(17 / 2.54 * 96), "height": 1100})
    overflowing = report_page.evaluate(
        """() => [...document.querySelectorAll('table')]
            .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1
                      || t.getBoundingClientRect().right > document.body.clientWidth + 1)
            .map(t => t.previousElementSibling && t.previousElementSibling.textContent)"""
    )
    assert overflowing == []
    pdf = report_page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 1 + len(SECTIONS)
    assert ("Kish" in report_page.locator("#methods").inner_text()) is scheme
