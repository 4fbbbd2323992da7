"""The exports' Celery tasks (exports/jobs.py says what a job is)."""

from celery import shared_task

from exports.jobs import export_job_run, export_jobs_expire


@shared_task(ignore_result=True)
def export_run(job_id: str) -> None:
    export_job_run(job_id)


@shared_task(ignore_result=True)
def exports_expire() -> None:
    """Delete the files of expired background exports (periodic: CELERY_BEAT_SCHEDULE)."""
    export_jobs_expire()
