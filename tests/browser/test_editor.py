"""The questionnaire editor in a real Chromium: an admin builds a three-question survey with a
condition, previews it in each language at phone and desktop width, opens it, and a
respondent answers it on a 360 px phone, where the conditional question comes and goes and
the server stores it as skipped. axe-core on each page of the editor."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from playwright.sync_api import expect

from surveys.models import Response, Survey
from tests.browser.test_dashboards import SCREENSHOTS
from tests.browser.test_staff_pages import _axe_violations, _log_in

LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@pytest.fixture
def admin_user(db) -> User:
    # The transactional database is flushed between tests (and with it the group's
    # permissions from the migrations): give the group its rights again.
    group, _ = Group.objects.get_or_create(name="admins")
    rights = ("view_analytics", "export_responses", "reach_all_surveys")
    for codename in (*rights, "add_survey", "change_survey", "view_survey"):
        group.permissions.add(Permission.objects.get(codename=codename))
    user = User.objects.create_user(username="lead", password="run-the-study", is_staff=True)
    user.groups.add(group)
    return user


def _question(page, code: str, kind: str, texts: dict, choices=(), relevant="", required=True):
    page.get_by_role("link", name="Add a question").click()
    page.fill("#id_code", code)
    page.select_option("#id_kind", kind)
    page.set_checked("#id_required", required)
    page.fill("#id_relevant", relevant)
    for language, text in texts.items():
        page.fill(f"#id_text_{language}", text)
    for index, (choice, labels) in enumerate(choices):
        if index == page.locator("table.choices tbody tr").count():
            page.get_by_role("button", name="Add a choice").click()
        page.fill(f"#id_choices-{index}-code", choice)
        for language, label in labels.items():
            page.fill(f"#id_choices-{index}-label_{language}", label)
    page.get_by_role("button", name="Save the question").click()
    expect(page.locator(f"#question-{code}")).to_be_visible()


def test_it_builds_previews_opens_and_takes_answers_to_a_survey(admin_user, live_server, browser):
    # axe-core is injected as an inline script, which the pages' CSP refuses.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    _log_in(page, live_server, "/editor/")
    assert _axe_violations(page) == []
    page.fill("#id_slug", "trust")
    for language in LANGUAGES:
        page.check(f'input[name="languages"][value="{language}"]')
    page.select_option("#id_default_language", "kk")
    page.fill("#id_title_kk", "Сенім")
    page.fill("#id_title_ru", "Доверие")
    page.fill("#id_title_en", "Trust")
    page.get_by_role("button", name="Make the survey").click()
    page.wait_for_url(re.compile("/editor/trust/add-question/"))
    assert _axe_violations(page) == []
    page.goto(f"{live_server.url}/editor/trust/")
    yes_no = [
        ("yes", {"kk": "Иә", "ru": "Да", "en": "Yes"}),
        ("no", {"kk": "Жоқ", "ru": "Нет", "en": "No"}),
    ]
    _question(
        page, "q01", "single", {"kk": "Сенесіз бе?", "ru": "Доверяете?", "en": "Trust?"}, yes_no
    )
    _question(
        page,
        "q02",
        "single",
        {"kk": "Неге?", "ru": "Почему?", "en": "Why?"},
        [
            ("news", {"kk": "Жаңалық", "ru": "Новости", "en": "News"}),
            ("family", {"kk": "Отбасы", "ru": "Семья", "en": "Family"}),
        ],
        relevant="${q01} = 'yes'",
    )
    page.get_by_role("link", name="Add a question").click()
    page.select_option("#id_kind", "multi")
    expect(page.locator('.kind-part[data-kinds="number"]')).to_be_hidden()
    page.fill("#id_text_kk", "Қайдан?")
    page.screenshot(path=str(SCREENSHOTS / "editor-question.png"), full_page=True)
    assert _axe_violations(page) == []
    page.go_back()
    _question(
        page,
        "q03",
        "multi",
        {"kk": "Қайдан?", "ru": "Откуда?", "en": "Where from?"},
        [
            ("tv", {"kk": "Теледидар", "ru": "ТВ", "en": "TV"}),
            ("web", {"kk": "Интернет", "ru": "Интернет", "en": "Web"}),
            ("radio", {"kk": "Радио", "ru": "Радио", "en": "Radio"}),
        ],
    )
    expect(page.locator("#question-q02 .condition")).to_contain_text("${q01} = 'yes'")
    expect(page.locator("#question-q03 tbody tr")).to_have_count(4)  # its text, three choices
    assert _axe_violations(page) == []
    frame = page.frame_locator("#preview")
    expect(frame.locator("#q-q03")).to_be_visible()
    assert page.locator("#preview").evaluate("frame => frame.clientWidth") <= 360
    page.locator('.preview-language[lang="ru"]').click()
    expect(frame.locator("#q-q01 legend")).to_contain_text("Доверяете?")
    page.screenshot(path=str(SCREENSHOTS / "editor.png"), full_page=True)
    page.get_by_role("button", name="Desktop").click()
    assert page.locator("#preview").evaluate("frame => frame.clientWidth") > 360
    page.locator("section.preview").screenshot(path=str(SCREENSHOTS / "editor-preview.png"))
    page.set_viewport_size({"width": 360, "height": 740})
    for address in ("/editor/trust/", "/editor/trust/questions/q02/"):
        page.goto(f"{live_server.url}{address}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, address
    page.set_viewport_size({"width": 1280, "height": 900})
    survey = Survey.objects.get(slug="trust")
    page.goto(f"{live_server.url}/admin/surveys/survey/{survey.pk}/change/")
    expect(page.locator("#id_title_kk")).to_have_value("Сенім")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no JSON textareas
    page.goto(f"{live_server.url}/editor/trust/")
    page.get_by_role("button", name="Open the survey").click()
    expect(page.get_by_role("button", name="Close the survey")).to_be_visible()
    assert Survey.objects.get(slug="trust").is_open

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(f"{live_server.url}/s/trust/?lang=ru")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.locator("#q-q01 input[value=yes]").check()
    expect(phone.locator("#q-q02")).to_be_visible()
    phone.locator("#q-q01 input[value=no]").check()
    expect(phone.locator("#q-q02")).to_be_hidden()  # required, but not asked
    phone.locator("#q-q03 input[value=web]").check()
    phone.get_by_role("button", name="Отправить ответы").click()
    phone.wait_for_url(re.compile("/thanks/"))
    stored = Response.objects.get(survey__slug="trust")
    connection.close()
    assert stored.answers == {"q01": "no", "q03": ["web"]}
    assert stored.skipped == ["q02"]
    assert stored.language == "ru"
