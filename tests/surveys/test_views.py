"""The respondent pages, through the real views."""

import uuid

import pytest
from django.urls import set_script_prefix

from surveys.models import Response, Survey
from tests.factories import form_data

FORM = "/s/us-russia-kz/"


@pytest.fixture
def respondent(client, survey):
    client.cookies["django_language"] = "en"
    return client


def test_it_goes_straight_to_the_only_open_survey(client, survey):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == FORM


def test_it_lists_the_open_surveys_when_there_are_several(client, survey):
    Survey.objects.create(
        slug="other", title={"en": "Another study"}, languages=["en"], default_language="en"
    )
    response = client.get("/")
    assert b"Another study" in response.content


def test_it_asks_for_the_language_first(client, survey):
    response = client.get(FORM)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "surveys/language.html"
    assert b'href="?lang=kk"' in response.content


@pytest.mark.parametrize(
    ("language", "question_one"),
    [
        ("kk", "Сізге қай респондент мәртебесі көбірек сәйкес келеді?"),
        ("ru", "Какой статус респондента вам больше всего подходит?"),
        ("en", "Which respondent status suits you best?"),
    ],
)
def test_it_shows_the_questions_in_the_chosen_language_and_remembers_it(
    client, survey, language, question_one
):
    response = client.get(FORM, {"lang": language})
    assert question_one in response.content.decode()
    assert response.cookies["django_language"].value == language
    assert question_one in client.get(FORM).content.decode()


def test_it_renders_a_fieldset_and_legend_per_question_and_a_label_per_input(respondent):
    html = respondent.get(FORM).content.decode()
    assert html.count("<fieldset") == 10
    assert html.count("<legend") == 10
    assert html.count('type="radio"') + html.count('type="checkbox"') == 39
    assert html.count('<label class="option"') == 39


def test_it_stores_one_response_and_thanks_the_respondent(respondent, answers):
    response = respondent.post(FORM, form_data(answers))
    assert response.status_code == 302
    assert response["Location"] == "/s/us-russia-kz/thanks/"
    assert Response.objects.get().answers == answers
    assert b"Thank you" in respondent.get(response["Location"]).content


def test_it_stores_one_row_when_the_same_form_is_posted_twice(respondent, answers):
    data = form_data(answers, uuid.uuid4())
    first = respondent.post(FORM, data)
    second = respondent.post(FORM, data)
    assert first["Location"] == second["Location"] == "/s/us-russia-kz/thanks/"
    assert Response.objects.count() == 1


def test_it_keeps_what_was_entered_and_links_errors_to_their_question(respondent, answers):
    del answers["q05"]
    response = respondent.post(FORM, form_data(answers))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#q-q05"' in html
    assert 'aria-describedby="q-q05-error"' in html
    assert 'value="teacher" id="id_q01_2" checked' in html
    assert answers["q03_other"] in html
    assert Response.objects.count() == 0


def test_it_switches_language_without_losing_answers_or_judging_them(respondent, answers):
    del answers["q05"]
    data = {**form_data(answers), "switch_language": "kk"}
    response = respondent.post(FORM, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Сізге қай респондент" in html
    assert 'value="teacher" id="id_q01_2" checked' in html
    assert "q-q05-error" not in html
    assert Response.objects.count() == 0


def test_it_refuses_a_reused_token_with_other_answers(respondent, answers):
    token = uuid.uuid4()
    respondent.post(FORM, form_data(answers, token))
    response = respondent.post(FORM, form_data({**answers, "q04": "no"}, token))
    assert response.status_code == 400
    assert b"already sent" in response.content
    assert Response.objects.get().answers["q04"] == "yes"


def test_it_says_a_closed_survey_is_closed_and_stores_nothing(respondent, survey, answers):
    survey.is_open = False
    survey.save()
    response = respondent.post(FORM, form_data(answers))
    assert response.status_code == 410
    assert b"closed" in response.content
    assert Response.objects.count() == 0


def test_it_refuses_a_form_without_a_client_token(respondent, answers):
    response = respondent.post(FORM, answers)
    assert response.status_code == 400
    assert b"reload" in response.content
    assert Response.objects.count() == 0


def test_it_answers_404_for_an_unknown_survey(client, db):
    assert client.get("/s/nope/").status_code == 404


def test_it_records_how_long_the_respondent_took(respondent, answers):
    import time

    started = int(time.time() * 1000) - 95_000
    respondent.post(FORM, {**form_data(answers), "started_at_ms": started})
    assert 95_000 <= Response.objects.get().duration_ms < 120_000


def test_it_says_an_option_the_form_does_not_offer_is_not_valid(respondent, answers):
    response = respondent.post(FORM, form_data({**answers, "q04": "perhaps"}))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice. perhaps is not one of the available choices." in html
    assert 'href="#q-q04"' in html
    assert Response.objects.count() == 0


def test_it_keeps_only_the_other_text_of_a_question_that_offers_other(respondent, answers):
    response = respondent.post(FORM, {**form_data(answers), "q04_other": "a stray text"})
    assert response.status_code == 302
    assert Response.objects.get().answers == answers


def test_it_refuses_a_damaged_start_time_and_stores_nothing(respondent, answers):
    response = respondent.post(FORM, {**form_data(answers), "started_at_ms": "soon"})
    assert response.status_code == 400
    assert b"reload" in response.content
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("left_out", "message"),
    [
        # Nothing ticked is an answer ("none of these") that this question does not take.
        (("q03", "q03_other"), "Please tick at least one option."),
        (("q03_other",), "You ticked “other”: please say what you mean."),
    ],
)
def test_it_shows_a_rule_of_the_questionnaire_beside_its_question(
    respondent, answers, left_out, message
):
    for code in left_out:
        del answers[code]
    response = respondent.post(FORM, form_data(answers))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#q-q03"' in html
    assert message in html
    assert Response.objects.count() == 0


def test_it_thanks_within_the_sub_path_the_site_is_served_under(respondent, answers):
    served_at_root = respondent.post(FORM, form_data(answers))
    # What the WSGI handler does with SCRIPT_NAME (Django's test client does not).
    set_script_prefix("/research/")
    try:
        under_a_path = respondent.post(FORM, form_data(answers))
    finally:
        set_script_prefix("/")
    assert served_at_root["Location"] == "/s/us-russia-kz/thanks/"
    assert under_a_path["Location"] == "/research/s/us-russia-kz/thanks/"
    assert Response.objects.count() == 2
