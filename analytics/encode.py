"""Responses → one integer matrix, the single input of every count and test.

One column per single-choice question holds the choice index (−1: not answered); one 0/1
column per option of a multi-choice question (−1 in all of them: not answered). Beside the
matrix: response ids, submission times (epoch seconds), language index, the provenance
index (real, test, demo) and the suspect flag (surveys.models.Response.is_suspect).

On PostgreSQL the database does the coding and streams it with COPY, which is what makes a
full analysis of a million responses take seconds, not minutes; on SQLite the same matrix
is built from the JSON documents in Python. A test checks the two agree. pandas (its CSV
reader parses the COPY stream) is imported where it is used, not at start-up.
"""

import io
import json
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import connection

from core.languages import language_codes
from surveys.models import Provenance, Response, Survey
from surveys.questionnaire import AnswerColumn, QuestionnaireSpec

NOT_ANSWERED = -1
PROVENANCES = tuple(Provenance.values)  # the matrix's provenance index


@dataclass(frozen=True)
class Layout:
    """Which matrix column holds what: the export's answer columns, in the same order."""

    columns: tuple[AnswerColumn, ...]

    @classmethod
    def of(cls, spec: QuestionnaireSpec) -> "Layout":
        return cls(tuple(column for q in spec.questions for column in q.answer_columns))

    def indices(self, question: str) -> list[int]:
        return [i for i, column in enumerate(self.columns) if column.question == question]


@dataclass(frozen=True, eq=False)
class Encoded:
    ids: np.ndarray  # int64
    submitted: np.ndarray  # int64 epoch seconds
    language: np.ndarray  # int8 index into core.languages.language_codes()
    provenance: np.ndarray  # int8 index into PROVENANCES
    is_suspect: np.ndarray  # bool
    values: np.ndarray  # int8, n × len(layout.columns)

    @property
    def n(self) -> int:
        return len(self.ids)

    def where(self, mask: np.ndarray) -> "Encoded":
        return Encoded(
            self.ids[mask],
            self.submitted[mask],
            self.language[mask],
            self.provenance[mask],
            self.is_suspect[mask],
            self.values[mask],
        )

    @staticmethod
    def concatenate(parts: "list[Encoded]", width: int) -> "Encoded":
        if not parts:
            return Encoded.empty(width)
        return Encoded(
            *(np.concatenate(arrays) for arrays in zip(*(p.fields() for p in parts), strict=True))
        )

    @staticmethod
    def empty(width: int) -> "Encoded":
        return Encoded(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int8),
            np.zeros(0, np.int8),
            np.zeros(0, bool),
            np.zeros((0, width), np.int8),
        )

    def fields(self) -> tuple[np.ndarray, ...]:
        return (
            self.ids,
            self.submitted,
            self.language,
            self.provenance,
            self.is_suspect,
            self.values,
        )


def responses_encode(survey: Survey, spec: QuestionnaireSpec, *, after: int = 0) -> Encoded:
    """Encode the survey's responses with id > after, oldest first."""
    if connection.vendor == "postgresql":
        return _encode_in_postgres(survey, spec, after)
    rows = (
        Response.objects.filter(survey=survey)
        .after(after)
        .values_list("id", "submitted_at", "language", "provenance", "is_suspect", "answers")
    )
    return documents_encode(spec, list(rows))


def documents_encode(spec: QuestionnaireSpec, rows: list[tuple]) -> Encoded:
    """Encode (id, submitted_at, language, provenance, is_suspect, answers) tuples in Python."""
    layout = Layout.of(spec)
    values = np.full((len(rows), len(layout.columns)), NOT_ANSWERED, dtype=np.int8)
    for row, (*_meta, answers) in enumerate(rows):
        if isinstance(answers, str):
            answers = json.loads(answers)
        values[row] = _encode_answers(spec, answers)
    return Encoded(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        submitted=np.array([_epoch(r[1]) for r in rows], dtype=np.int64),
        language=np.array([language_index(r[2]) for r in rows], dtype=np.int8),
        provenance=np.array([PROVENANCES.index(r[3]) for r in rows], dtype=np.int8),
        is_suspect=np.array([bool(r[4]) for r in rows], dtype=bool),
        values=values.reshape(len(rows), len(layout.columns)),
    )


def _encode_answers(spec: QuestionnaireSpec, answers: dict) -> list[int]:
    row: list[int] = []
    for question in spec.questions:
        codes = question.choice_codes
        value = answers.get(question.code)
        if question.is_multi:
            if isinstance(value, list):
                row += [int(code in value) for code in codes]
            else:
                row += [NOT_ANSWERED] * len(codes)
        else:
            row.append(codes.index(value) if value in codes else NOT_ANSWERED)
    return row


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def language_index(language: str) -> int:
    """The language's number in the matrix (NOT_ANSWERED for one the site does not offer)."""
    languages = language_codes()
    return languages.index(language) if language in languages else NOT_ANSWERED


def _encode_in_postgres(survey: Survey, spec: QuestionnaireSpec, after: int) -> Encoded:
    from psycopg2 import sql

    known = {
        "languages": sql.Literal(list(language_codes())),
        "provenances": sql.Literal(list(PROVENANCES)),
    }
    expressions = [sql.SQL(e).format(**known) for e in _META_EXPRESSIONS]
    for question in spec.questions:
        key = sql.Literal(question.code)
        codes = question.choice_codes
        if question.is_multi:
            for code in codes:
                expressions.append(
                    sql.SQL(
                        "CASE WHEN jsonb_typeof(answers->{k}) = 'array' "
                        "THEN ((answers->{k}) ? {c})::int ELSE -1 END"
                    ).format(k=key, c=sql.Literal(code))
                )
        else:
            expressions.append(
                sql.SQL("coalesce(array_position({codes}::text[], answers->>{k}), 0) - 1").format(
                    codes=sql.Literal(codes), k=key
                )
            )
    query = sql.SQL(
        "COPY (SELECT {columns} FROM surveys_response WHERE survey_id = {survey} AND id > {after}"
        " ORDER BY id) TO STDOUT WITH (FORMAT csv)"
    ).format(
        columns=sql.SQL(", ").join(expressions),
        survey=sql.Literal(survey.pk),
        after=sql.Literal(after),
    )
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        cursor.copy_expert(query.as_string(cursor.connection), buffer)
    buffer.seek(0)
    return _frame_to_encoded(buffer, len(Layout.of(spec).columns))


_META_EXPRESSIONS = (
    "id",
    "floor(extract(epoch from submitted_at))::bigint",
    "coalesce(array_position({languages}::text[], language::text), 0) - 1",
    "array_position({provenances}::text[], provenance::text) - 1",
    "is_suspect::int",
)


def _frame_to_encoded(buffer: io.BytesIO, width: int) -> Encoded:
    import pandas as pd

    if not buffer.getbuffer().nbytes:
        return Encoded.empty(width)
    # Narrow types as parsed: a million responses stay ~25 MB instead of ~180 MB of int64.
    meta = len(_META_EXPRESSIONS)
    types = {0: np.int64, 1: np.int64} | {k: np.int8 for k in range(2, meta + width)}
    frame = pd.read_csv(buffer, header=None, dtype=types, engine="c")
    return Encoded(
        ids=frame[0].to_numpy(),
        submitted=frame[1].to_numpy(),
        language=frame[2].to_numpy(),
        provenance=frame[3].to_numpy(),
        is_suspect=frame[4].to_numpy().astype(bool),
        values=frame.iloc[:, meta:].to_numpy(dtype=np.int8),
    )
