"""Reading individual responses: keyset pages of the filtered responses, one response's
answers in words, and the "other" texts with their counts.

Pages are keyset pages: a page after a cursor (the time and id of the last row shown) is
read from the (survey, submitted_at, id) index starting at that row, so page 1,000 costs what
page 1 costs, and a response stored meanwhile never shifts the rows of the next page
(bench/browse.py measures it; docs/benchmarks.md has the numbers).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext as _

from analytics.charts import Labels
from analytics.filters import ResponseFilter, responses_filtered
from analytics.forms import FilterInvalid
from surveys.models import Response, Survey
from surveys.questionnaire import QuestionnaireSpec

PAGE_SIZE = 50
OTHER_TEXTS_SHOWN = 500


@dataclass(frozen=True)
class Cursor:
    """A row's place in the time order: its submission time and id."""

    submitted_at: datetime
    id: int

    def __str__(self) -> str:
        micros = round(self.submitted_at.timestamp() * 1_000_000)
        return f"{micros}-{self.id}"

    @classmethod
    def of(cls, response: Response) -> "Cursor":
        return cls(response.submitted_at, response.pk)

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        try:
            micros, pk = (int(part) for part in text.split("-"))
            moment = datetime.fromtimestamp(micros / 1_000_000, tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise FilterInvalid(
                _("This page address is damaged: go back to the first page of responses.")
            ) from None
        return cls(moment, pk)


@dataclass(frozen=True)
class ResponsePage:
    rows: list[Response]
    next: Cursor | None  # continue after this row, if there are more
    previous: Cursor | None  # go back before this row, if this is not the first page


def responses_searched(survey: Survey, spec: QuestionnaireSpec, chosen, search: str) -> QuerySet:
    """The chosen responses whose free texts (text answers, "other" texts) contain
    ``search`` (any case)."""
    responses = responses_filtered(survey, chosen)
    if not search:
        return responses
    found = Q()
    for question in spec.questions:
        if question.is_text:
            found |= Q(**{f"answers__{question.code}__icontains": search})
        if question.other_column:
            found |= Q(**{f"answers__{question.other_key}__icontains": search})
    return responses.filter(found) if found else responses.none()


def responses_page(
    responses: QuerySet,
    *,
    oldest_first: bool = False,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> ResponsePage:
    """One page of ``responses`` in time order (newest first unless ``oldest_first``):
    the first page, the page after the row ``after``, or the page before the row ``before``."""
    forward = before is None
    descending = oldest_first != forward  # the order in which rows are read
    cursor = after if forward else before
    if cursor is not None:
        responses = _beyond(responses, cursor, descending)
    order = ["-submitted_at", "-id"] if descending else ["submitted_at", "id"]
    rows = list(responses.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return ResponsePage(rows, None, None)
    has_next = more if forward else True
    has_previous = cursor is not None if forward else more
    return ResponsePage(
        rows,
        Cursor.of(rows[-1]) if has_next else None,
        Cursor.of(rows[0]) if has_previous else None,
    )


def _beyond(responses: QuerySet, cursor: Cursor, descending: bool) -> QuerySet:
    """The rows after ``cursor`` in the order read: a row-value comparison, which the
    database answers by starting its scan of the (survey, submitted_at, id) index at the
    cursor (PostgreSQL and SQLite both compare row values)."""
    sign = "<" if descending else ">"
    after = RawSQL(
        f'("surveys_response"."submitted_at", "surveys_response"."id") {sign} (%s, %s)',
        (connection.ops.adapt_datetimefield_value(cursor.submitted_at), cursor.id),
        output_field=BooleanField(),
    )
    return responses.filter(after)


def answer_cells(
    spec: QuestionnaireSpec, labels: Labels, answers: dict, skipped: list[str]
) -> list[str]:
    """A response's answers in words, one cell per question but notes: choice labels
    (several joined by "; "), the "other" text in quotes after them, the number or the text,
    "—" when not answered, "not asked" when skip logic did not ask it."""
    cells = []
    for question in spec.answered_questions:
        value = answers.get(question.code)
        if question.code in skipped:
            shown = _("not asked")
        elif value is None:
            shown = "—"
        elif isinstance(value, list):
            shown = "; ".join(labels.choice(question.code, code) for code in value)
        else:
            shown = str(labels.choice(question.code, value) if question.is_choice else value)
        other = answers.get(question.other_key) if question.other_column else None
        cells.append(f"{shown} “{other}”" if other else shown)
    return cells


@dataclass(frozen=True)
class OtherTexts:
    question: str
    text: str  # the question's text
    answers: list[tuple[str, int]]  # (text, how many gave it), most frequent first
    distinct: int


def other_texts(
    survey: Survey, spec: QuestionnaireSpec, labels: Labels, chosen: ResponseFilter
) -> list[OtherTexts]:
    """Per question with an "other" option: the texts given, with their counts."""
    found = []
    for question in spec.questions:
        if not question.other_column:
            continue
        key = question.other_key
        given = (
            responses_filtered(survey, chosen)
            .filter(**{f"answers__{key}__isnull": False})
            .exclude(**{f"answers__{key}": ""})
            .values(other=KeyTextTransform(key, "answers"))
            .annotate(n=Count("id"))
            .order_by("-n", "other")
        )
        rows = [(row["other"], row["n"]) for row in given[:OTHER_TEXTS_SHOWN]]
        found.append(
            OtherTexts(question.code, labels.questions[question.code], rows, given.count())
        )
    return found
