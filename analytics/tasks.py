"""The analytics' Celery task (analytics/refresh.py says what it does and who asks)."""

from celery import shared_task

from analytics.refresh import analysis_refresh_run


@shared_task(ignore_result=True)
def analysis_refresh(survey_id: int, chosen: dict, options: dict, watermark: int) -> None:
    analysis_refresh_run(survey_id, chosen, options, watermark)
