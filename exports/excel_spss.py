"""Excel (.xlsx) and SPSS (.sav) files of the responses, each with the codebook's meaning.

Both are written to a temporary file and handed out in chunks: the workbook in openpyxl's
write-only mode (rows go straight to disk), the SPSS file through pyreadstat.
"""

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
ROWS_PER_FETCH = 5_000


def responses_xlsx(
    responses: QuerySet,
    spec: QuestionnaireSpec,
    labels: str | None = None,
    weight: WeightColumn | None = None,
) -> Iterator[bytes]:
    """A workbook with a "responses" sheet (the CSV's columns, and the weight with a scheme;
    numbers as numbers, text that a spreadsheet would run as a formula neutralised as in
    the CSV) and a "codebook" sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    sheet.append(csv_format.header(spec) + ([csv_format.WEIGHT_COLUMN] if weight else []))
    for pk, submitted_at, language, answers in _rows(responses):
        record = csv_format.row_format(spec, pk, submitted_at, language, answers, labels)
        record += [weight.value(answers)] if weight else []
        sheet.append([None if cell == "" else cell for cell in record])
    codebook = workbook.create_sheet("codebook")
    for entry in codebook_rows(spec, weight):
        codebook.append([csv_format.neutralise(c) if isinstance(c, str) else c for c in entry])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.xlsx"
        workbook.save(path)
        yield from _chunks(path)


def responses_sav(
    responses: QuerySet, spec: QuestionnaireSpec, language: str, weight: WeightColumn | None = None
) -> Iterator[bytes]:
    """An SPSS file: single-choice questions coded 1..k with value labels, one 0/1 variable
    per option of a multi-choice question, "other" texts as strings; variable labels are the
    question texts in ``language``; with a scheme the ``weight`` variable last (for WEIGHT
    BY). Not answered is system-missing."""
    rows = list(_rows(responses))
    frame, labels, value_labels = _spss_frame(rows, spec, language)
    if weight is not None:
        frame[csv_format.WEIGHT_COLUMN] = [weight.value(row[3]) for row in rows]
        labels[csv_format.WEIGHT_COLUMN] = "raking weight"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_measure={code: _measure(code, spec) for code in value_labels},
        )
        yield from _chunks(path)


def _spss_frame(rows: list[tuple], spec: QuestionnaireSpec, language: str):
    answers = [row[3] for row in rows]
    columns: dict[str, object] = {
        "response_id": np.array([row[0] for row in rows], dtype=float),
        "submitted_at": pd.to_datetime([row[1] for row in rows], utc=True)
        .floor("s")
        .tz_localize(None),
        "language": [row[2] for row in rows],
    }
    labels = {
        "response_id": "response id",
        "submitted_at": "submitted at (UTC)",
        "language": "language of the questionnaire",
    }
    value_labels: dict[str, dict[float, str]] = {}
    for question in spec.questions:
        text = question.text[language]
        if question.is_multi:
            for column, choice in zip(question.answer_columns, question.choices, strict=True):
                columns[column.name] = _flags(answers, question.code, choice.code)
                labels[column.name] = f"{text}: {choice.label[language]}"
                value_labels[column.name] = {0.0: "not ticked", 1.0: "ticked"}
        else:
            columns[question.code] = _codes(answers, question)
            labels[question.code] = text
            value_labels[question.code] = {
                float(k): c.label[language] for k, c in enumerate(question.choices, start=1)
            }
        if question.other_column:
            columns[question.other_column] = [a.get(question.other_key, "") for a in answers]
            labels[question.other_column] = f"{text}: other (text)"
    return pd.DataFrame(columns), labels, value_labels


def _measure(column: str, spec: QuestionnaireSpec) -> str:
    """SPSS's measurement level: "ordinal" for an ordinal question, else "nominal"."""
    ordinal = {question.code for question in spec.questions if question.is_ordinal}
    return "ordinal" if column in ordinal else "nominal"


def _codes(answers: list[dict], question: QuestionSpec) -> np.ndarray:
    values = {c.code: float(k) for k, c in enumerate(question.choices, start=1)}
    return np.array([values.get(str(a.get(question.code)), np.nan) for a in answers], dtype=float)


def _flags(answers: list[dict], code: str, option: str) -> np.ndarray:
    return np.array(
        [float(option in a[code]) if isinstance(a.get(code), list) else np.nan for a in answers],
        dtype=float,
    )


def _rows(responses: QuerySet) -> Iterator[tuple]:
    rows = responses.order_by("pk").values_list("pk", "submitted_at", "language", "answers")
    return rows.iterator(chunk_size=ROWS_PER_FETCH)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
