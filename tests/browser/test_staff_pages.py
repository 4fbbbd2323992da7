"""The staff pages in a real Chromium: a pilot in test mode from the share panel to clearing
the test data, the header (language switcher remembered, survey switcher, sign out), the
matrix legend, and axe-core on every new page."""

import io
import re
from pathlib import Path

import pytest
import zxingcpp
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from PIL import Image
from playwright.sync_api import expect

from surveys.models import Response
from surveys.services import demo_responses_create
from tests.browser.test_dashboards import SCREENSHOTS, draw_all

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture
def admin_user(survey) -> User:
    demo_responses_create(survey=survey, n=120, seed=2)
    # The transactional database is flushed between tests (and with it the group's
    # permissions from the migrations): give the group its site-wide reach again.
    group, _ = Group.objects.get_or_create(name="admins")
    for codename in ("view_analytics", "change_survey", "export_responses", "reach_all_surveys"):
        group.permissions.add(Permission.objects.get(codename=codename))
    user = User.objects.create_user(username="lead", password="run-the-study", is_staff=True)
    user.groups.add(group)
    return user


def _log_in(page, live_server, next_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", "lead")
    page.fill("#id_password", "run-the-study")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path.split("?")[0])))


def _axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run().then(r => r.violations.map(v => v.id + ': ' + v.help))")
    return found


def _fill_form(page) -> None:
    for code in ("q01", "q02", "q04", "q05", "q06", "q07", "q08", "q09", "q10"):
        page.locator(f"#q-{code} input[type=radio]").first.check()
    page.locator("#q-q03 input[type=checkbox]").first.check()
    page.locator("form button[type=submit]:not([formnovalidate])").last.click()


def test_it_pilots_in_test_mode_and_clears_the_test_data(admin_user, live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    _log_in(page, live_server, "/dashboard/us-russia-kz/share/")
    assert page.locator(".share-link svg").count() == 3
    assert _axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "share.png"), full_page=True)
    page.locator('.share-link[lang="ru"] a', has_text="test").click()
    expect(page.locator(".test-mode-banner")).to_be_visible()
    assert _axe_violations(page) == []
    _fill_form(page)
    page.wait_for_url(re.compile(r"/thanks/\?mode=test"))
    expect(page.locator(".test-mode-banner")).to_be_visible()
    page.locator('a[href*="provenance=test"]').click()
    expect(page.locator("table.responses tbody tr")).to_have_count(1)
    assert _axe_violations(page) == []
    page.goto(
        f"{live_server.url}/dashboard/us-russia-kz/responses/?provenance=real&provenance=demo"
    )
    page.screenshot(path=str(SCREENSHOTS / "responses.png"), full_page=False)
    page.locator("table.responses tbody th a").first.click()
    expect(page.locator("table.response-answers tbody tr")).to_have_count(10)
    assert _axe_violations(page) == []
    page.goto(f"{live_server.url}/dashboard/us-russia-kz/responses/other/?provenance=demo")
    assert _axe_violations(page) == []
    page.goto(f"{live_server.url}/dashboard/us-russia-kz/responses/")
    page.get_by_role("button", name="Delete all test responses").click()
    expect(page.locator(".messages")).to_contain_text("1 test responses deleted")
    kinds = sorted(set(Response.objects.values_list("provenance", flat=True)))
    connection.close()
    assert kinds == ["demo"]


def test_it_draws_an_svg_qr_code_that_decodes_to_the_link(admin_user, live_server, browser):
    page = browser.new_context(viewport={"width": 600, "height": 600}).new_page()
    _log_in(page, live_server, "/dashboard/us-russia-kz/share/")
    svg = page.request.get(f"{live_server.url}/dashboard/us-russia-kz/share/qr/kk.svg").text()
    page.set_content(f'<body style="margin:0;background:#fff">{svg.split("?>", 1)[1]}</body>')
    image = Image.open(io.BytesIO(page.screenshot()))
    decoded = [code.text for code in zxingcpp.read_barcodes(image)]
    assert decoded == [f"{live_server.url}/s/us-russia-kz/?lang=kk"]


def test_it_switches_the_language_and_remembers_it(admin_user, live_server, browser):
    page = browser.new_context(bypass_csp=True).new_page()
    _log_in(page, live_server, "/dashboard/us-russia-kz/matrix/")
    page.select_option("#language-switcher", "kk")
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("heading", name="Тәуелділік матрицасы")).to_be_visible()
    page.goto(f"{live_server.url}/dashboard/us-russia-kz/responses/")
    expect(page.locator("html")).to_have_attribute("lang", "kk")  # remembered
    assert page.locator(".survey-switcher option").count() == 1
    for name in ("Жауаптар", "Экспорт", "Әкімші бөлімі"):
        expect(page.locator(".staff-links")).to_contain_text(name)
    page.locator(".sign-out button").click()
    page.wait_for_url(re.compile("/accounts/login/"))


def test_it_explains_the_matrix_in_a_legend(admin_user, live_server, browser):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True).new_page()
    _log_in(page, live_server, "/dashboard/us-russia-kz/matrix/")
    draw_all(page)
    assert page.locator(".matrix-legend dt").count() == 10
    assert page.locator("thead abbr[title]").count() == 10
    page.locator(".how-to-read summary").click()
    expect(page.locator(".how-to-read dd").first).to_be_visible()
    assert _axe_violations(page) == []
    page.locator(".matrix-legend").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "matrix-legend.png"), full_page=True)
