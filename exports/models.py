"""Exports too big for the request path, made by a Celery worker (exports/jobs.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from surveys.models import Survey


class ExportJob(models.Model):
    """One background export: its progress, then its file (until it expires) or why not."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, QUEUED), (RUNNING, RUNNING), (DONE, DONE), (FAILED, FAILED)]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField(max_length=20)
    options = models.JSONField(default=dict, help_text="filter, labels, language, bom")
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=255, blank=True, help_text="under MEDIA_ROOT")
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True, help_text="why it failed")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.survey.slug} {self.format} {self.state}"

    @property
    def percent(self) -> int:
        if self.state == self.DONE:
            return 100
        return min(99, 100 * self.rows_done // self.rows_total) if self.rows_total else 0

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
