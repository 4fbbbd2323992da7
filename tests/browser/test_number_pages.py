"""The pages of number questions in a real Chromium at a phone's width: the overview's
number panel with its histogram, the matrix with Kruskal–Wallis cells, the number × single
pair page with its box plots and the skipped-by-design sentence; axe-core finds nothing."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from tests.browser.test_dashboards import SCREENSHOTS, draw_all
from tests.browser.test_staff_pages import _axe_violations
from tests.factories import every_kind_responses, every_kind_study

BASE = "/dashboard/every-kind"


@pytest.fixture
def analyst(db) -> User:
    survey = every_kind_study()
    every_kind_responses(survey, 150, seed=4)
    group, _ = Group.objects.get_or_create(name="admins")
    for codename in ("view_analytics", "reach_all_surveys"):
        group.permissions.add(Permission.objects.get(codename=codename))
    user = User.objects.create_user(username="analyst", password="read-the-numbers")
    user.groups.add(group)
    return user


def _phone_page(browser, live_server, path: str):
    page = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True).new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", "read-the-numbers")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile(re.escape(path)))
    return page


def test_it_draws_a_number_panel_with_its_histogram_on_a_phone(analyst, live_server, browser):
    page = _phone_page(browser, live_server, f"{BASE}/")
    draw_all(page)
    panel = page.locator("section#hours")
    expect(panel.locator("table caption")).to_contain_text("not asked (skip logic)")
    expect(panel.locator(".js-plotly-plot .bars path").first).to_be_visible()
    panel.locator("details summary").click()
    expect(panel.locator("details table tbody tr").first).to_be_visible()
    assert _axe_violations(page) == []
    panel.screenshot(path=str(SCREENSHOTS / "number-panel.png"))


def test_it_shows_the_kruskal_wallis_pair_with_box_plots_on_a_phone(analyst, live_server, browser):
    page = _phone_page(browser, live_server, f"{BASE}/pairs/hours/trust/")
    draw_all(page)
    expect(page.locator(".sentence")).to_contain_text("Kruskal–Wallis H =")
    expect(page.locator(".not-asked")).to_contain_text("were not asked HOURS (skip logic)")
    expect(page.locator(".js-plotly-plot .boxlayer path").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    assert _axe_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "number-pair.png"), full_page=True)


def test_it_links_the_kruskal_wallis_cells_of_the_matrix(analyst, live_server, browser):
    page = _phone_page(browser, live_server, f"{BASE}/matrix/?show=p")
    expect(page.locator("a[data-pair='hours-trust']")).to_be_visible()
    assert page.locator("a[data-pair='hours-media']").count() == 0
    assert _axe_violations(page) == []
