"""Check one respondent's answers against the questionnaire.

The answers document is ``{"q01": "teacher", "q03": ["cyber", "other"], "q03_other": "…"}``:
a choice code per single-choice question, a list of codes per multi-choice question (an
empty list is "answered, nothing ticked"), and the free text of a ticked "other" choice
under ``<code>_other``. Messages are lazy translations so they reach the respondent in
their language.
"""

import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from surveys.questionnaire import TEXT_MAX_LENGTH, QuestionSpec

OTHER_TEXT_MAX_LENGTH = 500
ALL = "__all__"
# What free text loses when stored, as the codebook tells its readers.
FREE_TEXT_NOTE = (
    "Invisible Unicode format characters (category Cf: bidirectional controls such as "
    "U+202E, zero-width spaces and joiners U+200B-U+200D, U+2060, U+FEFF, soft hyphens) are "
    "removed from free text when it is stored: they can reverse or hide what the admin and a "
    "spreadsheet show. No Kazakh, Russian or English letter, digit or punctuation is one of "
    "them. Control characters other than newline and tab are refused."
)


class AnswersInvalid(ApplicationError):
    """Answers that do not fit the questionnaire; ``errors`` maps question code to message."""

    errors: dict[str, str]

    def __init__(self, errors: dict[str, str]):
        message = "; ".join(f"{code}: {message}" for code, message in errors.items())
        super().__init__(message, errors=errors)


def answers_clean(questions: Iterable[QuestionSpec], answers: object) -> dict:
    """Return the answers in canonical form, or raise AnswersInvalid naming each problem."""
    questions = tuple(questions)
    if not isinstance(answers, dict):
        raise AnswersInvalid({ALL: str(_("The answers must be an object of question codes."))})
    errors: dict[str, str] = {}
    known = {q.code for q in questions} | {q.other_key for q in questions}
    for key in answers:
        if key not in known:
            errors[str(key)] = str(_("There is no question with this code."))
    cleaned: dict = {}
    for question in questions:
        try:
            cleaned.update(_question_clean(question, answers))
        except ValueError as error:
            errors[question.code] = str(error)
    if errors:
        raise AnswersInvalid(errors)
    return cleaned


def _question_clean(question: QuestionSpec, answers: dict) -> dict:
    value = answers.get(question.code)
    if question.is_number or question.is_text:
        return _typed_clean(question, value)
    selected = _selected(question, value)
    if not selected and question.required:
        if question.is_multi:
            raise ValueError(_("Please tick at least one option."))
        raise ValueError(_("Please choose an answer."))
    cleaned: dict = {}
    if value is not None:
        cleaned[question.code] = selected if question.is_multi else selected[0]
    cleaned.update(_other_text_clean(question, selected, answers.get(question.other_key)))
    return cleaned


def _selected(question: QuestionSpec, value: object) -> list[str]:
    if value is None:
        return []
    codes = question.choice_codes
    if not question.is_multi:
        if isinstance(value, list):
            raise ValueError(_("Please choose only one answer."))
        if value not in codes:
            raise ValueError(_("This is not one of the answers offered."))
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(_("The answer must be a list of option codes."))
    if any(v not in codes for v in value):
        raise ValueError(_("This is not one of the answers offered."))
    if len(set(value)) != len(value):
        raise ValueError(_("Each option can be ticked only once."))
    return sorted(value, key=codes.index)


def _typed_clean(question: QuestionSpec, value: object) -> dict:
    """A number or a free text. A stand-in for the checks of the respondent's form (issue 11,
    "form" part), which replace it on merging."""
    if value is None or value == "":
        if question.required:
            raise ValueError(_("Please answer this question."))
        return {}
    if question.is_text:
        if not isinstance(value, str) or not _format_characters_removed(value).strip():
            raise ValueError(_("Please write your answer as text."))
        text = _format_characters_removed(value).replace("\r\n", "\n").strip()
        limit = question.max_length or TEXT_MAX_LENGTH
        if len(text) > limit:
            raise ValueError(
                _("Please shorten your answer to at most %(limit)d characters.") % {"limit": limit}
            )
        if any(_is_control(character) for character in text):
            raise ValueError(
                _("Your answer contains invisible control characters; please retype it.")
            )
        return {question.code: text}
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError(_("Please give a number."))
    if question.integer and value != int(value):
        raise ValueError(_("Please give a whole number."))
    return {question.code: int(value) if question.integer else value}


def _other_text_clean(question: QuestionSpec, selected: list[str], text: object) -> dict:
    other = question.other_choice
    if other is None or other.code not in selected:
        if text not in (None, ""):
            raise ValueError(_("Tick “other” to give your own answer, or clear the text."))
        return {}
    if isinstance(text, str):
        text = _format_characters_removed(text)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(_("You ticked “other”: please say what you mean."))
    text = text.replace("\r\n", "\n").strip()
    if len(text) > OTHER_TEXT_MAX_LENGTH:
        raise ValueError(
            _("Please shorten your answer to at most %(limit)d characters.")
            % {"limit": OTHER_TEXT_MAX_LENGTH}
        )
    if any(_is_control(character) for character in text):
        raise ValueError(_("Your answer contains invisible control characters; please retype it."))
    return {question.other_key: text}


def _format_characters_removed(text: str) -> str:
    """Removed rather than refused: they are invisible, so a respondent who pasted them could
    not find what to retype (FREE_TEXT_NOTE)."""
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


def _is_control(character: str) -> bool:
    # Cs: a lone surrogate (JSON allows "\ud800"), which PostgreSQL's jsonb refuses to store.
    return character not in "\n\t" and unicodedata.category(character) in ("Cc", "Cs")
