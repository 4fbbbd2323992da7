"""Reads the exports need beyond the analysis: when and in which languages the responses a
file covers were collected, the survey's weighting scheme, and whose background export a job
is."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Min
from django.utils import timezone

from analytics.filters import ResponseFilter, responses_filtered
from analytics.models import WeightingScheme
from exports.models import ExportJob
from surveys.models import Survey
from surveys.teams import ANALYSE, survey_allows


@dataclass(frozen=True)
class Collection:
    """The first and last day of the responses (None without responses), how many were
    given in each language, and the survey's weighting scheme (its document: method,
    margins, trim), None without one."""

    first: date | None
    last: date | None
    languages: dict[str, int]
    weighting: dict | None


def responses_collection(survey: Survey, chosen: ResponseFilter, watermark: int) -> Collection:
    """The collection of the responses that pass ``chosen``, up to ``watermark``."""
    responses = responses_filtered(survey, chosen).filter(pk__lte=watermark)
    window = responses.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    by_language = responses.order_by().values_list("language").annotate(n=Count("id"))
    return Collection(
        first=window["first"] and timezone.localdate(window["first"]),
        last=window["last"] and timezone.localdate(window["last"]),
        languages=dict(by_language.values_list("language", "n")),
        weighting=WeightingScheme.objects.filter(survey=survey)
        .values_list("document", flat=True)
        .first(),
    )


def export_job_of(user, job_id) -> ExportJob | None:
    """The job, if it is ``user``'s and they may still export its survey (a member who left
    the team loses their unfinished downloads too); superusers see every job."""
    jobs = ExportJob.objects.select_related("survey")
    if not user.is_superuser:
        jobs = jobs.filter(user_id=user.pk)
    job = jobs.filter(pk=job_id).first()
    if job is None or not survey_allows(user, job.survey, ANALYSE):
        return None
    return job
