"""Fast bulk insertion of responses, for demo data and benchmarks.

Building a model instance per row costs more than the insert itself; here the rows go to
the database as plain values: COPY on PostgreSQL, one executemany on SQLite. The values
are written in exactly the form Django's own fields store (a test reads them back through
the ORM).
"""

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

COLUMNS = (
    "survey_id",
    "answers",
    "language",
    "submitted_at",
    "client_token",
    "duration_ms",
    "provenance",
    "skipped",
)


@dataclass(frozen=True)
class NewResponse:
    answers: dict
    language: str
    submitted_at: datetime  # aware
    client_token: uuid.UUID
    duration_ms: int | None
    provenance: str  # surveys.models.Provenance
    skipped: tuple[str, ...] = ()  # the questions not asked (surveys.answers.questions_skipped)


def responses_insert(survey_id: int, rows: list[NewResponse]) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy_in(survey_id, rows)
        else:
            _execute_many(survey_id, rows)


def _copy_in(survey_id: int, rows: list[NewResponse]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(
            (
                survey_id,
                json.dumps(row.answers, ensure_ascii=False),
                row.language,
                row.submitted_at.isoformat(),
                str(row.client_token),
                "" if row.duration_ms is None else row.duration_ms,
                row.provenance,
                json.dumps(list(row.skipped)),
            )
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY surveys_response ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv)", buffer
        )


def _execute_many(survey_id: int, rows: list[NewResponse]) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    values = [
        (
            survey_id,
            json.dumps(row.answers, ensure_ascii=False),
            row.language,
            adapt(row.submitted_at),
            row.client_token.hex,
            row.duration_ms,
            row.provenance,
            json.dumps(list(row.skipped)),
        )
        for row in rows
    ]
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO surveys_response ({', '.join(COLUMNS)}) VALUES ({placeholders})", values
        )
