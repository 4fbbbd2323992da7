"""The questionnaire JSON format (docs/architecture.md#contracts): a decoded document into a
checked spec, and the spec's types. Files are read and written by surveys.questionnaire_files.

Everything here is pure: a malformed document raises QuestionnaireInvalid with a message
naming the place (e.g. ``questions[2] (q03).choices[1].label``) before anything is stored.
"""

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from core.errors import ApplicationError
from core.languages import language_codes
from surveys.conditions import ConditionInvalid, condition_parse

# "ordinal": a single choice whose choices are ordered, in their listed order.
# "number": an integer or decimal answer; "text": free text; "note": a text shown to the
# respondent that takes no answer (an XLSForm note, or the heading of a flattened group).
CHOICE_KINDS = ("single", "ordinal", "multi")
KINDS = (*CHOICE_KINDS, "number", "text", "note")
TEXT_MAX_LENGTH = 2000  # the longest free-text answer a question may allow
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class QuestionnaireInvalid(ApplicationError):
    """The file is not a valid questionnaire; the message names the place."""


@dataclass(frozen=True)
class ChoiceSpec:
    code: str
    label: dict[str, str]
    is_other: bool


@dataclass(frozen=True)
class AnswerColumn:
    """One column of the responses export that holds an answer: the single choice of a
    question (``q01``) or the 0/1 flag of one option of a multi-choice question
    (``q03.cyber``). The encoded matrix has the same columns in the same order."""

    question: str
    option: str | None  # the option of a multi-choice question, else None

    @property
    def name(self) -> str:
        return self.question if self.option is None else f"{self.question}.{self.option}"


@dataclass(frozen=True)
class QuestionSpec:
    """One question. Which of the optional parts apply depends on the kind: choices for the
    choice kinds; minimum, maximum, integer and unit for numbers; max_length for texts."""

    code: str
    kind: str
    required: bool
    text: dict[str, str]
    choices: tuple[ChoiceSpec, ...]
    # The XLSForm condition over earlier answers under which the question is asked
    # (surveys.conditions); empty: always asked.
    relevant: str = ""
    hint: dict[str, str] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: dict[str, str] = field(default_factory=dict)
    max_length: int | None = None

    @property
    def is_multi(self) -> bool:
        return self.kind == "multi"

    @property
    def is_choice(self) -> bool:
        """Single, ordinal or multi choice: the kinds the counts and chi-square tests take."""
        return self.kind in CHOICE_KINDS

    @property
    def is_number(self) -> bool:
        return self.kind == "number"

    @property
    def is_text(self) -> bool:
        return self.kind == "text"

    @property
    def is_note(self) -> bool:
        """Shown to the respondent, never answered or stored."""
        return self.kind == "note"

    @property
    def is_ordinal(self) -> bool:
        return self.kind == "ordinal"

    # Cached: every submission asks them of every choice question, several times. The
    # question is frozen, so they cannot go stale; they are kept beside the fields, which
    # alone make the question (equality, dataclasses.replace and asdict see only those).
    @cached_property
    def choice_codes(self) -> list[str]:
        return [choice.code for choice in self.choices]

    @cached_property
    def other_choice(self) -> ChoiceSpec | None:
        """The choice that asks for the respondent's own words, if there is one."""
        return next((choice for choice in self.choices if choice.is_other), None)

    @property
    def other_key(self) -> str:
        """Where the answers document keeps the "other" free text."""
        return f"{self.code}_other"

    @property
    def other_column(self) -> str | None:
        """The export column of the "other" free text, if the question has an other choice."""
        return f"{self.code}.other_text" if self.other_choice else None

    @property
    def answer_columns(self) -> tuple[AnswerColumn, ...]:
        """One column for a single-choice, number or text question, one per option of a
        multi-choice one, none for a note."""
        if self.is_note:
            return ()
        if self.is_multi:
            return tuple(AnswerColumn(self.code, choice.code) for choice in self.choices)
        return (AnswerColumn(self.code, None),)

    @property
    def export_columns(self) -> tuple[str, ...]:
        """The names of all its export columns: the answer columns, then the other text."""
        names = tuple(column.name for column in self.answer_columns)
        return names + ((self.other_column,) if self.other_column else ())

    def column_of(self, choice: ChoiceSpec) -> str:
        """The export column that records this choice."""
        return AnswerColumn(self.code, choice.code if self.is_multi else None).name


@dataclass(frozen=True)
class QuestionnaireSpec:
    slug: str
    languages: tuple[str, ...]
    default_language: str
    title: dict[str, str]
    intro: dict[str, str]
    questions: tuple[QuestionSpec, ...]

    @property
    def single_choice_questions(self) -> tuple[QuestionSpec, ...]:
        """Single and ordinal questions: one answer each (what filters and weights use)."""
        return tuple(q for q in self.questions if q.kind in ("single", "ordinal"))

    @property
    def choice_questions(self) -> tuple[QuestionSpec, ...]:
        """Single, ordinal and multi-choice questions: those the counts and matrix take."""
        return tuple(q for q in self.questions if q.is_choice)

    @property
    def answered_questions(self) -> tuple[QuestionSpec, ...]:
        """Every question but notes: those a response may hold an answer to."""
        return tuple(q for q in self.questions if not q.is_note)


def questionnaire_parse(document: object) -> QuestionnaireSpec:
    """Check a decoded questionnaire document and return its spec."""
    root = _mapping(document, "the file")
    slug = _code(root, "slug", "the file", pattern=re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$"))
    languages = _languages(root)
    default_language = root.get("default_language", languages[0])
    if default_language not in languages:
        raise QuestionnaireInvalid(
            f"default_language: {default_language!r} is not one of languages {list(languages)}."
        )
    raw_questions = root.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise QuestionnaireInvalid("questions: must be a non-empty list.")
    questions = tuple(
        _question(item, f"questions[{index}]", languages)
        for index, item in enumerate(raw_questions)
    )
    _unique([q.code for q in questions], "questions", "question code")
    _no_answer_key_clash(questions)
    _conditions_check(questions)
    return QuestionnaireSpec(
        slug=slug,
        languages=languages,
        default_language=default_language,
        title=_texts(root, "title", "title", languages),
        intro=_texts(root, "intro", "intro", languages, required=False),
        questions=questions,
    )


def _conditions_check(questions: tuple[QuestionSpec, ...]) -> None:
    """Each condition may only use the answers to the questions before its own."""
    for index, question in enumerate(questions):
        if not question.relevant:
            continue
        earlier = {q.code: q for q in questions[:index]}
        later = frozenset(q.code for q in questions[index:])
        try:
            condition_parse(question.relevant, earlier, later=later)
        except ConditionInvalid as error:
            raise QuestionnaireInvalid(
                f"questions[{index}] ({question.code}).relevant: {error.message}"
            ) from None


def _mapping(value: object, place: str) -> dict:
    if not isinstance(value, dict):
        raise QuestionnaireInvalid(f"{place}: must be a JSON object.")
    return value


def _code(item: dict, key: str, place: str, pattern: re.Pattern = CODE_PATTERN) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not pattern.match(value):
        raise QuestionnaireInvalid(
            f"{place}.{key}: {value!r} is not a valid code "
            "(lower-case letters, digits and underscores, starting with a letter)."
        )
    return value


def _languages(root: dict) -> tuple[str, ...]:
    languages = root.get("languages")
    known = language_codes()
    if (
        not isinstance(languages, list)
        or not languages
        or any(language not in known for language in languages)
    ):
        raise QuestionnaireInvalid(
            f"languages: {languages!r} must be a non-empty list drawn from {list(known)}."
        )
    _unique(languages, "languages", "language")
    return tuple(languages)


def _texts(
    item: dict, key: str, place: str, languages: tuple[str, ...], required: bool = True
) -> dict[str, str]:
    texts = item.get(key)
    if texts is None and not required:
        return {}
    if not isinstance(texts, dict):
        raise QuestionnaireInvalid(f"{place}: must be an object with a text per language.")
    for language in languages:
        text = texts.get(language)
        if not isinstance(text, str) or not text.strip():
            raise QuestionnaireInvalid(f"{place}: missing the {language!r} translation.")
    return {language: texts[language].strip() for language in languages}


def _question(item: object, place: str, languages: tuple[str, ...]) -> QuestionSpec:
    question = _mapping(item, place)
    code = _code(question, "code", place)
    place = f"{place} ({code})"
    kind = question.get("kind")
    if kind not in KINDS:
        raise QuestionnaireInvalid(f"{place}.kind: {kind!r} is not one of {list(KINDS)}.")
    required = question.get("required", kind != "note")
    if not isinstance(required, bool):
        raise QuestionnaireInvalid(f"{place}.required: must be true or false.")
    if kind == "note" and required:
        raise QuestionnaireInvalid(f"{place}.required: a note takes no answer; drop required.")
    relevant = question.get("relevant", "")
    if not isinstance(relevant, str):
        raise QuestionnaireInvalid(f"{place}.relevant: must be a condition in XLSForm syntax.")
    return QuestionSpec(
        code=code,
        kind=kind,
        required=required,
        text=_texts(question, "text", f"{place}.text", languages),
        choices=_choices(question, kind, place, languages),
        relevant=relevant.strip(),
        hint=_texts(question, "hint", f"{place}.hint", languages, required=False),
        **_number_rules(question, kind, place, languages),
        max_length=_max_length(question, kind, place),
    )


def _choices(
    question: dict, kind: str, place: str, languages: tuple[str, ...]
) -> tuple[ChoiceSpec, ...]:
    raw_choices = question.get("choices")
    if kind not in CHOICE_KINDS:
        if raw_choices not in (None, []):
            raise QuestionnaireInvalid(f"{place}.choices: a {kind} question has no choices.")
        return ()
    if not isinstance(raw_choices, list) or len(raw_choices) < (1 if kind == "multi" else 2):
        needed = "at least one choice" if kind == "multi" else "at least two choices"
        named = {"single": "a single-choice", "ordinal": "an ordinal", "multi": "a multi-choice"}
        raise QuestionnaireInvalid(f"{place}.choices: {named[kind]} question needs {needed}.")
    choices = tuple(
        _choice(entry, f"{place}.choices[{index}]", languages)
        for index, entry in enumerate(raw_choices)
    )
    _unique([c.code for c in choices], f"{place}.choices", "choice code")
    if sum(c.is_other for c in choices) > 1:
        raise QuestionnaireInvalid(f"{place}.choices: at most one choice may be 'other'.")
    if kind == "ordinal" and any(c.is_other for c in choices):
        raise QuestionnaireInvalid(
            f"{place}.choices: an ordinal question cannot have an 'other' choice, which has "
            "no place in the order; make the question 'single' or drop 'other'."
        )
    return choices


NUMBER_KEYS = ("min", "max", "integer", "unit")


def _number_rules(question: dict, kind: str, place: str, languages: tuple[str, ...]) -> dict:
    if kind != "number":
        present = [key for key in NUMBER_KEYS if key in question]
        if present:
            raise QuestionnaireInvalid(f"{place}.{present[0]}: only a number question has it.")
        return {}
    minimum = _bound(question, "min", place)
    maximum = _bound(question, "max", place)
    if minimum is not None and maximum is not None and minimum > maximum:
        raise QuestionnaireInvalid(f"{place}.min: {minimum} is above max {maximum}.")
    integer = question.get("integer", False)
    if not isinstance(integer, bool):
        raise QuestionnaireInvalid(f"{place}.integer: must be true or false.")
    return {
        "minimum": minimum,
        "maximum": maximum,
        "integer": integer,
        "unit": _texts(question, "unit", f"{place}.unit", languages, required=False),
    }


def _bound(question: dict, key: str, place: str) -> float | None:
    value = question.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise QuestionnaireInvalid(f"{place}.{key}: must be a number.")
    return value


def _max_length(question: dict, kind: str, place: str) -> int | None:
    value = question.get("max_length")
    if kind != "text":
        if value is not None:
            raise QuestionnaireInvalid(f"{place}.max_length: only a text question has it.")
        return None
    if value is None:
        return TEXT_MAX_LENGTH
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= TEXT_MAX_LENGTH:
        raise QuestionnaireInvalid(
            f"{place}.max_length: must be a whole number from 1 to {TEXT_MAX_LENGTH}."
        )
    return value


def _choice(item: object, place: str, languages: tuple[str, ...]) -> ChoiceSpec:
    choice = _mapping(item, place)
    is_other = choice.get("other", False)
    if not isinstance(is_other, bool):
        raise QuestionnaireInvalid(f"{place}.other: must be true or false.")
    return ChoiceSpec(
        code=_code(choice, "code", place),
        label=_texts(choice, "label", f"{place}.label", languages),
        is_other=is_other,
    )


def _unique(values: list[str], place: str, what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise QuestionnaireInvalid(f"{place}: duplicate {what} {value!r}.")
        seen.add(value)


def _no_answer_key_clash(questions: tuple[QuestionSpec, ...]) -> None:
    """An "other" text is stored under "<code>_other"; no question may be called that."""
    codes = {q.code for q in questions}
    for question in questions:
        if question.other_choice and question.other_key in codes:
            raise QuestionnaireInvalid(
                f"questions ({question.other_key}): this code is reserved for the free text "
                f"of {question.code}'s 'other' choice; rename the question."
            )
