"""The admin's Export page of a survey (choose a format, download the file by POST, or
follow its background job: exports/jobs.py) and the export log.

Only analysts and owners of the survey's team (or users with site-wide reach and
``surveys.export_responses``: surveys/teams.py) may export; others get 403. Every download
is recorded in the export log. The survey's admin is extended here rather than in
surveys/admin.py, so that surveys never imports exports.
"""

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation

from analytics.forms import ResponseFilterForm
from exports.jobs import export_in_background, export_job_start
from exports.services import FORMATS, ExportRefused, export_make
from surveys.admin import ONLY_REACHED, SurveyAdmin, TeamScoped
from surveys.models import ExportRecord, Survey
from surveys.selectors import survey_has_real_responses, survey_questionnaire
from surveys.teams import ANALYSE, reaches_any, survey_allows

FORMAT_NAMES = {
    "csv": "Responses, CSV",
    "xlsx": "Responses, Excel (.xlsx, with the codebook)",
    "sav": "Responses, SPSS (.sav)",
    "codebook-csv": "Codebook, CSV",
    "codebook-json": "Codebook, JSON",
    "matrix-csv": "Analysis: dependence matrix, CSV",
    "crosstab-csv": "Analysis: one pair's crosstab, CSV",
    "report-docx": "Results report, Word (.docx)",
    "report-html": "Results report, printable page (.html)",
    "bundle": "Reproducible bundle (.zip: data, analysis, R and Python scripts)",
}
# The formats whose "Labels" choice is their language rather than labels in the data.
LANGUAGE_FORMATS = ("sav", "report-docx", "report-html")


class ExportForm(ResponseFilterForm):
    """The export's options, then the dashboards' filters (the same fields, the same names)."""

    format = forms.ChoiceField(choices=[(f, FORMAT_NAMES[f]) for f in FORMATS])
    labels = forms.ChoiceField(
        required=False,
        label="Labels",
        help_text="CSV and Excel: single choices as labels in this language. SPSS: the "
        "language of the variable and value labels. Report: its language.",
    )
    bom = forms.BooleanField(
        required=False, label="Byte order mark", help_text="CSV: lets Excel read UTF-8."
    )
    a = forms.ChoiceField(required=False, label="Crosstab: first question")
    b = forms.ChoiceField(required=False, label="Crosstab: second question")
    field_order = ["format", "labels", "bom", "a", "b"]

    def __init__(self, survey: Survey, data: QueryDict | None = None):
        spec = survey_questionnaire(survey)
        super().__init__(
            spec, translation.get_language(), data, has_real=survey_has_real_responses(survey)
        )
        # Exports carry the weight column, and the crosstab follows the dashboards.
        del self.fields["weighted"], self.fields["letters"]
        languages = [("", "—")] + [(lang, lang) for lang in spec.languages]
        codes = [("", "—")] + [(q.code, q.code) for q in spec.questions]
        choices = {"labels": languages, "a": codes, "b": codes}
        for name, offered in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = offered


def survey_export(request: HttpRequest, survey_id: int, admin_site) -> HttpResponseBase:
    survey = get_object_or_404(Survey, pk=survey_id)
    if not survey_allows(request.user, survey, ANALYSE):
        raise PermissionDenied("Only the survey's analysts and owners may export it.")
    # A download is a POST with the CSRF token (recorded in the export log); a GET, even
    # with options in its query string, only shows the form, so no link or image tag
    # can make a signed-in admin export.
    form = ExportForm(survey, request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        labels = data["labels"] or None
        options = {
            "survey": survey,
            "format": data["format"],
            "user": request.user,
            "chosen": form.response_filter(),
            "labels": labels if data["format"] not in LANGUAGE_FORMATS else None,
            "language": labels if data["format"] in LANGUAGE_FORMATS else None,
            "bom": data["bom"],
        }
        if export_in_background(survey, data["format"], options["chosen"]):
            job = export_job_start(**options)
            return HttpResponseRedirect(reverse("exports:job", args=[job.pk]))
        try:
            export = export_make(
                **options, pair=(data["a"], data["b"]) if data["a"] and data["b"] else None
            )
        except ExportRefused as error:
            form.add_error(None, str(error))
        else:
            response = StreamingHttpResponse(export.content, content_type=export.content_type)
            response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
            return response
    context = {
        **admin_site.each_context(request),
        "title": f"Export {survey.slug}",
        "survey": survey,
        "form": form,
        "opts": Survey._meta,
    }
    return TemplateResponse(request, "admin/surveys/survey/export.html", context)


admin.site.unregister(Survey)


@admin.register(Survey)
class SurveyExportAdmin(SurveyAdmin):
    """The survey's admin with an "Export" page and action."""

    actions = ["export"]

    def get_urls(self):
        export = self.admin_site.admin_view(
            lambda request, survey_id: survey_export(request, survey_id, self.admin_site)
        )
        return [
            path("<int:survey_id>/export/", export, name="surveys_survey_export"),
            *super().get_urls(),
        ]

    @admin.action(description="Export the selected survey…", permissions=["export"])
    def export(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one survey to export.", messages.WARNING)
            return None
        url = reverse("admin:surveys_survey_export", args=[queryset.get().pk])
        return HttpResponseRedirect(url)

    def has_export_permission(self, request) -> bool:
        return reaches_any(request.user, ANALYSE)


@admin.register(ExportRecord)
class ExportRecordAdmin(TeamScoped, admin.ModelAdmin):
    """The export log of the surveys the user may export: read-only, newest first."""

    list_display = ["created_at", "survey", "format", "user", "row_count", "filters"]
    list_filter = [("survey", ONLY_REACHED), "format", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["survey", "user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
