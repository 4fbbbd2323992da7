"""The admin for questionnaires, their teams and responses (exports add their page in
exports/admin.py). Every list and page shows only the surveys the user reaches
(surveys/teams.py): analysts and owners see a survey, its questions and responses; owners
edit it and manage its team; viewers see nothing here (their place is the dashboards)."""

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from surveys.models import Choice, Question, Response, Survey, SurveyMember, in_language
from surveys.selectors import survey_questionnaire
from surveys.services import survey_member_set
from surveys.teams import (
    ANALYSE,
    MANAGE,
    reaches_all,
    reaches_any,
    survey_allows,
    surveys_reachable,
)

ONLY_REACHED = admin.RelatedOnlyFieldListFilter  # a filter listing only the surveys shown


class TeamScoped:
    """A model admin whose objects belong to a survey (``survey_path`` from the model to it):
    seen with the ANALYSE right on that survey, changed with MANAGE."""

    survey_path = "survey"

    def survey_of(self, obj: Model) -> Survey:
        return getattr(obj, self.survey_path)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        reached = surveys_reachable(request.user, ANALYSE)
        return super().get_queryset(request).filter(**{f"{self.survey_path}__in": reached})  # type: ignore[misc]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return reaches_any(request.user, ANALYSE)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is None:
            return reaches_any(request.user, ANALYSE)
        return survey_allows(request.user, self.survey_of(obj), ANALYSE)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is None:
            return reaches_any(request.user, MANAGE)
        return survey_allows(request.user, self.survey_of(obj), MANAGE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return reaches_any(request.user, MANAGE) and super().has_add_permission(request)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        reached = obj is None or survey_allows(request.user, self.survey_of(obj), MANAGE)
        return reached and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "survey":
            kwargs["queryset"] = surveys_reachable(request.user, MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class TeamScopedInline:
    """An inline of a survey's (or a question's) page: shown to whoever sees the page,
    editable by the survey's owners."""

    @staticmethod
    def survey_of(obj: Model | None) -> Survey | None:
        return obj.survey if isinstance(obj, Question) else obj  # type: ignore[return-value]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        survey = self.survey_of(obj)
        return survey is None or survey_allows(request.user, survey, ANALYSE)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        survey = self.survey_of(obj)
        if survey is None:  # the page of a survey being made, which its maker will own
            return True
        return survey_allows(request.user, survey, MANAGE)

    has_add_permission = has_delete_permission = has_change_permission


class SurveyMemberInline(TeamScopedInline, admin.TabularInline):
    """The survey's team, on the survey's page: owners add, change and remove members."""

    model = SurveyMember
    fields = ["user", "role"]
    extra = 0


class QuestionInline(TeamScopedInline, admin.TabularInline):
    model = Question
    fields = ["position", "code", "kind", "required", "text", "choice_codes"]
    readonly_fields = ["choice_codes"]
    extra = 0
    show_change_link = True

    @admin.display(description="choices")
    def choice_codes(self, question: Question) -> str:
        return ", ".join(question.choices.values_list("code", flat=True))


class ChoiceInline(TeamScopedInline, admin.TabularInline):
    model = Choice
    fields = ["position", "code", "is_other", "label"]
    extra = 0


@admin.register(Survey)
class SurveyAdmin(TeamScoped, admin.ModelAdmin):
    list_display = ["slug", "title", "is_open", "opens_at", "closes_at", "quota", "response_count"]
    list_filter = ["is_open"]
    # The schedule is set on the share panel, which reads and shows its times in the
    # survey's own time zone; the admin's form would read them in the site's.
    readonly_fields = ["pilot_and_share", "opens_at", "closes_at", "quota", "time_zone"]
    inlines = [SurveyMemberInline, QuestionInline]
    survey_path = "pk"

    def survey_of(self, obj: Model) -> Survey:
        return obj  # type: ignore[return-value]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new survey has no team yet: Django's "Can add survey" decides.
        return request.user.has_perm("surveys.add_survey")

    def save_model(self, request: HttpRequest, obj: Survey, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and not reaches_all(request.user, MANAGE):
            survey_member_set(survey=obj, user=request.user, role=SurveyMember.OWNER)

    @admin.display(description="pilot and share")
    def pilot_and_share(self, survey: Survey):
        """The form in test mode in each language, and the share panel (schedule, QR codes)."""
        if survey.pk is None:
            return "—"
        form = reverse("survey", args=[survey.slug])
        tests = format_html_join(
            " · ",
            '<a href="{}?lang={}&amp;mode=test">test mode ({})</a>',
            ((form, language, language) for language in survey.languages),
        )
        share = reverse("dashboard_share", args=[survey.slug])
        return format_html('{} · <a href="{}">share panel, schedule and quota</a>', tests, share)

    @admin.display(description="title")
    def title(self, survey: Survey) -> str:
        return survey.title_in()

    @admin.display(description="responses")
    def response_count(self, survey: Survey) -> int:
        return survey.responses.count()


@admin.register(Question)
class QuestionAdmin(TeamScoped, admin.ModelAdmin):
    list_display = ["__str__", "kind", "required", "position"]
    list_filter = [("survey", ONLY_REACHED), "kind"]
    inlines = [ChoiceInline]


@admin.register(Response)
class ResponseAdmin(TeamScoped, admin.ModelAdmin):
    list_display = [
        "id",
        "survey",
        "submitted_at",
        "language",
        "provenance",
        "is_suspect",
        "suspect_reason",
        "duration_ms",
    ]
    list_filter = [("survey", ONLY_REACHED), "submitted_at", "language", "provenance", "is_suspect"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "survey",
        "readable_answers",
        "language",
        "submitted_at",
        "client_token",
        "duration_ms",
        "provenance",
        "is_suspect",
        "suspect_reason",
    ]
    exclude = ["answers"]
    list_select_related = ["survey"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="answers")
    def readable_answers(self, response: Response):
        spec = survey_questionnaire(response.survey)
        language = response.language
        rows = []
        for question in spec.questions:
            labels = {
                c.code: in_language(c.label, language, spec.default_language)
                for c in question.choices
            }
            value = response.answers.get(question.code)
            if value is None:
                shown = "—"
            elif isinstance(value, list):
                shown = "; ".join(labels.get(code) or code for code in value) or "(none ticked)"
            else:
                shown = labels.get(value, value)
            other = response.answers.get(question.other_key)
            if other:
                shown = f"{shown} — “{other}”"
            text = in_language(question.text, language, spec.default_language)
            rows.append((question.code, text, shown))
        body = format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table>{}</table>", body)
