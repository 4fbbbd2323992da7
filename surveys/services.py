"""Writes: importing questionnaires and storing responses. Keyword-only, atomic."""

import uuid
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.security import security_event
from surveys import csv_format
from surveys.answers import AnswersInvalid, answers_clean
from surveys.bulk import NewResponse, responses_insert
from surveys.demo import demo_answers
from surveys.models import Choice, Question, Response, Survey, SurveyMember
from surveys.questionnaire import QuestionnaireSpec
from surveys.selectors import survey_questionnaire


class SubmissionRefused(ApplicationError):
    """The submission cannot be stored; the message says why, in the respondent's language."""


class SurveyClosed(SubmissionRefused):
    status = 410
    code = "survey_closed"


class TokenReused(SubmissionRefused):
    """The client token belongs to a stored response with different answers."""


@dataclass(frozen=True)
class Submission:
    response: Response
    created: bool


def response_submit(
    *,
    survey: Survey,
    answers: object,
    language: str,
    client_token: uuid.UUID,
    duration_ms: int | None = None,
    submitted_at: datetime | None = None,
    is_suspect: bool = False,
    suspect_reason: str = "",
) -> Submission:
    """Validate the answers and store one Response, exactly once per client token.

    Sending the same submission again returns the stored response (created=False);
    the same token with other answers raises TokenReused and changes nothing.
    ``is_suspect`` marks a response that looks automated; it is stored all the same.
    """
    if not survey.is_open:
        raise SurveyClosed(_("This survey is closed and no longer accepts answers."))
    if language not in survey.languages:
        unavailable = str(_("This survey is not available in that language."))
        raise SubmissionRefused(unavailable, errors={"language": unavailable})
    cleaned = answers_clean(survey_questionnaire(survey).questions, answers)
    # One INSERT is atomic by itself: a savepoint (so a duplicate token leaves the caller's
    # transaction usable) is needed only inside one; outside, it would cost a COMMIT.
    inside = connection.in_atomic_block
    try:
        with transaction.atomic() if inside else nullcontext():
            response = Response.objects.create(
                survey=survey,
                answers=cleaned,
                language=language,
                client_token=client_token,
                duration_ms=duration_ms,
                submitted_at=submitted_at or timezone.now(),
                is_suspect=is_suspect,
                suspect_reason=suspect_reason,
            )
    except IntegrityError:
        # The token was used before (a retry, a double click, a race): insert first and
        # look only then, so the usual, new submission costs one query.
        existing = _response_with_token(survey, client_token)
        if existing is None:
            raise
        return _resubmission(survey, existing, cleaned, language)
    if is_suspect:
        security_event("response_suspect", survey=survey.slug, reason=suspect_reason)
    return Submission(response=response, created=True)


def _resubmission(survey: Survey, existing: Response, cleaned: dict, language: str):
    if existing.answers != cleaned or existing.language != language:
        security_event("client_token_reused", survey=survey.slug)
        raise TokenReused(
            _("This form was already sent with different answers. Please reload the page.")
        )
    return Submission(response=existing, created=False)


def _response_with_token(survey: Survey, client_token: uuid.UUID) -> Response | None:
    return Response.objects.filter(survey=survey, client_token=client_token).first()


@transaction.atomic
def questionnaire_import(*, spec: QuestionnaireSpec) -> str:
    """Create or update a survey from a checked spec; return "created", "updated" or
    "unchanged". Re-importing the same file writes nothing."""
    survey = Survey.objects.filter(slug=spec.slug).first()
    if survey is not None and survey_questionnaire(survey) == spec:
        return "unchanged"
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
    """Insert n synthetic responses marked is_demo, in bulk; return how many were stored."""
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
                    is_demo=True,
                )
                for answers, language, age, duration in zip(
                    demo.answers, demo.languages, ages, durations, strict=True
                )
            ],
        )
        stored += size
        if on_batch:
            on_batch(size)
    return stored


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
        answers = answers_clean(spec.questions, row.answers)
    except AnswersInvalid as error:
        code, message = next(iter(error.errors.items()))
        raise ImportRefused(
            f"row {line}, column {csv_format.error_column(code, spec)}: {message}"
        ) from None
    return Response(
        survey=survey,
        answers=answers,
        language=row.language,
        submitted_at=row.submitted_at or now,
        client_token=uuid.uuid4(),
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
