"""The pure parts of the editor: where a questionnaire error belongs, and the edits of a
questionnaire document."""

from editor.documents import question_duplicated, question_moved, question_removed
from editor.places import Place, error_place

CODES = ["q01", "q02", "q03"]


def test_it_places_a_choice_label_error_on_that_label():
    error = "questions[2] (q03).choices[1].label: missing the 'en' translation."
    assert error_place(error, CODES) == Place("missing the 'en' translation.", 2, 1, "label_en")


def test_it_places_a_question_text_and_a_condition():
    text = error_place("questions[0] (q01).text: missing the 'kk' translation.", CODES)
    assert (text.question, text.field) == (0, "text_kk")
    condition = error_place("questions[1] (q02).relevant: unknown name q09 at 3", CODES)
    assert condition == Place("unknown name q09 at 3", 1, None, "relevant")


def test_it_places_an_invalid_code_before_the_code_is_known():
    place = error_place("questions[1].code: 'Q 2' is not a valid code (…).", CODES)
    assert (place.question, place.field) == (1, "code")


def test_it_places_a_duplicate_code_on_the_later_question():
    place = error_place("questions: duplicate question code 'q02'.", ["q01", "q02", "q02"])
    assert (place.question, place.field) == (2, "code")


def test_it_places_the_list_of_choices_and_the_survey_title():
    choices = error_place("questions[0] (q01).choices: needs at least two choices.", CODES)
    assert (choices.question, choices.choice, choices.field) == (0, None, None)
    title = error_place("title: missing the 'ru' translation.", CODES)
    assert (title.question, title.field) == (None, "title_ru")


def test_it_keeps_an_error_it_cannot_place_whole():
    assert error_place("questions: must be a non-empty list.", CODES) == Place(
        "questions: must be a non-empty list."
    )


def document(*codes: str) -> dict:
    return {"slug": "s", "questions": [{"code": code} for code in codes]}


def test_it_moves_a_question_within_bounds():
    assert (
        question_moved(document("a", "b", "c"), 2, -1)["questions"]
        == document("a", "c", "b")["questions"]
    )
    assert question_moved(document("a", "b"), 0, -1) == document("a", "b")


def test_it_duplicates_under_the_first_free_code_of_at_most_40_characters():
    long = "q" * 40
    copied = question_duplicated(document(long, "q01", "q01_copy"), 1)
    assert [q["code"] for q in copied["questions"]] == [long, "q01", "q01_copy2", "q01_copy"]
    assert len(question_duplicated(document(long), 0)["questions"][1]["code"]) <= 40


def test_it_removes_a_question():
    assert question_removed(document("a", "b"), 0) == document("b")
