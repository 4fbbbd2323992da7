"""The preview of a survey's form inside the editor's page: the respondent's form itself,
in test mode (what is sent is stored as a test response), which the editor's page alone may
frame. Everywhere else the site refuses to be framed (X-Frame-Options, frame-ancestors)."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from editor.views import editor_only
from surveys.models import Survey
from surveys.views import survey_form

FRAMED_BY_THE_EDITOR = {"frame-ancestors": [SELF]}


@xframe_options_sameorigin
@csp_replace(FRAMED_BY_THE_EDITOR)
@editor_only
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    asked = request.GET.copy()
    asked["mode"] = "test"
    request.GET = asked  # type: ignore[assignment]
    response = survey_form(request, slug)
    thanks = reverse("survey_thanks", args=[slug])
    if response.status_code == 302 and response["Location"].startswith(thanks):
        return redirect("editor:preview_done", slug=slug)
    return response


@xframe_options_sameorigin
@csp_replace(FRAMED_BY_THE_EDITOR)
@editor_only
def preview_done(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    return render(request, "editor/preview_done.html", {"survey": survey})
