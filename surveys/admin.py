"""The admin for questionnaires, their teams and responses (exports add their page in
exports/admin.py). Every list and page shows only the surveys the user reaches
(surveys/teams.py): analysts and owners see a survey, its questions and responses; owners
edit it and manage its team; viewers see nothing here (their place is the dashboards).

Questions and choices are shown, not edited, here: the questionnaire editor (/editor/)
changes them under the rules for surveys with responses (surveys.editing). Texts are shown
per language, never as raw JSON; a survey's title and introduction have a field per
language."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.languages import language_names
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


def texts_shown(texts: dict):
    """Texts per language as a short list (language: text), not JSON."""
    if not texts:
        return "—"
    return format_html(
        '<dl class="texts">{}</dl>',
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", sorted(texts.items())),
    )


def editor_link(address: str):
    return format_html('<a href="{}">edit in the questionnaire editor</a>', address)


class ReadOnlyInline(TeamScopedInline):
    """Shown to whoever sees the page; changed in the questionnaire editor only."""

    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    has_delete_permission = has_change_permission


class QuestionInline(ReadOnlyInline, admin.TabularInline):
    model = Question
    fields = readonly_fields = (
        "position",
        "code",
        "kind",
        "required",
        "question_text",
        "choice_codes",
    )
    show_change_link = True

    @admin.display(description="text")
    def question_text(self, question: Question):
        return texts_shown(question.text)

    @admin.display(description="choices")
    def choice_codes(self, question: Question) -> str:
        return ", ".join(question.choices.values_list("code", flat=True))


class ChoiceInline(ReadOnlyInline, admin.TabularInline):
    model = Choice
    fields = readonly_fields = ("position", "code", "is_other", "labels")

    @admin.display(description="label")
    def labels(self, choice: Choice):
        return texts_shown(choice.label)


class SurveyForm(forms.ModelForm):
    """A survey's title and introduction with a field per language instead of JSON; its
    languages chosen once, when it is made (its questions are written in them)."""

    class Meta:
        model = Survey
        # The title and introduction: a field per language (PER_LANGUAGE_FIELDS).
        fields = ["slug", "languages", "default_language", "is_open", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "languages" in self.fields:
            self.fields["languages"] = forms.MultipleChoiceField(
                choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
            )
        for name in PER_LANGUAGE_FIELDS:
            key, code = name.rsplit("_", 1)
            self.fields[name].initial = getattr(self.instance, key).get(code, "")

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        languages = cleaned.get("languages") or self.instance.languages
        for code in languages:
            if not cleaned.get(f"title_{code}", "").strip():
                self.add_error(f"title_{code}", "Write the title in each language of the survey.")
        return cleaned

    def save(self, commit: bool = True) -> Survey:
        survey = super().save(commit=False)
        for key in ("title", "intro"):
            texts = {code: self.cleaned_data[f"{key}_{code}"].strip() for code in survey.languages}
            setattr(survey, key, {code: text for code, text in texts.items() if text})
        if commit:
            survey.save()
        return survey


def _per_language_fields() -> dict[str, forms.Field]:
    names = language_names()
    return {
        f"{key}_{code}": forms.CharField(
            label=f"{key} ({names[code]})",
            required=False,
            widget=widget(attrs={"lang": code, "rows": 3}),
        )
        for key, widget in (("title", forms.TextInput), ("intro", forms.Textarea))
        for code, _name in settings.LANGUAGES
    }


# Declared on the class (the admin lays out the fields a form declares), from the settings.
PER_LANGUAGE_FIELDS = _per_language_fields()
SurveyForm.base_fields.update(PER_LANGUAGE_FIELDS)
SurveyForm.declared_fields.update(PER_LANGUAGE_FIELDS)


@admin.register(Survey)
class SurveyAdmin(TeamScoped, admin.ModelAdmin):
    form = SurveyForm
    list_display = ["slug", "title", "is_open", "opens_at", "closes_at", "quota", "response_count"]
    list_filter = ["is_open"]
    # The schedule is set on the share panel, which reads and shows its times in the
    # survey's own time zone; the admin's form would read them in the site's.
    readonly_fields = [
        "questionnaire_editor",
        "pilot_and_share",
        "opens_at",
        "closes_at",
        "quota",
        "time_zone",
    ]
    inlines = [SurveyMemberInline, QuestionInline]
    survey_path = "pk"

    def survey_of(self, obj: Model) -> Survey:
        return obj  # type: ignore[return-value]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new survey has no team yet: Django's "Can add survey" decides.
        return request.user.has_perm("surveys.add_survey")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The questions are written in the survey's languages: chosen once, when it is made.
        fixed = ["languages_shown"] if obj is not None else []
        return [*self.readonly_fields, *fixed]

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return ["languages"] if obj is not None else []

    @admin.display(description="languages")
    def languages_shown(self, survey: Survey) -> str:
        return ", ".join(survey.languages)

    @admin.display(description="questions")
    def questionnaire_editor(self, survey: Survey):
        if survey.pk is None:
            return "—"
        return editor_link(reverse("editor:survey", args=[survey.slug]))

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
    """Shown here; changed, added and deleted in the questionnaire editor."""

    list_display = ["__str__", "kind", "required", "position"]
    list_filter = [("survey", ONLY_REACHED), "kind"]
    inlines = [ChoiceInline]
    fields = readonly_fields = (
        "survey",
        "questionnaire_editor",
        "code",
        "kind",
        "position",
        "required",
        "relevant",
        "question_text",
        "hint_text",
        "minimum",
        "maximum",
        "integer",
        "unit_text",
        "max_length",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="questionnaire editor")
    def questionnaire_editor(self, question: Question):
        return editor_link(reverse("editor:question", args=[question.survey.slug, question.code]))

    @admin.display(description="text")
    def question_text(self, question: Question):
        return texts_shown(question.text)

    @admin.display(description="hint")
    def hint_text(self, question: Question):
        return texts_shown(question.hint)

    @admin.display(description="unit")
    def unit_text(self, question: Question):
        return texts_shown(question.unit)


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
