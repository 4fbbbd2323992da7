"""Skip logic in a real Chromium on a 360 px phone: questions appear and disappear as the
respondent answers, under the site's Content-Security-Policy, and what is stored is what
the respondent was asked."""

import re

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from surveys.conditions import condition_holds, condition_json
from surveys.models import Response
from tests.browser.test_staff_pages import _axe_violations
from tests.conditions_generated import CONDITIONS, TEXTS
from tests.factories import skip_logic_document, survey_from_document

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def study(committed_rows):
    """Made before the browser starts: ORM calls under Playwright's event loop get a
    connection of their own, which must be closed (see test_respondent)."""
    return survey_from_document(skip_logic_document())


def test_it_shows_each_question_only_while_its_condition_holds(study, live_server, browser):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/s/skip-logic/?lang=en")
    devices, hours, wishes = page.locator("#q-q03"), page.locator("#q-q05"), page.locator("#q-q06")
    # No answer to q01 yet: "q01 != 'no'" holds (an empty answer is not 'no'), the others not.
    expect(page.locator("#q-q02")).to_be_visible()
    expect(devices).to_be_hidden()
    expect(wishes).to_be_hidden()
    page.get_by_label("No", exact=True).check()
    expect(page.locator("#q-q02")).to_be_hidden()
    expect(page.locator("#q-q02 input").first).to_be_disabled()
    page.get_by_label("Yes", exact=True).check()
    expect(wishes).to_be_visible()
    page.get_by_label("Daily").check()
    expect(devices).to_be_visible()
    page.get_by_label("Phone").check()
    page.get_by_label("Laptop").check()
    expect(hours).to_be_visible()
    page.get_by_label("How many hours a week?").fill("12,5")
    page.get_by_label("Laptop").uncheck()  # one device: q05 is no longer asked
    expect(hours).to_be_hidden()
    page.get_by_label("Your age").fill("34")
    page.get_by_label("What would help you most?").fill("Faster internet")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile("/thanks/"))
    stored = Response.objects.get()
    connection.close()  # the ORM's connection under Playwright's loop; see test_respondent
    assert stored.answers == {
        "q01": "yes",
        "q02": "daily",
        "q03": ["phone"],
        "q04": 34,
        "q06": "Faster internet",
    }
    assert stored.skipped == ["q05"]


def test_it_shows_every_question_with_its_condition_in_words_without_javascript(
    study, live_server, browser
):
    page = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/s/skip-logic/?lang=ru")
    for code in ("q02", "q03", "q05", "q06"):
        expect(page.locator(f"#q-{code}")).to_be_visible()
    expect(page.locator("#q-q03 .condition")).to_have_text(
        "Отвечайте, только если ответ на вопрос 2: «Иногда» или позже по порядку."
    )
    page.get_by_label("Нет", exact=True).check()
    page.get_by_label("Каждый день").check()  # q02, not asked once q01 is "no"
    page.get_by_label("Ваш возраст").fill("40")
    page.get_by_role("button", name="Отправить ответы").click()
    page.wait_for_url(re.compile("/thanks/"))
    stored = Response.objects.get()
    connection.close()
    assert stored.answers == {"q01": "no", "q04": 40}
    assert stored.skipped == ["q02", "q03", "q05", "q06"]


def test_it_passes_axe_with_every_kind_and_an_error_on_a_phone(study, live_server, browser):
    page = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
    page.goto(f"{live_server.url}/s/skip-logic/?lang=kk")
    page.get_by_label("Иә", exact=True).check()
    page.get_by_label("Күн сайын").check()
    page.get_by_label("Телефон").check()
    page.get_by_label("Ноутбук").check()
    page.locator("#id_q04").fill("12,5")
    page.get_by_role("button", name="Жауаптарды жіберу").click()
    expect(page.locator("#q-q04 .error")).to_have_text("Бөлшегі жоқ бүтін сан енгізіңіз.")
    expect(page.locator("#q-q05")).to_be_visible()  # the script runs again on the answer page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert _axe_violations(page) == []


ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "q01": st.sampled_from(["yes", "partly", "no"]),
        "q02": st.sampled_from(["never", "sometimes", "daily"]),
        "q03": st.lists(st.sampled_from(["phone", "laptop", "other"]), unique=True),
        "q04": st.integers(16, 99),
        "q05": st.decimals(0, 80, places=1).map(float),
        "q06": TEXTS,
    },
)


@pytest.fixture
def form_page(study, live_server, browser):
    """One page for all the examples (hypothesis runs them in one call of the test)."""
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/s/skip-logic/?lang=en")
    return page


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(condition=CONDITIONS, answers=ANSWERS)
def test_it_judges_every_condition_in_the_browser_as_the_server_does(form_page, condition, answers):
    in_browser = form_page.evaluate(
        "([tree, answers]) => window.skipLogicHolds(tree, answers)",
        [condition_json(condition), answers],
    )
    assert in_browser is condition_holds(condition, answers)
