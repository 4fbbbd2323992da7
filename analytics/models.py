"""The shared snapshot: counts and the encoded matrix live in the database, so every app
process serves the same numbers and a refresh in one is seen by all."""

from django.db import models

from surveys.models import Survey


class Snapshot(models.Model):
    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="snapshot")
    fingerprint = models.CharField(max_length=64, help_text="questionnaire shape it counted")
    watermark = models.BigIntegerField(default=0, help_text="highest response id counted")
    n = models.PositiveIntegerField(default=0)
    counts = models.BinaryField(default=b"")
    # The same counts for real responses only: the default view once there is one.
    real_n = models.PositiveIntegerField(default=0)
    real_counts = models.BinaryField(default=b"")
    anytime_minimum = models.JSONField(
        default=dict,
        help_text="smallest anytime-valid p of each pair so far, in the default view "
        '(all responses until a real one arrives, real ones after), {"q01:q02": p}',
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("view_analytics", "Can view analytics dashboards")]

    def __str__(self) -> str:
        return f"{self.survey.slug} up to #{self.watermark}"


class MatrixChunk(models.Model):
    """Consecutive encoded responses (ids first_id..last_id), for filtered views."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="matrix_chunks")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    rows = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["survey", "first_id"]
        indexes = [models.Index(fields=["survey", "first_id"])]

    def __str__(self) -> str:
        return f"{self.survey_id}: #{self.first_id}–#{self.last_id}"


class WeightingScheme(models.Model):
    """A survey's population margins, to which its responses are raked (set and checked by
    analytics/weighting.py; the document is the JSON of ``manage.py weights_set``)."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="weighting_scheme")
    document = models.JSONField(
        help_text='{"method": "raking", "margins": {"q01": {"bachelor": 0.45, …}}, '
        '"trim": [0.3, 3.0]}'
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"weights of {self.survey.slug}"
