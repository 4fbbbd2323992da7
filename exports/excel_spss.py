"""Excel (.xlsx) and SPSS (.sav) files of the responses, each with the codebook's meaning.

Both are written to a temporary file and handed out in chunks: the workbook in openpyxl's
write-only mode (rows go straight to disk), the SPSS file through pyreadstat.
"""

import math
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
from django.db.models import QuerySet
from openpyxl import Workbook

from exports.codebook import codebook_rows
from exports.weights import WeightColumn
from surveys import csv_format
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec

CHUNK_BYTES = 1 << 20
SYNTHETIC_NOTICE = (
    "This file includes {kinds} responses besides real ones: see its provenance column."
)
PROVENANCE_MEANING = (
    "provenance: real = a respondent; test = a staff member trying the form in test mode; "
    "demo = synthetic data, not from a person."
)
ROWS_PER_FETCH = 5_000
# The user-missing value of a coded variable (choices 1..k, flags 0/1) not asked.
NOT_ASKED_CODE = -2.0
META_LABELS = {
    "response_id": "response id",
    "submitted_at": "submitted at (UTC)",
    "language": "language of the questionnaire",
    "provenance": "provenance: real (respondent), test (staff test mode), demo (synthetic)",
    "is_suspect": "flagged by the bot checks (honeypot or too fast)",
}


def responses_xlsx(
    responses: QuerySet,
    spec: QuestionnaireSpec,
    labels: str | None = None,
    weight: WeightColumn | None = None,
    synthetic: tuple[str, ...] = (),
) -> Iterator[bytes]:
    """A workbook with a "responses" sheet (the CSV's columns, and the weight with a scheme;
    numbers as numbers, text that a spreadsheet would run as a formula neutralised as in
    the CSV) and a "codebook" sheet; when the rows include test or demo responses
    (``synthetic``), a "notice" sheet first says so."""
    workbook = Workbook(write_only=True)
    if synthetic:
        notice = workbook.create_sheet("notice")
        notice.append([SYNTHETIC_NOTICE.format(kinds=" and ".join(synthetic))])
        notice.append([PROVENANCE_MEANING])
    sheet = workbook.create_sheet("responses")
    sheet.append(csv_format.header(spec) + ([csv_format.WEIGHT_COLUMN] if weight else []))
    numbers = _number_columns(spec)
    for record in _rows(responses):
        row = csv_format.row_format(spec, record, labels)
        row += [weight.value(record[csv_format.ANSWERS])] if weight else []
        sheet.append([_xlsx_cell(cell, index in numbers) for index, cell in enumerate(row)])
    codebook = workbook.create_sheet("codebook")
    for entry in codebook_rows(spec, weight):
        codebook.append([csv_format.neutralise(c) if isinstance(c, str) else c for c in entry])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.xlsx"
        workbook.save(path)
        yield from _chunks(path)


def _number_columns(spec: QuestionnaireSpec) -> set[int]:
    """The positions of the number questions' columns in a row."""
    names = csv_format.header(spec)
    return {names.index(q.code) for q in spec.answered_questions if q.is_number}


def _xlsx_cell(cell: object, is_number: bool) -> object:
    """Empty cells empty; the CSV's number text back to a number the workbook computes with."""
    if cell == "":
        return None
    if is_number and isinstance(cell, str) and cell != csv_format.NOT_ASKED:
        return float(cell) if not csv_format.WHOLE_NUMBER.match(cell) else int(cell)
    return cell


def responses_sav(
    responses: QuerySet, spec: QuestionnaireSpec, language: str, weight: WeightColumn | None = None
) -> Iterator[bytes]:
    """An SPSS file: single-choice and ordinal questions coded 1..k with value labels, one 0/1
    variable per option of a multi-choice question, numbers as numbers, free texts (and the
    "other" texts) as strings; variable labels are the question texts in ``language``;
    measurement levels nominal, ordinal (ordinal questions) and scale (numbers); with a scheme
    the ``weight`` variable last (for WEIGHT BY). Not answered is system-missing (an empty
    string for texts); not asked (skip logic) is a user-missing value labelled "not asked"
    (NOT_ASKED_CODE, or not_asked_number's for a number question), empty for texts."""
    rows = list(_rows(responses))
    frame = SpssFrame(rows, language)
    for question in spec.answered_questions:
        frame.add(question)
    if weight is not None:
        frame.columns[csv_format.WEIGHT_COLUMN] = [
            weight.value(row[csv_format.ANSWERS]) for row in rows
        ]
        frame.labels[csv_format.WEIGHT_COLUMN] = "raking weight"
        frame.measures[csv_format.WEIGHT_COLUMN] = "scale"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.sav"
        pyreadstat.write_sav(
            pd.DataFrame(frame.columns),
            str(path),
            column_labels=frame.labels,
            variable_value_labels=frame.value_labels,
            variable_measure=frame.measures,
            missing_ranges=frame.missing,
        )
        yield from _chunks(path)


class SpssFrame:
    """The SPSS variables being made: values, labels, value labels, measurement levels and
    user-missing values, column by column."""

    def __init__(self, rows: list[tuple], language: str) -> None:
        self.language = language
        self.answers = [row[csv_format.ANSWERS] for row in rows]
        self.skipped = [set(row[csv_format.SKIPPED]) for row in rows]
        self.columns: dict[str, object] = {
            "response_id": np.array([row[0] for row in rows], dtype=float),
            "submitted_at": pd.to_datetime([row[1] for row in rows], utc=True)
            .floor("s")
            .tz_localize(None),
            "language": [row[2] for row in rows],
            "provenance": [row[3] for row in rows],
            "is_suspect": np.array([float(row[4]) for row in rows], dtype=float),
        }
        self.labels: dict[str, str | None] = dict(META_LABELS)
        self.value_labels: dict[str, dict[float, str]] = {"is_suspect": {0.0: "no", 1.0: "yes"}}
        self.measures: dict[str, str] = {"is_suspect": "nominal"}
        self.missing: dict[str, list] = {}

    def add(self, question: QuestionSpec) -> None:
        text = question.text[self.language]
        if question.is_multi:
            for column, choice in zip(question.answer_columns, question.choices, strict=True):
                flags = _flags(self.answers, question.code, choice.code)
                label = f"{text}: {choice.label[self.language]}"
                self._coded(question, column.name, flags, label, {0.0: "not ticked", 1.0: "ticked"})
        elif question.is_choice:
            labels = {float(k): c.label[self.language] for k, c in enumerate(question.choices, 1)}
            self._coded(question, question.code, _codes(self.answers, question), text, labels)
        elif question.is_number:
            self._number(question, text)
        else:
            self._text(question, question.code, question.code, text)
        if question.other_column:
            self._text(question, question.other_column, question.other_key, f"{text}: other (text)")

    def _coded(self, question, name, values, label, value_labels, code=None) -> None:
        code = NOT_ASKED_CODE if code is None else code
        values[self._not_asked(question)] = code
        self.columns[name] = values
        self.labels[name] = label
        self.value_labels[name] = {**value_labels, code: csv_format.NOT_ASKED}
        self.measures[name] = "ordinal" if question.is_ordinal else "nominal"
        self.missing[name] = [code]

    def _number(self, question: QuestionSpec, text: str) -> None:
        values = np.array(
            [_number_value(answers.get(question.code)) for answers in self.answers], dtype=float
        )
        unit = question.unit.get(self.language)
        label = f"{text} ({unit})" if unit else text
        self._coded(question, question.code, values, label, {}, not_asked_number(question, values))
        self.measures[question.code] = "scale"

    def _text(self, question: QuestionSpec, name: str, key: str, label: str) -> None:
        asked = ~self._not_asked(question)
        self.columns[name] = [
            str(answers.get(key, "")) if was_asked else ""
            for answers, was_asked in zip(self.answers, asked, strict=True)
        ]
        self.labels[name] = label
        self.measures[name] = "nominal"

    def _not_asked(self, question: QuestionSpec) -> np.ndarray:
        return np.array([question.code in skipped for skipped in self.skipped], dtype=bool)


def not_asked_number(question: QuestionSpec, values: np.ndarray) -> float:
    """The user-missing value of a number question not asked: NOT_ASKED_CODE unless the
    question allows that number; then one below its minimum, or with no minimum one below the
    smallest answer in the file (whole numbers, so SPSS shows it plainly)."""
    minimum, maximum = question.minimum, question.maximum
    if (minimum is not None and minimum > NOT_ASKED_CODE) or (
        maximum is not None and maximum < NOT_ASKED_CODE
    ):
        return NOT_ASKED_CODE
    lowest = minimum if minimum is not None else np.nanmin(values, initial=NOT_ASKED_CODE)
    return float(math.floor(min(lowest, NOT_ASKED_CODE)) - 1)


def _number_value(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return np.nan


def _codes(answers: list[dict], question: QuestionSpec) -> np.ndarray:
    values = {c.code: float(k) for k, c in enumerate(question.choices, start=1)}
    return np.array([values.get(str(a.get(question.code)), np.nan) for a in answers], dtype=float)


def _flags(answers: list[dict], code: str, option: str) -> np.ndarray:
    return np.array(
        [float(option in a[code]) if isinstance(a.get(code), list) else np.nan for a in answers],
        dtype=float,
    )


def _rows(responses: QuerySet) -> Iterator[tuple]:
    rows = responses.order_by("pk").values_list(*csv_format.RECORD_FIELDS)
    return rows.iterator(chunk_size=ROWS_PER_FETCH)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
