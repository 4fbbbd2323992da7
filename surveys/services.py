"""Writes of the staff and the commands: questionnaires, demo and imported responses, a
survey's schedule, deleting responses, team members. Keyword-only, atomic. A respondent's
submission is stored by surveys/submissions.py."""

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.security import security_event
from surveys import csv_format
from surveys.answers import AnswersInvalid, answers_clean, questions_skipped
from surveys.bulk import NewResponse, responses_insert
from surveys.demo import demo_answers
from surveys.editing import change_check
from surveys.models import (
    Choice,
    ExportRecord,
    Provenance,
    Question,
    Response,
    Survey,
    SurveyMember,
)
from surveys.questionnaire import QuestionnaireSpec
from surveys.selectors import survey_questionnaire


@transaction.atomic
def questionnaire_import(*, spec: QuestionnaireSpec) -> str:
    """Create or update a survey from a checked spec; return "created", "updated" or
    "unchanged". Re-importing the same file writes nothing. A change that would orphan
    stored answers is refused (surveys.editing.change_check) and nothing is written."""
    survey = Survey.objects.select_for_update().filter(slug=spec.slug).first()
    if survey is not None:
        stored = survey_questionnaire(survey)
        if stored == spec:
            return "unchanged"
        change_check(survey, stored, spec)
    outcome = "created" if survey is None else "updated"
    survey, _created = Survey.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "intro": spec.intro,
            "languages": list(spec.languages),
            "default_language": spec.default_language,
        },
    )
    survey.questions.exclude(code__in=[q.code for q in spec.questions]).delete()
    for position, question_spec in enumerate(spec.questions, start=1):
        question, _created = Question.objects.update_or_create(
            survey=survey,
            code=question_spec.code,
            defaults={
                "kind": question_spec.kind,
                "required": question_spec.required,
                "text": question_spec.text,
                "position": position,
                "relevant": question_spec.relevant,
                "hint": question_spec.hint,
                "minimum": question_spec.minimum,
                "maximum": question_spec.maximum,
                "integer": question_spec.integer,
                "unit": question_spec.unit,
                "max_length": question_spec.max_length,
            },
        )
        question.choices.exclude(code__in=[c.code for c in question_spec.choices]).delete()
        for choice_position, choice_spec in enumerate(question_spec.choices, start=1):
            Choice.objects.update_or_create(
                question=question,
                code=choice_spec.code,
                defaults={
                    "label": choice_spec.label,
                    "is_other": choice_spec.is_other,
                    "position": choice_position,
                },
            )
    return outcome


DEMO_BATCH_SIZE = 5_000
DEMO_SPREAD_SECONDS = 30 * 24 * 3600  # demo responses arrive over the past month


def demo_responses_create(
    *, survey: Survey, n: int, seed: int, on_batch: Callable[[int], None] | None = None
) -> int:
    """Insert n synthetic responses marked as demo, in bulk; return how many were stored."""
    rng = np.random.default_rng(seed)
    spec = survey_questionnaire(survey)
    now = timezone.now()
    stored = 0
    while stored < n:
        size = min(DEMO_BATCH_SIZE, n - stored)
        demo = demo_answers(spec, size, rng)
        ages = rng.exponential(scale=DEMO_SPREAD_SECONDS / 4, size=size).clip(
            0, DEMO_SPREAD_SECONDS
        )
        durations = rng.lognormal(mean=np.log(180_000), sigma=0.4, size=size).astype(int)
        responses_insert(
            survey.pk,
            [
                NewResponse(
                    answers=answers,
                    language=language,
                    submitted_at=now - timedelta(seconds=float(age)),
                    client_token=uuid.UUID(bytes=rng.bytes(16), version=4),
                    duration_ms=int(duration),
                    provenance=Provenance.DEMO,
                    skipped=tuple(skipped),
                )
                for answers, language, age, duration, skipped in zip(
                    demo.answers, demo.languages, ages, durations, demo.skipped, strict=True
                )
            ],
        )
        stored += size
        if on_batch:
            on_batch(size)
    return stored


class ScheduleInvalid(ApplicationError):
    """A schedule that cannot work; the message says what to change."""


def survey_schedule_set(
    *,
    survey: Survey,
    user,
    is_open: bool,
    opens_at: datetime | None,
    closes_at: datetime | None,
    quota: int | None,
    time_zone: str,
) -> Survey:
    """Set when the survey takes responses and how many real ones; record who did."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise ScheduleInvalid(_("The closing time must be after the opening time."))
    survey.is_open, survey.opens_at, survey.closes_at = is_open, opens_at, closes_at
    survey.quota, survey.time_zone = quota, time_zone
    survey.full_clean(exclude=["title", "intro", "languages"])
    survey.save(update_fields=["is_open", "opens_at", "closes_at", "quota", "time_zone"])
    security_event(
        "survey_schedule_set",
        user_id=getattr(user, "pk", None),
        survey=survey.slug,
        opens_at=opens_at and opens_at.isoformat(),
        closes_at=closes_at and closes_at.isoformat(),
        quota=quota,
    )
    return survey


class DeletionRefused(ApplicationError):
    """Only test and demo responses can be deleted in one action."""


@transaction.atomic
def responses_delete(*, survey: Survey, provenance: str, user) -> int:
    """Delete all of the survey's test or demo responses, never a real one; record it in the
    export log (format ``deleted-test`` or ``deleted-demo``) and the security log, and raise
    the survey's ``deletions`` so its stored counts start over. Returns how many went."""
    if provenance not in (Provenance.TEST, Provenance.DEMO):
        raise DeletionRefused(
            _("Only test or demo responses can be deleted in one action, not %(what)r.")
            % {"what": provenance}
        )
    deleted, _by_model = survey.responses.filter(provenance=provenance).delete()
    Survey.objects.filter(pk=survey.pk).update(deletions=F("deletions") + 1)
    survey.refresh_from_db(fields=["deletions"])
    ExportRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        survey=survey,
        format=f"deleted-{provenance}",
        filters={"provenances": [provenance]},
        row_count=deleted,
    )
    security_event(
        "responses_deleted",
        user_id=getattr(user, "pk", None),
        survey=survey.slug,
        provenance=provenance,
        row_count=deleted,
    )
    return deleted


class ImportRefused(ApplicationError):
    """The CSV cannot be imported; the message names the row and column. Nothing stored."""


@transaction.atomic
def responses_import(*, survey: Survey, records: Iterable[dict[str, str]], fieldnames) -> int:
    """Store every CSV record as a new response, or none of them."""
    spec = survey_questionnaire(survey)
    known = [*csv_format.header(spec), csv_format.WEIGHT_COLUMN]
    unknown = [name for name in fieldnames or [] if name not in known]
    if not fieldnames or unknown:
        raise ImportRefused(
            f"header: unknown column(s) {', '.join(map(repr, unknown)) or '(none)'}; "
            f"expected the export format: {','.join(csv_format.header(spec))}"
        )
    now = timezone.now()
    responses = []
    for line, cells in enumerate(records, start=2):
        responses.append(_imported(survey, spec, line, cells, now))
    Response.objects.bulk_create(responses, batch_size=DEMO_BATCH_SIZE)
    return len(responses)


def _imported(survey: Survey, spec, line: int, cells: dict, now: datetime) -> Response:
    if None in cells:
        raise ImportRefused(f"row {line}: more cells than columns in the header")
    try:
        row = csv_format.row_parse(spec, cells)
    except csv_format.RowInvalid as error:
        raise ImportRefused(f"row {line}, {error}") from None
    if row.language not in survey.languages:
        raise ImportRefused(
            f"row {line}, column language: {row.language!r} is not one of {survey.languages}"
        )
    try:
        answers = answers_clean(spec.questions, row.answers, not_asked=row.skipped)
    except AnswersInvalid as error:
        code, message = next(iter(error.errors.items()))
        raise ImportRefused(
            f"row {line}, column {csv_format.error_column(code, spec)}: {message}"
        ) from None
    return Response(
        survey=survey,
        answers=answers,
        # Not asked: as the file says (its conditions may have changed since), and where
        # the conditions do not hold over the answers.
        skipped=questions_skipped(spec.questions, answers, not_asked=row.skipped),
        language=row.language,
        submitted_at=row.submitted_at or now,
        client_token=uuid.uuid4(),
        provenance=row.provenance,
        is_suspect=row.is_suspect,
    )


def survey_member_set(*, survey: Survey, user, role: str) -> SurveyMember:
    """Put the user in the survey's team with this role (or change their role)."""
    member, _ = SurveyMember.objects.update_or_create(
        survey=survey, user=user, defaults={"role": role}
    )
    return member


def survey_member_remove(*, survey: Survey, user) -> bool:
    """Take the user out of the survey's team; whether they were in it."""
    removed, _ = SurveyMember.objects.filter(survey=survey, user=user).delete()
    return removed > 0
