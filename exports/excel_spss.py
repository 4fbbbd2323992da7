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
SYNTHETIC_NOTICE = (
    "This file includes {kinds} responses besides real ones: see its provenance column."
)
PROVENANCE_MEANING = (
    "provenance: real = a respondent; test = a staff member trying the form in test mode; "
    "demo = synthetic data, not from a person."
)
ROWS_PER_FETCH = 5_000


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
    for record in _rows(responses):
        row = csv_format.row_format(spec, record, labels)
        row += [weight.value(record[-1])] if weight else []
        sheet.append([None if cell == "" else cell for cell in row])
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
        frame[csv_format.WEIGHT_COLUMN] = [weight.value(row[5]) for row in rows]
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
    answers = [row[5] for row in rows]
    columns: dict[str, object] = {
        "response_id": np.array([row[0] for row in rows], dtype=float),
        "submitted_at": pd.to_datetime([row[1] for row in rows], utc=True)
        .floor("s")
        .tz_localize(None),
        "language": [row[2] for row in rows],
        "provenance": [row[3] for row in rows],
        "is_suspect": np.array([float(row[4]) for row in rows], dtype=float),
    }
    labels = {
        "response_id": "response id",
        "submitted_at": "submitted at (UTC)",
        "language": "language of the questionnaire",
        "provenance": "provenance: real (respondent), test (staff test mode), demo (synthetic)",
        "is_suspect": "flagged by the bot checks (honeypot or too fast)",
    }
    value_labels: dict[str, dict[float, str]] = {"is_suspect": {0.0: "no", 1.0: "yes"}}
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
    rows = responses.order_by("pk").values_list(*csv_format.RECORD_FIELDS)
    return rows.iterator(chunk_size=ROWS_PER_FETCH)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
