"""The number and text kinds' answers, and skip logic enforced by the server: an answer to a
question not asked is dropped, a required question not asked does not block, and the
response stores which questions were skipped by design."""

import pytest
from django.utils import translation

from surveys.answers import AnswersInvalid, answers_clean, question_conditions, questions_skipped
from surveys.models import Response
from surveys.questionnaire import questionnaire_parse
from surveys.selectors import survey_questionnaire
from tests.factories import (
    every_kind_document,
    import_csv,
    response_add,
    skip_logic_document,
    survey_from_document,
)

QUESTIONS = questionnaire_parse(skip_logic_document()).questions
ASKED_ALL = {"q01": "yes", "q02": "daily", "q03": ["phone", "laptop"], "q04": 40}


@pytest.fixture
def study(db):
    return survey_from_document(skip_logic_document())


def errors_of(answers: dict, language: str = "en") -> dict[str, str]:
    with translation.override(language), pytest.raises(AnswersInvalid) as caught:
        answers_clean(QUESTIONS, answers)
    return caught.value.errors


def test_it_stores_an_integer_answer_as_an_int_and_a_decimal_as_a_float():
    cleaned = answers_clean(QUESTIONS, {**ASKED_ALL, "q04": "40", "q05": "12,5"})
    assert cleaned["q04"] == 40 and isinstance(cleaned["q04"], int)
    assert cleaned["q05"] == 12.5 and isinstance(cleaned["q05"], float)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("7.25", 7.25), ("7,25", 7.25), (" 7 ", 7.0), (7, 7.0), (0.5, 0.5), ("+3", 3.0)],
)
def test_it_reads_a_decimal_as_typed_with_a_point_or_a_comma(typed, stored):
    assert answers_clean(QUESTIONS, {**ASKED_ALL, "q05": typed})["q05"] == stored


def test_it_reads_thousands_set_apart_by_spaces_as_kazakh_and_russian_print_them():
    document = skip_logic_document()
    document["questions"][4]["max"] = 5000
    questions = questionnaire_parse(document).questions
    assert answers_clean(questions, {**ASKED_ALL, "q04": "1\u00a0200"})["q04"] == 1200


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please enter a number from 16 years to 99 years."),
        ("ru", "Введите число от 16 лет до 99 лет."),
        ("kk", "16 жас – 99 жас аралығындағы сан енгізіңіз."),
    ],
)
def test_it_refuses_a_number_out_of_bounds_naming_them_with_the_unit(language, message):
    assert errors_of({**ASKED_ALL, "q04": 12}, language) == {"q04": message}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please enter a number from 0 hours to 80 hours."),
        ("ru", "Введите число от 0 часов до 80 часов."),
        ("kk", "0 сағат – 80 сағат аралығындағы сан енгізіңіз."),
    ],
)
def test_it_refuses_a_decimal_above_its_maximum(language, message):
    assert errors_of({**ASKED_ALL, "q05": "80,5"}, language) == {"q05": message}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please enter a whole number, without a fraction."),
        ("ru", "Введите целое число, без дробной части."),
        ("kk", "Бөлшегі жоқ бүтін сан енгізіңіз."),
    ],
)
def test_it_refuses_a_fraction_for_a_whole_number_question(language, message):
    assert errors_of({**ASKED_ALL, "q04": "40,5"}, language) == {"q04": message}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please enter a number, such as 12 or 12.5."),
        ("ru", "Введите число, например 12 или 12,5."),
        ("kk", "Сан енгізіңіз, мысалы 12 немесе 12,5."),
    ],
)
@pytest.mark.parametrize("typed", ["forty", "4O", "1e3", "12.5.1", "--3", [40], True, "NaN"])
def test_it_refuses_what_is_not_a_number(typed, language, message):
    assert errors_of({**ASKED_ALL, "q04": typed}, language) == {"q04": message}


def test_it_refuses_a_comma_that_may_separate_thousands():
    errors = errors_of({**ASKED_ALL, "q04": "1,000"})
    assert errors == {"q04": "Please write the number without a thousands separator, e.g. 1000."}


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Please enter a number."), ("ru", "Введите число."), ("kk", "Сан енгізіңіз.")],
)
def test_it_requires_a_required_number(language, message):
    assert errors_of({**ASKED_ALL, "q04": " "}, language) == {"q04": message}


def test_it_stores_a_text_answer_cleaned_as_the_other_texts_are():
    cleaned = answers_clean(QUESTIONS, {**ASKED_ALL, "q06": "  More\r\ntime\u200b  "})
    assert cleaned["q06"] == "More\ntime"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please shorten your answer to at most 300 characters."),
        ("ru", "Сократите ответ до 300 символов."),
        ("kk", "Жауабыңызды 300 таңбаға дейін қысқартыңыз."),
    ],
)
def test_it_refuses_a_text_longer_than_its_limit(language, message):
    assert errors_of({**ASKED_ALL, "q06": "ә" * 301}, language) == {"q06": message}


def test_it_refuses_control_characters_and_non_text_in_a_text_answer():
    assert "control characters" in errors_of({**ASKED_ALL, "q06": "a\x07b"})["q06"]
    assert errors_of({**ASKED_ALL, "q06": 5}) == {"q06": "The answer must be text."}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please write an answer."),
        ("ru", "Напишите ответ."),
        ("kk", "Жауабыңызды жазыңыз."),
    ],
)
def test_it_requires_a_required_text(language, message):
    document = skip_logic_document()
    document["questions"][6]["required"] = True
    questions = questionnaire_parse(document).questions
    with translation.override(language), pytest.raises(AnswersInvalid) as caught:
        answers_clean(questions, {**ASKED_ALL, "q06": "  "})
    assert caught.value.errors == {"q06": message}


def test_it_refuses_an_answer_to_a_note():
    errors = errors_of({**ASKED_ALL, "about": "hello"})
    assert errors == {"about": "This is a note, which takes no answer."}


def test_it_drops_the_answers_to_questions_not_asked_without_judging_them():
    sent = {"q01": "no", "q02": "daily", "q03": ["tv"], "q03_other": "x", "q04": 30, "q06": 5}
    assert answers_clean(QUESTIONS, sent) == {"q01": "no", "q04": 30}


def test_it_does_not_require_a_required_question_that_was_not_asked():
    assert answers_clean(QUESTIONS, {"q01": "no", "q04": 30}) == {"q01": "no", "q04": 30}


def test_it_requires_a_required_question_that_was_asked():
    assert "q02" in errors_of({"q01": "partly", "q04": 30})


def test_it_lets_a_skipped_question_skip_the_questions_that_depend_on_it():
    # q01 = no skips q02; q03 depends on q02 >= sometimes, which no answer does not meet;
    # q05 counts q03's options; q06 asks only if q01 is yes or partly.
    assert questions_skipped(QUESTIONS, {"q01": "no", "q02": "daily"}) == [
        "q02",
        "q03",
        "q05",
        "q06",
    ]
    assert questions_skipped(QUESTIONS, ASKED_ALL) == []
    assert questions_skipped(QUESTIONS, {**ASKED_ALL, "q03": ["phone"]}) == ["q05"]


def test_it_stores_what_was_skipped_with_the_response(study):
    submission = response_add(study, {"q01": "no", "q02": "daily", "q04": 30})
    stored = Response.objects.get(pk=submission.response.pk)
    assert stored.answers == {"q01": "no", "q04": 30}
    assert stored.skipped == ["q02", "q03", "q05", "q06"]


def test_it_stores_an_empty_skip_list_when_everything_was_asked(study):
    answers = {**ASKED_ALL, "q05": "12,5", "q06": "More time"}
    stored = Response.objects.get(pk=response_add(study, answers).response.pk)
    assert stored.skipped == []
    assert stored.answers == {**ASKED_ALL, "q05": 12.5, "q06": "More time"}


def test_it_refuses_bad_answers_storing_nothing(study):
    with pytest.raises(AnswersInvalid):
        response_add(study, {**ASKED_ALL, "q04": 200})
    assert not Response.objects.exists()


def test_it_fills_skipped_in_demo_data_following_the_conditions(study):
    from surveys.services import demo_responses_create

    demo_responses_create(survey=study, n=200, seed=3)
    questions = survey_questionnaire(study).questions
    for response in Response.objects.filter(survey=study):
        assert response.skipped == questions_skipped(questions, response.answers)
        assert not set(response.skipped) & set(response.answers)
        assert answers_clean(questions, response.answers) == response.answers
    skips = [r.skipped for r in Response.objects.filter(survey=study)]
    assert [] in skips and any("q02" in skipped for skipped in skips)


def test_it_judges_skip_logic_when_importing_a_csv(study, tmp_path):
    columns = ["q01", "q02", "q03.phone", "q03.laptop", "q03.other", "q03.other_text", "q04"]
    import_csv(
        tmp_path,
        study.slug,
        columns + ["q05", "q06"],
        [
            ["no", "daily", "1", "0", "0", "", "30", "", "not asked"],
            ["yes", "daily", "1", "1", "0", "", "41", "7.5", "More time"],
        ],
    )
    first, second = Response.objects.order_by("pk")
    assert first.answers == {"q01": "no", "q04": 30}
    assert first.skipped == ["q02", "q03", "q05", "q06"]
    assert second.skipped == []
    assert second.answers["q05"] == 7.5


def test_it_gives_each_questionnaire_its_own_conditions_when_they_alternate():
    """Conditions are kept for the questions seen last; other questions, or a list of the
    same ones, are not given them by mistake."""
    other = questionnaire_parse(every_kind_document()).questions
    for questions in (QUESTIONS, other, QUESTIONS, list(other), QUESTIONS):
        given = question_conditions(questions)
        assert [question for question, _condition in given] == list(questions)
        assert [condition is None for _question, condition in given] == [
            not question.relevant for question in questions
        ]
