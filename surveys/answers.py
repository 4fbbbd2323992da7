"""Check one respondent's answers against the questionnaire.

The answers document is ``{"q01": "teacher", "q03": ["cyber", "other"], "q03_other": "…"}``:
a choice code per single-choice question, a list of codes per multi-choice question (an
empty list is "answered, nothing ticked"), and the free text of a ticked "other" choice
under ``<code>_other``. Messages are lazy translations so they reach the respondent in
their language.
"""

import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from surveys.conditions import Condition, condition_holds, condition_parse
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


def answers_clean(
    questions: Iterable[QuestionSpec], answers: object, not_asked: Collection[str] = ()
) -> dict:
    """Return the answers in canonical form, or raise AnswersInvalid naming each problem.

    Questions are judged in order: one whose condition does not hold over the answers
    cleaned so far is skipped, and whatever was sent for it is dropped, not judged (the
    respondent was not asked it); ``required`` applies only to the questions asked.
    ``not_asked``: questions known not to have been asked (an imported file says so), as if
    their condition did not hold.
    """
    questions = tuple(questions)
    if not isinstance(answers, dict):
        raise AnswersInvalid({ALL: str(_("The answers must be an object of question codes."))})
    errors = _unknown_keys(questions, answers)
    cleaned: dict = {}
    for question, condition in question_conditions(questions):
        if question.code in not_asked:
            continue
        if condition is not None and not condition_holds(condition, cleaned):
            continue
        try:
            cleaned.update(_question_clean(question, answers))
        except ValueError as error:
            errors[question.code] = str(error)
    if errors:
        raise AnswersInvalid(errors)
    return cleaned


def questions_skipped(
    questions: Iterable[QuestionSpec], answers: dict, not_asked: Collection[str] = ()
) -> list[str]:
    """The codes of the questions the respondent was not asked: their condition was false
    over the answers to the questions before them, in order, or they are ``not_asked``
    (answers_clean). A skipped question counts as unanswered for the conditions after it
    (its answer, if any, is not looked at)."""
    return conditions_skipped(question_conditions(questions), answers, not_asked)


def conditions_skipped(
    conditions: list[tuple[QuestionSpec, Condition | None]],
    answers: dict,
    not_asked: Collection[str] = (),
) -> list[str]:
    """questions_skipped with the conditions parsed once, for many answer documents."""
    asked: dict = {}
    skipped = []
    for question, condition in conditions:
        if question.code in not_asked or (
            condition is not None and not condition_holds(condition, asked)
        ):
            skipped.append(question.code)
        elif question.code in answers:
            asked[question.code] = answers[question.code]
    return skipped


def question_conditions(
    questions: Iterable[QuestionSpec],
) -> list[tuple[QuestionSpec, Condition | None]]:
    """Each question with its parsed condition (None: always asked). The questionnaire was
    checked when it was stored, so every condition parses. Parsed once per questionnaire
    and process: a condition costs about 60 µs to parse, a submission or a page would pay
    that for every condition."""
    global _latest
    latest = _latest
    if latest is not None and latest[0] is questions:
        # The same questions as last time (a cached spec's, twice per submission): their
        # key need not be built again. Kept referenced, so the identity is theirs.
        return list(zip(latest[0], latest[1], strict=True))
    given = questions
    questions = tuple(questions)
    # Everything the parser reads of the questions, so equal keys parse alike.
    key = tuple((q.code, q.kind, q.relevant, tuple(q.choice_codes)) for q in questions)
    conditions = PARSED_CONDITIONS.get(key)
    if conditions is None:
        if len(PARSED_CONDITIONS) >= PARSED_CONDITIONS_KEPT:
            PARSED_CONDITIONS.clear()
        conditions = PARSED_CONDITIONS[key] = _conditions_parse(questions)
    if given is questions:  # a tuple, which cannot change
        _latest = (questions, conditions)
    return list(zip(questions, conditions, strict=True))


_latest: tuple[tuple[QuestionSpec, ...], tuple[Condition | None, ...]] | None = None


PARSED_CONDITIONS: dict[tuple, tuple[Condition | None, ...]] = {}
PARSED_CONDITIONS_KEPT = 256  # questionnaires (or revisions of one) kept per process


def _conditions_parse(questions: tuple[QuestionSpec, ...]) -> tuple[Condition | None, ...]:
    earlier: dict[str, QuestionSpec] = {}
    conditions: list[Condition | None] = []
    for question in questions:
        relevant = question.relevant
        conditions.append(condition_parse(relevant, earlier) if relevant else None)
        earlier[question.code] = question
    return tuple(conditions)


def _unknown_keys(questions: tuple[QuestionSpec, ...], answers: dict) -> dict[str, str]:
    errors = {}
    notes = {q.code for q in questions if q.is_note}
    known = {q.code for q in questions} | {q.other_key for q in questions if q.is_choice}
    for key in answers:
        if key in notes:
            errors[str(key)] = str(_("This is a note, which takes no answer."))
        elif key not in known:
            errors[str(key)] = str(_("There is no question with this code."))
    return errors


def _question_clean(question: QuestionSpec, answers: dict) -> dict:
    if question.is_note:
        return {}
    value = answers.get(question.code)
    if question.is_number:
        number = number_clean(question, value)
        return {} if number is None else {question.code: number}
    if question.is_text:
        text = _text_clean(question, value)
        return {question.code: text} if text else {}
    return _choice_clean(question, value, answers)


def _choice_clean(question: QuestionSpec, value: object, answers: dict) -> dict:
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


def _other_text_clean(question: QuestionSpec, selected: list[str], text: object) -> dict:
    other = question.other_choice
    if other is None or other.code not in selected:
        if text not in (None, ""):
            raise ValueError(_("Tick “other” to give your own answer, or clear the text."))
        return {}
    cleaned = free_text_clean(text, OTHER_TEXT_MAX_LENGTH)
    if not cleaned:
        raise ValueError(_("You ticked “other”: please say what you mean."))
    return {question.other_key: cleaned}


# A number as typed: a point or a comma before the fraction (kk and ru write a comma);
# groups of three digits may be set apart by a space, as kk and ru print thousands.
NUMBER_TYPED = re.compile(r"[+-]?(\d{1,15}|\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,4})(?:[.,]\d{1,10})?")
THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3},\d{3}")  # 1,000 in English, 1.000 in Russian


def number_clean(question: QuestionSpec, value: object) -> int | float | None:
    """A number answer as stored: an int for a whole-number question, else a float; None
    when none was given. A JSON number or a string as typed (12.5, 12,5, 1 000)."""
    number = _number_read(value)
    if number is None:
        if question.required:
            raise ValueError(_("Please enter a number."))
        return None
    if question.integer and number != number.to_integral_value():
        raise ValueError(_("Please enter a whole number, without a fraction."))
    too_low = question.minimum is not None and number < Decimal(str(question.minimum))
    too_high = question.maximum is not None and number > Decimal(str(question.maximum))
    if too_low or too_high:
        raise ValueError(_("Please enter a number %(range)s.") % {"range": number_range(question)})
    return int(number) if question.integer else float(number)


def _number_read(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return Decimal(str(value))
    typed = value.strip() if isinstance(value, str) else ""
    if THOUSANDS_COMMA.fullmatch(typed):
        raise ValueError(_("Please write the number without a thousands separator, e.g. 1000."))
    if not NUMBER_TYPED.fullmatch(typed):
        raise ValueError(_("Please enter a number, such as 12 or 12.5."))
    digits = "".join(c for c in typed if c not in " \u00a0\u202f").replace(",", ".")
    return Decimal(digits)


def number_range(question: QuestionSpec) -> str:
    """The bounds of a number question in words, in the active language, with its unit:
    "from 16 to 99 years", "at least 0 hours"; "" when it has none."""
    low, high = question.minimum, question.maximum
    if low is not None and high is not None:
        words = _("from %(minimum)s to %(maximum)s")
    elif low is not None:
        words = _("at least %(minimum)s")
    elif high is not None:
        words = _("at most %(maximum)s")
    else:
        return ""
    return str(words) % {
        "minimum": number_shown(low, question),
        "maximum": number_shown(high, question),
    }


def number_shown(number: float | None, question: QuestionSpec) -> str:
    """A number as the respondent writes it (a decimal comma in kk and ru), with the unit."""
    if number is None:
        return ""
    language = translation.get_language() or ""
    text = format(Decimal(str(number)).normalize(), "f")
    text = text if language == "en" else text.replace(".", ",")
    unit = question.unit.get(language) or next(iter(question.unit.values()), "")
    return f"{text} {unit}".strip()


def _text_clean(question: QuestionSpec, value: object) -> str:
    """The answer to a text question ("" when none was given)."""
    text = free_text_clean(value, question.max_length or TEXT_MAX_LENGTH)
    if not text and question.required:
        raise ValueError(_("Please write an answer."))
    return text


def free_text_clean(text: object, limit: int) -> str:
    """Free text as stored (FREE_TEXT_NOTE): format characters removed, line ends made
    "\n", outer spaces stripped; refused when too long or holding control characters."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValueError(_("The answer must be text."))
    # Text whose every character is printable (str.isprintable: none in the categories C*
    # or Z* but the space) has nothing to remove or refuse: most answers, checked at C speed.
    printable = text.isprintable()
    if not printable:
        text = _format_characters_removed(text)
    text = text.replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValueError(
            _("Please shorten your answer to at most %(limit)d characters.") % {"limit": limit}
        )
    if not printable and any(_is_control(character) for character in text):
        raise ValueError(_("Your answer contains invisible control characters; please retype it."))
    return text


def _format_characters_removed(text: str) -> str:
    """Removed rather than refused: they are invisible, so a respondent who pasted them could
    not find what to retype (FREE_TEXT_NOTE)."""
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


def _is_control(character: str) -> bool:
    # Cs: a lone surrogate (JSON allows "\ud800"), which PostgreSQL's jsonb refuses to store.
    return character not in "\n\t" and unicodedata.category(character) in ("Cc", "Cs")
