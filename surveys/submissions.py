"""Writes: a respondent's submission, stored exactly once, or refused with the reason the
respondent reads (closed, not in that language, answers invalid, token reused)."""

import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, partial

from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.security import security_event
from surveys.answers import answers_clean, questions_skipped
from surveys.bulk import NewResponse, response_built, response_insert
from surveys.models import Provenance, Response, Survey
from surveys.selectors import survey_questionnaire, survey_real_count


class SubmissionRefused(ApplicationError):
    """The submission cannot be stored; the message says why, in the respondent's language."""


class SurveyClosed(SubmissionRefused):
    """The survey takes no response now: closed by hand, outside its window, or its quota
    of real responses reached. ``reason`` says which (Survey.closed_reason)."""

    status = 410
    code = "survey_closed"

    def __init__(self, survey: Survey, reason: str) -> None:
        super().__init__(closed_message(survey, reason))
        self.reason = reason
        if reason == "not_open_yet":
            self.status, self.code = 403, "survey_not_open_yet"
        elif reason != "closed":
            self.code = f"survey_{reason}"


def closed_message(survey: Survey, reason: str) -> str:
    """The sentence a respondent reads, in the active language, times in the survey's zone."""
    if reason == "not_open_yet":
        when = _survey_time(survey, survey.opens_at)
        return _("This survey opens on %(when)s. Please come back then.") % {"when": when}
    if reason == "ended":
        when = _survey_time(survey, survey.closes_at)
        return _("This survey closed on %(when)s and no longer accepts answers.") % {"when": when}
    if reason == "quota_reached":
        return _("This survey has all the responses it needs and no longer accepts answers.")
    return _("This survey is closed and no longer accepts answers.")


def _survey_time(survey: Survey, moment) -> str:
    shown = formats.date_format(timezone.localtime(moment, survey.zone), "DATETIME_FORMAT")
    return f"{shown} ({survey.time_zone})"


def survey_closed_reason(survey: Survey) -> str | None:
    """Why the survey takes no real response now, or None; counts its real responses only
    when it has a quota."""
    real = survey_real_count(survey) if survey.quota is not None else 0
    return survey.closed_reason(timezone.now(), real)


class TokenReused(SubmissionRefused):
    """The client token belongs to a stored response with different answers."""


@dataclass(frozen=True)
class Submission:
    """A stored submission: its client token at once, its Response instance when asked
    (``response``). Building the instance cost a tenth of a form submission's CPU, and
    neither the form nor the API needs it."""

    client_token: uuid.UUID
    created: bool
    _response: Callable[[], Response] = field(repr=False, compare=False)

    @cached_property
    def response(self) -> Response:
        return self._response()


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
    provenance: str = Provenance.REAL,
) -> Submission:
    """Validate the answers and store one Response, exactly once per client token.

    Sending the same submission again returns the stored response (created=False);
    the same token with other answers raises TokenReused and changes nothing.
    ``is_suspect`` marks a response that looks automated; it is stored all the same.
    A real response is refused outside the survey's window or over its quota (SurveyClosed);
    a staff member's test response (``provenance`` test) is not, so a survey can be piloted
    before it opens.
    """
    if provenance == Provenance.REAL:
        reason = survey_closed_reason(survey)
        if reason is not None:
            raise SurveyClosed(survey, reason)
    if language not in survey.languages:
        unavailable = str(_("This survey is not available in that language."))
        raise SubmissionRefused(unavailable, errors={"language": unavailable})
    questions = survey_questionnaire(survey).questions
    cleaned = answers_clean(questions, answers)
    # One INSERT is atomic by itself: a savepoint (so a duplicate token leaves the caller's
    # transaction usable) is needed only inside one; outside, it would cost a COMMIT.
    inside = connection.in_atomic_block
    # With a quota, the count and the INSERT share a transaction holding the survey's row.
    held = provenance == Provenance.REAL and survey.quota is not None
    try:
        with transaction.atomic() if inside or held else nullcontext():
            if held:
                _quota_hold(survey)
            row = NewResponse(
                answers=cleaned,
                language=language,
                submitted_at=submitted_at or timezone.now(),
                client_token=client_token,
                duration_ms=duration_ms,
                provenance=provenance,
                skipped=tuple(questions_skipped(questions, cleaned)),
                is_suspect=is_suspect,
                suspect_reason=suspect_reason,
            )
            response_id = response_insert(survey, row)
    except IntegrityError:
        # The token was used before (a retry, a double click, a race): insert first and
        # look only then, so the usual, new submission costs one query.
        existing = _response_with_token(survey, client_token)
        if existing is None:
            raise
        return _resubmission(survey, existing, cleaned, language)
    if is_suspect:
        security_event("response_suspect", survey=survey.slug, reason=suspect_reason)
    return Submission(client_token, True, partial(response_built, survey, response_id, row))


def _quota_hold(survey: Survey) -> None:
    """Count the real responses again under a lock on the survey's row, so that two
    respondents sending the last place at once cannot both take it: submissions to a survey
    with a quota wait for each other here, those without one never do."""
    Survey.objects.select_for_update().filter(pk=survey.pk).exists()
    if survey_real_count(survey) >= (survey.quota or 0):
        raise SurveyClosed(survey, "quota_reached")


def _resubmission(survey: Survey, existing: Response, cleaned: dict, language: str):
    if existing.answers != cleaned or existing.language != language:
        security_event("client_token_reused", survey=survey.slug)
        raise TokenReused(
            _("This form was already sent with different answers. Please reload the page.")
        )
    return Submission(existing.client_token, False, lambda: existing)


def _response_with_token(survey: Survey, client_token: uuid.UUID) -> Response | None:
    return Response.objects.filter(survey=survey, client_token=client_token).first()
