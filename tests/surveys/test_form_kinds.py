"""The respondent form of every kind, through the real view: widgets, hints, conditions in
words for a browser without JavaScript, and the server deciding what is stored."""

import re
import uuid

import pytest
from pytest_django.asserts import assertContains

from surveys.models import Response
from tests.factories import skip_logic_document, survey_from_document

FORM = "/s/skip-logic/"


@pytest.fixture
def study(db):
    return survey_from_document(skip_logic_document())


def page(client, language: str = "en") -> str:
    return client.get(FORM, {"lang": language}).content.decode()


def block(html: str, code: str) -> str:
    """The markup of one question, from its opening tag to the next question's."""
    start = html.index(f'id="q-{code}"')
    following = html.find("data-question=", html.index("data-question=", start) + 1)
    return html[start : following if following > 0 else len(html)]


def test_it_shows_a_note_as_text_without_a_number_or_an_input(client, study):
    note = block(page(client), "about")
    assert "About your work" in note
    assert "<input" not in note and 'class="number"' not in note


def test_it_numbers_the_questions_but_not_the_notes(client, study):
    numbers = re.findall(r'<span class="number">(\d+)\.</span>', page(client))
    assert numbers == ["1", "2", "3", "4", "5", "6"]


def test_it_asks_a_whole_number_with_a_numeric_keyboard_its_bounds_and_unit(client, study):
    number = block(page(client), "q04")
    assert '<label class="question-text" for="id_q04">' in number
    assert 'type="text"' in number and 'inputmode="numeric"' in number
    assert "A whole number from 16 years to 99 years." in number
    assert '<span class="unit" id="q-q04-unit">years</span>' in number
    assert 'aria-describedby="q-q04-rule q-q04-unit"' in number


def test_it_asks_a_decimal_with_a_decimal_keyboard(client, study):
    number = block(page(client), "q05")
    assert 'inputmode="decimal"' in number
    assert "A number from 0 hours to 80 hours." in number


def test_it_asks_a_text_in_a_textarea_with_its_limit(client, study):
    text = block(page(client), "q06")
    assert "<textarea" in text and 'maxlength="300"' in text
    assert "Up to 300 characters." in text


def test_it_shows_the_hint_under_the_question_and_describes_the_question_by_it(client, study):
    devices = block(page(client), "q03")
    assert '<p class="hint" id="q-q03-hint">Those you use at least once a week.</p>' in devices
    assert 'aria-describedby="q-q03-hint q-q03-condition"' in devices


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Answer only if the answer to question 1 is not “No”."),
        ("ru", "Отвечайте, только если ответ на вопрос 1: не «Нет»."),
        ("kk", "Тек мына жағдайда жауап беріңіз: 1-сұрақтың жауабы: «Жоқ» емес."),
    ],
)
def test_it_says_each_condition_in_words_for_a_browser_without_javascript(
    client, study, language, words
):
    assertContains(client.get(FORM, {"lang": language}), words)


def test_it_gives_the_script_each_condition_as_data_and_no_inline_script(client, study):
    html = page(client)
    assert 'data-condition="{&quot;op&quot;: &quot;compare&quot;, &quot;question&quot;: ' in (
        block(html, "q02")
    )
    assert "data-condition" not in block(html, "q01")
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/skip-logic.js" defer>']


def posted(client, answers: dict, language: str = "en"):
    data = {"client_token": str(uuid.uuid4()), **answers}
    return client.post(f"{FORM}?lang={language}", data)


def test_it_stores_a_number_typed_with_a_comma_and_a_text(client, study):
    response = posted(
        client,
        {
            "q01": "yes",
            "q02": "daily",
            "q03": ["phone", "laptop"],
            "q04": "41",
            "q05": "7,5",
            "q06": "More time",
        },
    )
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.answers == {
        "q01": "yes",
        "q02": "daily",
        "q03": ["phone", "laptop"],
        "q04": 41,
        "q05": 7.5,
        "q06": "More time",
    }
    assert stored.skipped == []


def test_it_drops_what_a_browser_without_javascript_sent_for_questions_not_asked(client, study):
    response = posted(client, {"q01": "no", "q02": "daily", "q04": "30", "q06": "ignored"})
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.answers == {"q01": "no", "q04": 30}
    assert stored.skipped == ["q02", "q03", "q05", "q06"]


def test_it_shows_a_number_error_next_to_the_field_in_the_summary_and_keeps_what_was_typed(
    client, study
):
    response = posted(client, {"q01": "no", "q04": "12,5"}, language="ru")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#q-q04">4. Введите целое число, без дробной части.</a>' in html
    number = block(html, "q04")
    assert 'value="12,5"' in number and 'aria-invalid="true"' in number
    assert 'aria-describedby="q-q04-rule q-q04-unit q-q04-error"' in number
    assert not Response.objects.exists()
