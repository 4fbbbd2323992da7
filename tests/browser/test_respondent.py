"""A respondent on a 360 px phone, in Kazakh, from the first page to the thank-you page."""

import re

from django.db import connection

from surveys.models import Response


def test_it_takes_a_phone_respondent_from_language_choice_to_one_stored_response(
    survey, live_server, browser
):
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto(f"{live_server.url}/s/us-russia-kz/")
    page.click('a[lang="kk"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Жауаптарды жіберу").click()
    assert page.locator(".error-summary a").count() == 10  # every question is required
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for code in ("q01", "q02", "q04", "q05", "q06", "q07", "q08", "q09", "q10"):
        page.locator(f"#q-{code} input[type=radio]").last.check()
    page.get_by_label("Кибер соғыс").check()
    page.get_by_role("button", name="Жауаптарды жіберу").dblclick()  # an impatient thumb
    page.wait_for_url(re.compile("/thanks/"))
    stored = Response.objects.get()
    # ORM calls under Playwright's event loop get a connection of their own: close it, or
    # it keeps the test database from being dropped.
    connection.close()
    assert stored.language == "kk"
    assert stored.answers["q03"] == ["cyber"]
    assert stored.answers["q01"] == "admin_staff"
