"""Every kind of bad answer is refused with an error naming the question, nothing stored."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.answers import OTHER_TEXT_MAX_LENGTH, AnswersInvalid, answers_clean, free_text_clean
from surveys.models import Response
from surveys.selectors import survey_questionnaire
from tests.factories import response_add


def refusal(survey, answers) -> dict[str, str]:
    with pytest.raises(AnswersInvalid) as caught:
        response_add(survey, answers)
    assert Response.objects.count() == 0
    return caught.value.errors


def test_it_accepts_complete_answers(survey, answers):
    cleaned = answers_clean(survey_questionnaire(survey).questions, answers)
    assert cleaned == answers


def test_it_refuses_an_unknown_question(survey, answers):
    assert "q99" in refusal(survey, {**answers, "q99": "yes"})


def test_it_refuses_an_unknown_choice(survey, answers):
    assert "q04" in refusal(survey, {**answers, "q04": "maybe"})


def test_it_refuses_an_unknown_option_of_a_multi_choice_question(survey, answers):
    assert "q03" in refusal(survey, {**answers, "q03": ["sanctions", "aliens"]})


def test_it_refuses_two_choices_on_a_single_choice_question(survey, answers):
    errors = refusal(survey, {**answers, "q01": ["teacher", "researcher"]})
    assert "only one" in errors["q01"]


def test_it_refuses_a_missing_required_answer(survey, answers):
    del answers["q05"]
    assert "q05" in refusal(survey, answers)


def test_it_refuses_a_required_multi_choice_question_with_nothing_ticked(survey, answers):
    errors = refusal(survey, {**answers, "q03": [], "q03_other": ""})
    assert "at least one" in errors["q03"]


def test_it_refuses_other_ticked_without_text(survey, answers):
    del answers["q03_other"]
    assert "q03" in refusal(survey, answers)


def test_it_refuses_other_text_without_other_ticked(survey, answers):
    assert "q03" in refusal(survey, {**answers, "q03": ["cyber"]})


def test_it_refuses_too_long_other_text(survey, answers):
    errors = refusal(survey, {**answers, "q03_other": "ә" * 501})
    assert "500" in errors["q03"]


def test_it_accepts_other_text_of_exactly_500_characters(survey, answers):
    questions = survey_questionnaire(survey).questions
    cleaned = answers_clean(questions, {**answers, "q03_other": "ә" * 500})
    assert cleaned["q03_other"] == "ә" * 500


def test_it_refuses_control_characters_in_other_text(survey, answers):
    errors = refusal(survey, {**answers, "q03_other": "bell\x07"})
    assert "control" in errors["q03"]


def test_it_refuses_duplicate_options(survey, answers):
    assert "q03" in refusal(survey, {**answers, "q03": ["cyber", "cyber"]})


@pytest.mark.parametrize(
    "bad",
    [{"q01": 3}, {"q01": None}, {"q03": "cyber"}, {"q03": [1, 2]}, {"q03": {"cyber": True}}],
)
def test_it_refuses_wrong_types(survey, answers, bad):
    errors = refusal(survey, {**answers, **bad})
    assert set(errors) == set(bad)


def test_it_refuses_answers_that_are_not_an_object(survey):
    assert "__all__" in refusal(survey, ["q01", "teacher"])


def test_it_names_every_faulty_question_at_once(survey, answers):
    errors = refusal(survey, {**answers, "q01": "x", "q02": "y", "q10": "z"})
    assert {"q01", "q02", "q10"} <= set(errors)


def test_it_keeps_multi_choice_options_in_questionnaire_order(survey, answers):
    cleaned = answers_clean(
        survey_questionnaire(survey).questions, {**answers, "q03": ["other", "sanctions"]}
    )
    assert cleaned["q03"] == ["sanctions", "other"]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters() | st.sampled_from("\u200b\u202e\u00ad\x00\x7f\ud800\n\r\t \u00a0")
    )
)
def test_it_cleans_free_text_by_the_rule_the_codebook_states(text):
    """Format characters (Cf) removed, line ends made "\\n", outer space stripped, other
    control characters (Cc, and lone surrogates Cs) refused: whatever shortcut the
    cleaning takes, each text gets what the rule, applied character by character, says."""
    kept = "".join(c for c in text if unicodedata.category(c) != "Cf")
    kept = kept.replace("\r\n", "\n").strip()
    refused = any(c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cs") for c in kept)
    try:
        cleaned = free_text_clean(text, OTHER_TEXT_MAX_LENGTH)
    except ValueError:
        assert refused or len(kept) > OTHER_TEXT_MAX_LENGTH
    else:
        assert not refused
        assert cleaned == kept
