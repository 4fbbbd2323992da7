"""The responses CSV (docs/architecture.md#contracts): one format for export and import.

Header ``response_id,submitted_at,language,provenance,is_suspect`` (provenance: real, test or
demo; is_suspect: 1 when the bot checks flagged the response) then a column per single-choice
or ordinal question (the choice code), a 0/1 column per option of a multi-choice question
(``q03.cyber``), a text column per "other" option (``q03.other_text``), a column per number
question (the number; whole numbers without a decimal point) and per text question (the
text); a note has none. An empty cell is "not answered"; ``not asked`` in every column of a
question says that skip logic did not ask it (its code is in the response's ``skipped``).
Text that a spreadsheet would run as a formula, or that reads ``not asked``, gets a leading
``'`` on export, and one leading ``'`` is taken off on import, so export → import gives back
the exact text.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from surveys.models import Provenance
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec

META_COLUMNS = ("response_id", "submitted_at", "language", "provenance", "is_suspect")
# The Response fields a record is made of, in this order (values_list(*RECORD_FIELDS)).
RECORD_FIELDS = (
    "pk",
    "submitted_at",
    "language",
    "provenance",
    "is_suspect",
    "answers",
    "skipped",
)
ANSWERS = RECORD_FIELDS.index("answers")
SKIPPED = RECORD_FIELDS.index("skipped")
PROVENANCES = tuple(Provenance.values)
# Written by exports after the answers when the survey has a weighting scheme (exports/
# weights.py); computed, not an answer, so import ignores it as it ignores response_id.
WEIGHT_COLUMN = "weight"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
# Every cell of a question that skip logic did not ask; no code, flag or number reads so,
# and a text that does is written with a leading ' (neutralise).
NOT_ASKED = "not asked"
WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+$")


class RowInvalid(Exception):
    """A cell that cannot be read; the message names the column."""


@dataclass(frozen=True)
class ParsedRow:
    submitted_at: datetime | None
    language: str
    answers: dict
    provenance: str = "real"
    is_suspect: bool = False
    skipped: list[str] = field(default_factory=list)


def header(spec: QuestionnaireSpec) -> list[str]:
    return [*META_COLUMNS, *(name for q in spec.questions for name in q.export_columns)]


def neutralise(text: str) -> str:
    """Keep spreadsheets from running the cell as a formula, and a text from reading as the
    not-asked marker."""
    return "'" + text if text.startswith(FORMULA_STARTS) or text == NOT_ASKED else text


def restore(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def moment_format(submitted_at: datetime) -> str:
    """A response's time in UTC to the second: finer times, joined with a web server's log,
    could tell which request stored which response (README, "Privacy")."""
    return submitted_at.astimezone(UTC).replace(microsecond=0).isoformat()


def row_format(spec: QuestionnaireSpec, record: tuple, labels: str | None = None) -> list:
    """One CSV record of a response's RECORD_FIELDS; single choices as codes, or as labels
    in the ``labels`` language; numbers as number_format writes them; NOT_ASKED in every
    column of a question in ``skipped``."""
    response_id, submitted_at, language, provenance, is_suspect, answers, skipped = record
    row: list = [response_id, moment_format(submitted_at), language, provenance, int(is_suspect)]
    for question in spec.answered_questions:
        if question.code in skipped:
            row += [NOT_ASKED] * len(question.export_columns)
            continue
        row += _answer_cells(question, answers.get(question.code), labels)
        if question.other_column:
            row.append(neutralise(answers.get(question.other_key, "")))
    return row


def _answer_cells(question: QuestionSpec, value, labels: str | None) -> list:
    if question.is_multi:
        return ["" if value is None else int(code in value) for code in question.choice_codes]
    if value is None:
        return [""]
    if question.is_number and isinstance(value, int | float) and not isinstance(value, bool):
        return [number_format(value)]
    shown = {c.code: c.label[labels] for c in question.choices} if labels else {}
    return [neutralise(str(shown.get(value, value)))]


def number_format(value: int | float) -> str:
    """As PostgreSQL writes a jsonb number: whole numbers as they are, decimals positional
    (1e-07 → 0.0000001), the digits of the shortest repr kept (3.0 stays 3.0)."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text.removeprefix("-") if value == 0 else text


def row_parse(spec: QuestionnaireSpec, cells: dict[str, str]) -> ParsedRow:
    """Read one CSV record (column → text) into an answers document and the questions not
    asked (not yet validated)."""
    answers: dict = {}
    skipped: list[str] = []
    for question in spec.answered_questions:
        if _not_asked(question, cells):
            skipped.append(question.code)
        else:
            answers.update(_question_parse(question, cells))
    return ParsedRow(
        submitted_at=_moment(cells.get("submitted_at", "")),
        language=cells.get("language", "").strip(),
        answers=answers,
        provenance=_provenance(cells.get("provenance", "")),
        is_suspect=_flag(cells.get("is_suspect", ""), "is_suspect"),
        skipped=skipped,
    )


def _not_asked(question: QuestionSpec, cells: dict[str, str]) -> bool:
    """Whether the marker fills the question's columns; in some of them only is an error."""
    marked = [name for name in question.export_columns if cells.get(name, "").strip() == NOT_ASKED]
    if marked and len(marked) < len(question.export_columns):
        missing = next(name for name in question.export_columns if name not in marked)
        raise RowInvalid(
            f"column {missing}: {question.code} is marked {NOT_ASKED!r} in {marked[0]}, "
            f"so every column of {question.code} must say {NOT_ASKED!r}"
        )
    return bool(marked)


def _provenance(text: str) -> str:
    """Empty (a file from before the column existed) is real."""
    text = text.strip() or "real"
    if text not in PROVENANCES:
        raise RowInvalid(f"column provenance: {text!r} is not one of {', '.join(PROVENANCES)}")
    return text


def _flag(text: str, column: str) -> bool:
    text = text.strip() or "0"
    if text not in ("0", "1"):
        raise RowInvalid(f"column {column}: {text!r} is not 0 or 1")
    return text == "1"


def _question_parse(question: QuestionSpec, cells: dict[str, str]) -> dict:
    parsed: dict = {}
    if question.is_multi:
        flags = {column: cells.get(column.name, "").strip() for column in question.answer_columns}
        if any(flags.values()):
            for column, flag in flags.items():
                if flag not in ("0", "1"):
                    raise RowInvalid(f"column {column.name}: {flag!r} is not 0 or 1")
            parsed[question.code] = [column.option for column, flag in flags.items() if flag == "1"]
    elif question.is_number and cells.get(question.code, "").strip():
        parsed[question.code] = _number(cells[question.code].strip(), question.code)
    elif question.is_text and cells.get(question.code, "").strip():
        parsed[question.code] = restore(cells[question.code])
    elif cells.get(question.code, "").strip():
        parsed[question.code] = cells[question.code].strip()
    text = restore(cells.get(question.other_column, "")) if question.other_column else ""
    if text:
        parsed[question.other_key] = text
    return parsed


def _number(text: str, column: str) -> int | float:
    """A whole number as an int (as the answers document holds one), else a float."""
    if WHOLE_NUMBER.match(text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RowInvalid(f"column {column}: {text!r} is not a number (e.g. 42 or 3.5)")
    return value


def _moment(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowInvalid(
            f"column submitted_at: {text!r} is not an ISO 8601 time "
            "(e.g. 2026-11-27T10:00:00+05:00)"
        ) from None
    if moment.tzinfo is None:
        raise RowInvalid(f"column submitted_at: {text!r} needs a UTC offset such as +05:00")
    return moment


def error_column(question_code: str, spec: QuestionnaireSpec) -> str:
    """The CSV column an answers error about this key points at."""
    for question in spec.questions:
        if question.other_column and question_code == question.other_key:
            return question.other_column
        if question_code == question.code and question.is_multi:
            return f"{question.code}.*"
    return question_code
