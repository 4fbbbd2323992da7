"""A questionnaire in and out of the editor as a file: upload an XLSForm workbook (from
KoboToolbox or ODK) or the platform's JSON to create or update a survey, and download a
survey's questionnaire in either format. The same checks and service as the
import_questionnaire command."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.staff import team_right
from core.errors import ApplicationError
from surveys.models import MANAGE_PERMISSION, Survey
from surveys.questionnaire import QuestionnaireInvalid, QuestionnaireSpec
from surveys.questionnaire_files import (
    QUESTIONNAIRE_FORMATS,
    questionnaire_read,
    questionnaire_write,
)
from surveys.selectors import survey_questionnaire
from surveys.services import questionnaire_import
from surveys.teams import MANAGE, VIEW, reaches_all, survey_allows, surveys_reachable

# A questionnaire of hundreds of questions is well under a megabyte as .xlsx.
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
CONTENT_TYPES = {
    "xlsform": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FORMAT_OF_EXTENSION = {
    extension.lstrip("."): name for name, extension in QUESTIONNAIRE_FORMATS.items()
}


class QuestionnaireUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Questionnaire file"),
        help_text=gettext_lazy(
            "An XLSForm workbook (.xlsx) from KoboToolbox, ODK or this site, or a "
            "questionnaire JSON file (.json). A survey with the same form_id (slug) is updated."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB; a questionnaire is much smaller.")
                % {"limit": UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        try:
            return questionnaire_read(upload.name, upload.read())
        except ApplicationError as error:  # QuestionnaireInvalid, or a condition's error
            raise forms.ValidationError(
                _("This questionnaire cannot be imported: %(reason)s") % {"reason": error}
            ) from None


@login_required
@permission_required(MANAGE_PERMISSION, raise_exception=True)
def questionnaire_upload(request: HttpRequest) -> HttpResponse:
    """GET: the upload form and the surveys one may download; POST: create or update."""
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        spec: QuestionnaireSpec = form.cleaned_data["file"]
        try:
            outcome = _import(request, spec)
        except ApplicationError as error:
            form.add_error("file", str(error.message))
        else:
            messages.success(request, _outcome_message(spec, outcome))
            return redirect("editor:questionnaire_upload")
    surveys = surveys_reachable(request.user, MANAGE).order_by("slug")
    return render(request, "editor/transfer_upload.html", {"form": form, "surveys": surveys})


def _import(request: HttpRequest, spec: QuestionnaireSpec) -> str:
    """Create the survey (with the right on every survey) or update it (with the right on
    it), through the import command's service."""
    existing = Survey.objects.filter(slug=spec.slug).first()
    allowed = (
        survey_allows(request.user, existing, MANAGE)
        if existing is not None
        else reaches_all(request.user, MANAGE)
    )
    if not allowed:
        raise ApplicationError(
            _("You may not change the survey %(slug)s; ask one of its owners.")
            % {"slug": spec.slug}
        )
    return questionnaire_import(spec=spec)


def _outcome_message(spec: QuestionnaireSpec, outcome: str) -> str:
    words = {
        "created": _("Survey %(slug)s created with %(count)d questions."),
        "updated": _("Survey %(slug)s updated: it now has %(count)d questions."),
        "unchanged": _("Survey %(slug)s already had this questionnaire: nothing changed."),
    }
    return words[outcome] % {"slug": spec.slug, "count": len(spec.questions)}


@team_right(VIEW)
def questionnaire_download(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """The survey's questionnaire as an XLSForm workbook (.xlsx) or JSON file (.json)."""
    survey = get_object_or_404(Survey, slug=slug)
    format = FORMAT_OF_EXTENSION[extension]
    try:
        content = questionnaire_write(survey_questionnaire(survey), format)
    except QuestionnaireInvalid as error:
        context = {"survey": survey, "reason": str(error)}
        return render(request, "editor/transfer_refused.html", context, status=409)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{slug}.{extension}"'
    return response
