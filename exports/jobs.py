"""Background exports, made by a Celery worker (exports/tasks.py): every report and
reproducible bundle, and responses exports of more than EXPORT_BACKGROUND_ROWS responses.
The request gets a job at once; the job shows its progress (rows, percent), then a file to
download until it expires (EXPORT_KEEP_HOURS; a periodic task deletes expired files), or a
message saying why it failed. Smaller responses exports stay streamed in the request
(exports/services.py)."""

import logging
import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from analytics.filters import ResponseFilter, filter_default
from core.shared import task_send
from exports.models import ExportJob
from exports.services import FORMATS, ExportRefused, export_make, responses_upto_now
from surveys.models import Survey

RESPONSE_FORMATS = ("csv", "xlsx", "sav")
# The report and the bundle analyse every response and render documents: always a job.
PUBLICATION_FORMATS = ("report-docx", "report-html", "bundle")
PROGRESS_SECONDS = 0.5  # how often a running job saves its progress
log = logging.getLogger(__name__)


def export_in_background(survey: Survey, format: str, chosen: ResponseFilter | None) -> bool:
    """Whether the export is made by a job rather than in the request."""
    if format in PUBLICATION_FORMATS:
        return True
    if format not in RESPONSE_FORMATS:
        return False
    return responses_upto_now(survey, chosen).count() > settings.EXPORT_BACKGROUND_ROWS


def export_job_start(
    *,
    survey: Survey,
    user,
    format: str,
    chosen: ResponseFilter | None,
    labels: str | None = None,
    language: str | None = None,
    bom: bool = False,
    weighted: bool | None = None,
) -> ExportJob:
    """Queue the export (without a broker it is made now) and return its job.
    ``weighted``: of a report or bundle (None: as the dashboards)."""
    export_jobs_expire()
    options = {
        "filter": (chosen or filter_default(survey)).to_json(),
        "labels": labels,
        "language": language,
        "bom": bom,
        "weighted": weighted,
        "ui_language": translation.get_language(),
    }
    job = ExportJob.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        survey=survey,
        format=format,
        options=options,
        rows_total=responses_upto_now(survey, chosen).count(),
    )
    if not task_send("exports.tasks.export_run", str(job.pk)):
        job.state, job.finished_at = ExportJob.FAILED, timezone.now()
        job.message = _unreachable(format)
        job.save()
    job.refresh_from_db()
    return job


def _unreachable(format: str) -> str:
    if format in PUBLICATION_FORMATS:
        return _("The background worker cannot be reached right now: try again in a minute.")
    return _(
        "The background worker cannot be reached right now: try again in a minute, or "
        "choose filters so that at most %(limit)s responses are exported (those are "
        "made at once)."
    ) % {"limit": settings.EXPORT_BACKGROUND_ROWS}


def export_job_run(job_id: str) -> None:
    """Make a queued job's file, saving its progress as it goes."""
    job = ExportJob.objects.filter(pk=job_id, state=ExportJob.QUEUED).first()
    if job is None:  # done, failed or gone: a task delivered twice does nothing
        return
    job.state = ExportJob.RUNNING
    job.save(update_fields=["state"])
    with translation.override(job.options.get("ui_language")):
        try:
            _make(job)
        except ExportRefused as refused:  # asked for what cannot be made: say what
            job.state, job.message = ExportJob.FAILED, str(refused)
        except Exception as error:  # whatever broke, the person is told and can retry
            log.exception("export job %s failed", job.pk)
            job.state = ExportJob.FAILED
            job.message = _(
                "The export failed (%(error)s). Try again; if it fails again, ask an "
                "administrator to look at the worker's log."
            ) % {"error": type(error).__name__}
            with suppress(OSError):  # a partial file, if one could be written
                _file(job).unlink(missing_ok=True)
    job.finished_at = timezone.now()
    job.save()


def _make(job: ExportJob) -> None:
    options = job.options
    export = export_make(
        survey=job.survey,
        format=job.format,
        user=job.user,
        chosen=ResponseFilter.from_json(options["filter"]),
        labels=options["labels"],
        language=options["language"],
        bom=options["bom"],
        weighted=options.get("weighted"),
    )
    target = _file(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    lines, saved = 0, time.monotonic()
    counts_rows = job.format == "csv"  # one line per response; the others are binary
    with target.open("wb") as output:
        for chunk in export.content:
            output.write(chunk)
            lines += chunk.count(b"\n") if counts_rows else 0
            if counts_rows and time.monotonic() - saved > PROGRESS_SECONDS:
                done = min(lines, job.rows_total)
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
                saved = time.monotonic()
    job.state = ExportJob.DONE
    job.rows_done = job.rows_total = export.row_count
    job.path = str(target.relative_to(settings.MEDIA_ROOT))
    job.filename, job.content_type = export.filename, export.content_type
    job.expires_at = timezone.now() + timedelta(hours=settings.EXPORT_KEEP_HOURS)


def _file(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / f"{job.pk}.{FORMATS[job.format][1]}"


def export_job_file(job: ExportJob) -> Path | None:
    """The finished job's file, or None once it expired (or before it is made)."""
    if job.state != ExportJob.DONE or job.expired or not job.path:
        return None
    path = Path(settings.MEDIA_ROOT) / job.path
    return path if path.is_file() else None


def export_jobs_expire() -> int:
    """Delete the files of expired jobs (the jobs stay, saying so); how many."""
    expired = ExportJob.objects.filter(expires_at__lte=timezone.now()).exclude(path="")
    for job in expired:
        (Path(settings.MEDIA_ROOT) / job.path).unlink(missing_ok=True)
    return expired.update(path="")
