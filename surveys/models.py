"""Questionnaires (Survey, Question, Choice) and the responses to them.

Texts are stored per language as JSON ({"kk": ..., "ru": ..., "en": ...}) because the
questionnaire's content comes from its JSON file; interface chrome uses gettext instead.
A Response is one document per submission (the KoboToolbox/Formbricks pattern).
"""

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import JSONField, Value
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Who may export (the "admins" group, superusers): ExportRecord's permission.
EXPORT_PERMISSION = "surveys.export_responses"
# Who may delete all test or demo responses and set a survey's schedule.
MANAGE_PERMISSION = "surveys.change_survey"


def in_language(texts: dict, language: str, fallback: str) -> str:
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()), "")


def site_time_zone() -> str:
    return settings.TIME_ZONE


def time_zone_validate(name: str) -> None:
    if name not in available_timezones():
        raise ValidationError(
            _("%(name)s is not a known time zone: use an IANA name such as Asia/Almaty.")
            % {"name": name}
        )


class SurveyQuerySet(models.QuerySet):
    def open(self) -> "SurveyQuerySet":
        """Surveys whose tick box is on and whose window includes now (the quota is checked
        per survey: Survey.closed_reason)."""
        now = timezone.now()
        return self.filter(is_open=True).exclude(opens_at__gt=now).exclude(closes_at__lte=now)


class Survey(models.Model):
    slug = models.SlugField(unique=True)
    title = models.JSONField(default=dict)
    intro = models.JSONField(default=dict, blank=True)
    languages = models.JSONField(default=list)
    default_language = models.CharField(max_length=8)
    is_open = models.BooleanField(default=True)
    # The window and quota of real responses; outside them the form shows the closed page
    # and the API answers 410. Entered and shown in the survey's time zone.
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    quota = models.PositiveIntegerField(
        null=True, blank=True, help_text="real responses accepted; empty: no limit"
    )
    time_zone = models.CharField(
        max_length=64, default=site_time_zone, validators=[time_zone_validate]
    )
    created_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(
        default=1, editable=False, help_text="raised whenever the questionnaire changes"
    )
    deletions = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="raised whenever test or demo responses are deleted: counts start over",
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        permissions = [
            ("reach_all_surveys", "Can reach every survey with the rights of its groups"),
        ]

    def __str__(self) -> str:
        return self.slug

    def title_in(self, language: str | None = None) -> str:
        return in_language(self.title, language or get_language(), self.default_language)

    def intro_in(self, language: str | None = None) -> str:
        return in_language(self.intro, language or get_language(), self.default_language)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def closed_reason(self, now: datetime, real_responses: int) -> str | None:
        """Why the survey takes no response now ("closed", "not_open_yet", "ended",
        "quota_reached"), or None when it does. ``real_responses``: how many it has."""
        if not self.is_open:
            return "closed"
        if self.opens_at is not None and now < self.opens_at:
            return "not_open_yet"
        if self.closes_at is not None and now >= self.closes_at:
            return "ended"
        if self.quota is not None and real_responses >= self.quota:
            return "quota_reached"
        return None


class SurveyMember(models.Model):
    """One person of a survey's team and their role in it (surveys/teams.py says what each
    role may do)."""

    OWNER = "owner"
    ANALYST = "analyst"
    VIEWER = "viewer"
    ROLES = [
        (OWNER, "owner: edit, share, manage members"),
        (ANALYST, "analyst: dashboards, responses, exports"),
        (VIEWER, "viewer: dashboards only"),
    ]

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_memberships"
    )
    role = models.CharField(max_length=8, choices=ROLES)

    class Meta:
        ordering = ["survey", "user"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="survey_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.survey.slug}"


class Question(models.Model):
    SINGLE = "single"
    ORDINAL = "ordinal"
    MULTI = "multi"
    NUMBER = "number"
    TEXT = "text"
    NOTE = "note"
    KINDS = [
        (SINGLE, "single choice"),
        (ORDINAL, "single choice, ordered"),
        (MULTI, "multiple choice"),
        (NUMBER, "number"),
        (TEXT, "free text"),
        (NOTE, "note (shown, not answered)"),
    ]

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=8, choices=KINDS)
    position = models.PositiveIntegerField()
    required = models.BooleanField(default=True)
    text = models.JSONField(default=dict)
    # The condition under which it is asked, in XLSForm syntax (surveys.conditions).
    relevant = models.TextField(blank=True, default="")
    hint = models.JSONField(default=dict, blank=True)
    # A number question's bounds, whether it takes whole numbers only, and its unit.
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    integer = models.BooleanField(default=False)
    unit = models.JSONField(default=dict, blank=True)
    # A text question's longest answer.
    max_length = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug}.{self.code}"

    def text_in(self, language: str) -> str:
        return in_language(self.text, language, self.survey.default_language)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    code = models.SlugField(max_length=40)
    position = models.PositiveIntegerField()
    is_other = models.BooleanField(default=False)
    label = models.JSONField(default=dict)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="choice_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question}.{self.code}"

    def label_in(self, language: str) -> str:
        return in_language(self.label, language, self.question.survey.default_language)


class Provenance(models.TextChoices):
    """Where a response comes from: a respondent, a staff member's test, or the synthetic
    demo data (seed_demo)."""

    REAL = "real", _("real")
    TEST = "test", _("test")
    DEMO = "demo", _("demo")


class ResponseQuerySet(models.QuerySet):
    def real(self) -> "ResponseQuerySet":
        """Responses from respondents, not tests or synthetic demo data."""
        return self.filter(provenance=Provenance.REAL)

    def after(self, watermark: int) -> "ResponseQuerySet":
        """Responses stored after the given response id, oldest first."""
        return self.filter(pk__gt=watermark).order_by("pk")


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    answers = models.JSONField()
    language = models.CharField(max_length=8)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    client_token = models.UUIDField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    provenance = models.CharField(
        max_length=4,
        choices=Provenance.choices,
        default=Provenance.REAL,
        db_default=Provenance.REAL,
    )
    # Kept and counted like any other, but marked: the honeypot was filled or the form was
    # sent faster than a person reads it. Dashboards can leave these out with a filter.
    # Database defaults too, so bulk inserts that do not name the columns still work.
    is_suspect = models.BooleanField(default=False, db_default=False)
    # The codes of the questions the respondent was not asked because their condition was
    # false when they submitted (skip logic): missing by design, not unanswered.
    skipped = models.JSONField(default=list, blank=True, db_default=Value([], JSONField()))
    suspect_reason = models.CharField(max_length=60, blank=True, default="", db_default="")

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "client_token"], name="response_client_token_unique"
            ),
        ]
        # The newest id of a survey (its watermark, asked every 2 s by every open dashboard)
        # is then one step down an index, however many responses there are.
        indexes = [
            models.Index(fields=["survey", "id"], name="response_survey_id"),
            # "Has the survey a real response yet?" (the default filter) and "delete all test
            # responses" without reading the others.
            models.Index(fields=["survey", "provenance"], name="response_survey_provenance"),
            # The responses browser's keyset pages, newest or oldest first.
            models.Index(fields=["survey", "submitted_at", "id"], name="response_survey_time"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} #{self.pk}"


class ExportRecord(models.Model):
    """One export of a survey's data: who, when, which format, which responses."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=20)
    filters = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("export_responses", "Can export responses")]

    def __str__(self) -> str:
        who = self.user or "command line"
        return f"{self.survey.slug} {self.format} by {who} at {self.created_at:%Y-%m-%d %H:%M}"
