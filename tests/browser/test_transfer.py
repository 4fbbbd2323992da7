"""Questionnaire upload and download in a real Chromium at phone width: an admin brings an
ODK workbook in, sees a broken one refused with its row, takes the survey out again as
XLSForm; axe-core finds nothing on the page in either state."""

import pytest
from playwright.sync_api import expect

from surveys.models import Survey
from surveys.selectors import survey_questionnaire
from surveys.xlsform import xlsform_load
from tests.browser.test_staff_pages import (  # noqa: F401  (admin_user: a fixture)
    _axe_violations,
    _log_in,
    admin_user,
)
from tests.factories import SURVEY_SHEET, XLSFORM_FIXTURES, xlsform_workbook

UPLOAD = "/editor/questionnaires/upload/"


@pytest.mark.usefixtures("admin_user")
def test_it_brings_a_workbook_in_and_takes_it_out_again(live_server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True)
    page = context.new_page()
    _log_in(page, live_server, UPLOAD)

    page.set_input_files("#id_file", str(XLSFORM_FIXTURES / "odk-clinic.xlsx"))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Survey odk-clinic created with 9 questions."
    )
    assert _axe_violations(page) == []

    broken = xlsform_workbook(
        tmp_path / "broken.xlsx",
        survey=[*SURVEY_SHEET, ["date", "when", "Қашан?", "Когда?", "When?", "", "", ""]],
    )
    page.set_input_files("#id_file", str(broken))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "survey sheet, row 4: type 'date' is not supported"
    )
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    assert _axe_violations(page) == []
    assert not Survey.objects.filter(slug="smoking").exists()

    with page.expect_download() as download:
        page.locator("a[href='/editor/odk-clinic/questionnaire.xlsx']").click()
    path = tmp_path / "odk-clinic.xlsx"
    download.value.save_as(path)
    assert xlsform_load(path) == survey_questionnaire(Survey.objects.get(slug="odk-clinic"))
    context.close()
