"""The responses CSV made by PostgreSQL: each record is built by one SQL expression.

Formatting a million records in Python costs about ten seconds; here the database writes
every cell (choice code or label, the 0/1 option flags, the number, the quoted and
neutralised free text, the not-asked marker, the ISO timestamp) and the records come back
through COPY, a page at a time, so memory stays flat. The output is byte for byte what
``csv_format.row_format`` and ``csv.writer`` produce (tests/exports/test_exports.py and
tests/exports/test_question_kinds.py prove it on hostile text and every question kind).
"""

import codecs
import io
from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from psycopg2 import sql

from surveys.csv_format import FORMULA_STARTS, NOT_ASKED, neutralise
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec

PAGE_ROWS = 10_000  # about 1.3 MB of CSV (3 MB with labels) held at a time
NEEDS_QUOTES = '[",\r\n]'

# csv_format.moment_format: UTC, to the second (to_char truncates, as Python's does).
_TIMESTAMP = "to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+00:00'"


def csv_cell(text: str) -> str:
    """One text cell as csv.writer writes it (QUOTE_MINIMAL, excel dialect)."""
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def records_copy(
    responses: QuerySet, spec: QuestionnaireSpec, labels: str | None, weight=None
) -> Iterator:
    """The CSV records of the responses (oldest first), as bytes, a page at a time; with
    ``weight`` (exports/weights.py) its column last."""
    line = record_expression(spec, labels, weight).as_string(connection.connection)
    rows = responses.order_by("pk").annotate(csv_record=RawSQL(line.replace("%", "%%"), ()))
    after = 0
    with transaction.atomic(), connection.cursor() as cursor:
        # Compiling the record expression to machine code costs more than it saves a page.
        cursor.execute("SET LOCAL jit = off")
        while True:
            page = rows.filter(pk__gt=after).values_list("csv_record", flat=True)[:PAGE_ROWS]
            data = _copy_out(cursor, page)
            if not data:
                return
            yield _text_format_decode(data)
            last = data[data.rstrip(b"\n").rfind(b"\n") + 1 :]
            after = int(last[: last.index(b",")])


def _copy_out(cursor, page: QuerySet) -> bytes:
    query, params = page.query.sql_with_params()
    buffer = io.BytesIO()
    statement = cursor.mogrify(query, params).decode()
    cursor.copy_expert(f"COPY ({statement}) TO STDOUT", buffer)
    return buffer.getvalue()


def _text_format_decode(data: bytes) -> bytes:
    """COPY's text format ends each record with a newline and writes the newlines, tabs and
    backslashes inside it as escapes; the records carry their own CRLF, so drop the former
    and undo the latter."""
    return codecs.escape_decode(data.replace(b"\n", b""))[0]  # type: ignore[attr-defined]


def record_expression(spec: QuestionnaireSpec, labels: str | None, weight=None) -> sql.Composable:
    """SQL giving one response's whole CSV record, CRLF included."""
    cells: list[sql.Composable] = [
        sql.SQL("id::text"),
        sql.SQL(_TIMESTAMP),
        sql.SQL("language"),  # one of the survey's language codes: never needs quoting
        sql.SQL("provenance"),  # real, test or demo
        sql.SQL("CASE WHEN is_suspect THEN '1' ELSE '0' END"),
    ]
    for question in spec.answered_questions:
        cells.append(_question_cells(question, labels))
    if weight is not None:
        cells.append(weight.expression())
    return sql.SQL("{} || {}").format(sql.SQL(" || ',' || ").join(cells), sql.Literal("\r\n"))


def _question_cells(question: QuestionSpec, labels: str | None) -> sql.Composable:
    """The question's cells, or the not-asked marker in each when skip logic skipped it."""
    value = sql.SQL("(answers->>{})").format(sql.Literal(question.code))
    if question.is_multi:
        answered = _flags(question)
    elif question.is_number:
        answered = _number(question, value)
    elif question.is_text:
        answered = _text_cell(value)
    else:
        answered = _choice(question, value, labels)
    if question.other_column:
        other = sql.SQL("(answers->>{})").format(sql.Literal(question.other_key))
        answered = sql.SQL("{} || ',' || {}").format(answered, _text_cell(other))
    marker = ",".join([NOT_ASKED] * len(question.export_columns))
    return sql.SQL("CASE WHEN skipped ? {} THEN {} ELSE {} END").format(
        sql.Literal(question.code), sql.Literal(marker), answered
    )


def _number(question: QuestionSpec, value: sql.Composable) -> sql.Composable:
    """A jsonb number as PostgreSQL writes it (csv_format.number_format does the same)."""
    kind = sql.SQL("jsonb_typeof(answers->{})").format(sql.Literal(question.code))
    return sql.SQL("CASE WHEN {} = 'number' THEN {} ELSE {} END").format(
        kind, value, _text_cell(value)
    )


def _choice(question: QuestionSpec, value: sql.Composable, labels: str | None) -> sql.Composable:
    """Known codes map to literals made in Python; anything else is formatted as text."""
    branches = [
        sql.SQL("WHEN {} THEN {}").format(
            sql.Literal(c.code),
            sql.Literal(csv_cell(neutralise(c.label[labels])) if labels else c.code),
        )
        for c in question.choices
    ]
    return sql.SQL("CASE {} {} ELSE {} END").format(
        value, sql.SQL(" ").join(branches), _text_cell(value)
    )


def _flags(question: QuestionSpec) -> sql.Composable:
    """0/1 per option when the answer is a list; empty cells when not answered."""
    value = sql.SQL("(answers->{})").format(sql.Literal(question.code))
    flags = [
        sql.SQL("CASE WHEN {} ? {} THEN '1' ELSE '0' END").format(value, sql.Literal(c.code))
        for c in question.choices
    ]
    return sql.SQL("CASE WHEN jsonb_typeof({}) = 'array' THEN {} ELSE {} END").format(
        value, sql.SQL(" || ',' || ").join(flags), sql.Literal("," * (len(flags) - 1))
    )


def _text_cell(value: sql.Composable) -> sql.Composable:
    """csv_format.neutralise, then csv.writer's quoting; NULL is an empty cell."""
    shown = sql.SQL(
        "CASE WHEN left({v}, 1) IN ({starts}) OR {v} = {marker} THEN '''' || {v} ELSE {v} END"
    ).format(
        v=value,
        starts=sql.SQL(", ").join(sql.Literal(s) for s in FORMULA_STARTS),
        marker=sql.Literal(NOT_ASKED),
    )
    return sql.SQL(
        "CASE WHEN {v} IS NULL THEN '' WHEN {v} ~ {special} "
        "THEN '\"' || replace({shown}, '\"', '\"\"') || '\"' ELSE {shown} END"
    ).format(v=value, special=sql.Literal(NEEDS_QUOTES), shown=shown)
