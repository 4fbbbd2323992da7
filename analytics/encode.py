"""Responses → one integer matrix of the choice questions, the input of every count and
test, and beside it a float matrix of the number questions.

One column per single-choice (or ordinal) question holds the choice index; one 0/1 column
per option of a multi-choice question. Missing answers are of two kinds: −1 (NOT_ANSWERED)
the respondent was asked and gave no answer; −2 (NOT_ASKED) the question's condition was
false, so the form never asked it (its code is in ``Response.skipped``: skipped by design),
in every column of the question. Only a question with a condition (``relevant``) can be
not asked, so only its columns look at ``skipped``: a survey without conditions is coded
exactly as before, at the same cost. Number questions have one float64 column each in
``numbers`` (NaN: no answer, asked or not) and one bool column in ``not_asked``. Text and
note questions are not encoded. Beside the matrices: response ids, submission times (epoch
seconds), language index, the provenance index (real, test, demo) and the suspect flag
(surveys.models.Response.is_suspect).

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
from surveys.questionnaire import AnswerColumn, QuestionnaireSpec, QuestionSpec

NOT_ANSWERED = -1
NOT_ASKED = -2  # skipped by design: the question's condition was false
PROVENANCES = tuple(Provenance.values)  # the matrix's provenance index


@dataclass(frozen=True)
class Layout:
    """Which matrix column holds what: the choice questions' answer columns, in the export's
    order, and the codes of the number questions, the columns of ``Encoded.numbers``."""

    columns: tuple[AnswerColumn, ...]
    numbers: tuple[str, ...] = ()

    @classmethod
    def of(cls, spec: QuestionnaireSpec) -> "Layout":
        return cls(
            tuple(column for q in spec.choice_questions for column in q.answer_columns),
            tuple(q.code for q in spec.questions if q.is_number),
        )

    def indices(self, question: str) -> list[int]:
        return [i for i, column in enumerate(self.columns) if column.question == question]

    def number_index(self, question: str) -> int:
        return self.numbers.index(question)


@dataclass(frozen=True, eq=False)
class Encoded:
    ids: np.ndarray  # int64
    submitted: np.ndarray  # int64 epoch seconds
    language: np.ndarray  # int8 index into core.languages.language_codes()
    provenance: np.ndarray  # int8 index into PROVENANCES
    is_suspect: np.ndarray  # bool
    values: np.ndarray  # int8, n × len(layout.columns)
    numbers: np.ndarray  # float64, n × len(layout.numbers); NaN: no answer
    not_asked: np.ndarray  # bool, n × len(layout.numbers): skipped by design

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
            self.numbers[mask],
            self.not_asked[mask],
        )

    def number(self, layout: Layout, question: str) -> np.ndarray:
        """The answers to a number question (NaN where there is none)."""
        return self.numbers[:, layout.number_index(question)]

    @staticmethod
    def concatenate(parts: "list[Encoded]", layout: Layout) -> "Encoded":
        if not parts:
            return Encoded.empty(layout)
        return Encoded(
            *(np.concatenate(arrays) for arrays in zip(*(p.fields() for p in parts), strict=True))
        )

    @staticmethod
    def empty(layout: Layout) -> "Encoded":
        return Encoded(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int8),
            np.zeros(0, np.int8),
            np.zeros(0, bool),
            np.zeros((0, len(layout.columns)), np.int8),
            np.zeros((0, len(layout.numbers)), np.float64),
            np.zeros((0, len(layout.numbers)), bool),
        )

    def fields(self) -> tuple[np.ndarray, ...]:
        return (
            self.ids,
            self.submitted,
            self.language,
            self.provenance,
            self.is_suspect,
            self.values,
            self.numbers,
            self.not_asked,
        )


def responses_encode(survey: Survey, spec: QuestionnaireSpec, *, after: int = 0) -> Encoded:
    """Encode the survey's responses with id > after, oldest first."""
    if connection.vendor == "postgresql":
        return _encode_in_postgres(survey, spec, after)
    rows = (
        Response.objects.filter(survey=survey)
        .after(after)
        .values_list(
            "id", "submitted_at", "language", "provenance", "is_suspect", "answers", "skipped"
        )
    )
    return documents_encode(spec, list(rows))


def documents_encode(spec: QuestionnaireSpec, rows: list[tuple]) -> Encoded:
    """Encode (id, submitted_at, language, provenance, is_suspect, answers, skipped) tuples
    in Python."""
    layout = Layout.of(spec)
    values = np.full((len(rows), len(layout.columns)), NOT_ANSWERED, dtype=np.int8)
    numbers = np.full((len(rows), len(layout.numbers)), np.nan)
    not_asked = np.zeros((len(rows), len(layout.numbers)), dtype=bool)
    for row, (*_meta, answers, skipped) in enumerate(rows):
        answers, skipped = _document(answers), set(_document(skipped) or ())
        values[row] = _encode_answers(spec, answers, skipped)
        numbers[row], not_asked[row] = _encode_numbers(spec, answers, skipped)
    return Encoded(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        submitted=np.array([_epoch(r[1]) for r in rows], dtype=np.int64),
        language=np.array([language_index(r[2]) for r in rows], dtype=np.int8),
        provenance=np.array([PROVENANCES.index(r[3]) for r in rows], dtype=np.int8),
        is_suspect=np.array([bool(r[4]) for r in rows], dtype=bool),
        values=values.reshape(len(rows), len(layout.columns)),
        numbers=numbers,
        not_asked=not_asked,
    )


def _document(value):
    return json.loads(value) if isinstance(value, str) else value


def _was_not_asked(question: QuestionSpec, skipped: set[str]) -> bool:
    """Only a question with a condition can be skipped by design."""
    return bool(question.relevant) and question.code in skipped


def _encode_answers(spec: QuestionnaireSpec, answers: dict, skipped: set[str]) -> list[int]:
    row: list[int] = []
    for question in spec.choice_questions:
        codes = question.choice_codes
        value = answers.get(question.code)
        width = len(codes) if question.is_multi else 1
        if _was_not_asked(question, skipped):
            row += [NOT_ASKED] * width
        elif question.is_multi:
            if isinstance(value, list):
                row += [int(code in value) for code in codes]
            else:
                row += [NOT_ANSWERED] * len(codes)
        else:
            row.append(codes.index(value) if value in codes else NOT_ANSWERED)
    return row


def _encode_numbers(
    spec: QuestionnaireSpec, answers: dict, skipped: set[str]
) -> tuple[list[float], list[bool]]:
    numbers, not_asked = [], []
    for question in spec.questions:
        if question.is_number:
            numbers.append(_number_value(answers.get(question.code)))
            not_asked.append(_was_not_asked(question, skipped))
    return numbers, not_asked


def _number_value(value: object) -> float:
    """A JSON number as a float, anything else as NaN (as jsonb_typeof = 'number' does)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return np.nan
    return float(value)


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
    for question in spec.choice_questions:
        expressions += _choice_expressions(question)
    numbers = [q for q in spec.questions if q.is_number]
    expressions += [_number_sql().format(k=sql.Literal(q.code)) for q in numbers]
    expressions += [_not_asked(q) for q in numbers]
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
    return _frame_to_encoded(buffer, Layout.of(spec))


def _choice_expressions(question: QuestionSpec) -> list:
    from psycopg2 import sql

    key = sql.Literal(question.code)
    if question.is_multi:
        coded = [
            sql.SQL(
                "CASE WHEN jsonb_typeof(answers->{k}) = 'array' "
                "THEN ((answers->{k}) ? {c})::int ELSE -1 END"
            ).format(k=key, c=sql.Literal(code))
            for code in question.choice_codes
        ]
    else:
        coded = [
            sql.SQL("coalesce(array_position({codes}::text[], answers->>{k}), 0) - 1").format(
                codes=sql.Literal(question.choice_codes), k=key
            )
        ]
    if not question.relevant:
        return coded
    return [
        sql.SQL("CASE WHEN skipped ? {k} THEN {not_asked} ELSE {coded} END").format(
            k=key, not_asked=sql.Literal(NOT_ASKED), coded=expression
        )
        for expression in coded
    ]


def _not_asked(question: QuestionSpec):
    from psycopg2 import sql

    if not question.relevant:
        return sql.SQL("0")
    return sql.SQL("(skipped ? {k})::int").format(k=sql.Literal(question.code))


_META_EXPRESSIONS = (
    "id",
    "floor(extract(epoch from submitted_at))::bigint",
    "coalesce(array_position({languages}::text[], language::text), 0) - 1",
    "array_position({provenances}::text[], provenance::text) - 1",
    "is_suspect::int",
)


def _number_sql():
    """A number answer as float8 (NULL, read as NaN, when there is none)."""
    from psycopg2 import sql

    return sql.SQL(
        "CASE WHEN jsonb_typeof(answers->{k}) = 'number' THEN (answers->>{k})::float8 END"
    )


def _frame_to_encoded(buffer: io.BytesIO, layout: Layout) -> Encoded:
    import pandas as pd

    if not buffer.getbuffer().nbytes:
        return Encoded.empty(layout)
    # Narrow types as parsed: a million responses stay ~25 MB instead of ~180 MB of int64.
    meta, width, numbers = len(_META_EXPRESSIONS), len(layout.columns), len(layout.numbers)
    types: dict[int, type] = {0: np.int64, 1: np.int64}
    types |= {k: np.int8 for k in range(2, meta + width)}
    types |= {k: np.float64 for k in range(meta + width, meta + width + numbers)}
    types |= {k: np.int8 for k in range(meta + width + numbers, meta + width + 2 * numbers)}
    frame = pd.read_csv(buffer, header=None, dtype=types, engine="c")
    return Encoded(
        ids=frame[0].to_numpy(),
        submitted=frame[1].to_numpy(),
        language=frame[2].to_numpy(),
        provenance=frame[3].to_numpy(),
        is_suspect=frame[4].to_numpy().astype(bool),
        values=frame.iloc[:, meta : meta + width].to_numpy(dtype=np.int8),
        numbers=frame.iloc[:, meta + width : meta + width + numbers].to_numpy(dtype=np.float64),
        not_asked=frame.iloc[:, meta + width + numbers :].to_numpy(dtype=np.int8).astype(bool),
    )
