"""The admin for questionnaires and responses (exports add their page in exports/admin.py)."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from surveys.models import Choice, Question, Response, Survey, in_language
from surveys.selectors import survey_questionnaire


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "code", "kind", "required", "text", "choice_codes"]
    readonly_fields = ["choice_codes"]
    extra = 0
    show_change_link = True

    @admin.display(description="choices")
    def choice_codes(self, question: Question) -> str:
        return ", ".join(question.choices.values_list("code", flat=True))


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["position", "code", "is_other", "label"]
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "is_open", "response_count", "created_at"]
    list_filter = ["is_open"]
    inlines = [QuestionInline]

    @admin.display(description="title")
    def title(self, survey: Survey) -> str:
        return survey.title_in()

    @admin.display(description="responses")
    def response_count(self, survey: Survey) -> int:
        return survey.responses.count()


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "required", "position"]
    list_filter = ["survey", "kind"]
    inlines = [ChoiceInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "survey",
        "submitted_at",
        "language",
        "is_demo",
        "is_suspect",
        "suspect_reason",
        "duration_ms",
    ]
    list_filter = ["survey", "submitted_at", "language", "is_demo", "is_suspect"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "survey",
        "readable_answers",
        "language",
        "submitted_at",
        "client_token",
        "duration_ms",
        "is_demo",
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
