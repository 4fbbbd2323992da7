"""The exports' Celery task (exports/jobs.py says what a job is)."""

from celery import shared_task

from exports.jobs import export_job_run


@shared_task(ignore_result=True)
def export_run(job_id: str) -> None:
    export_job_run(job_id)
