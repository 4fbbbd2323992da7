"""The share panel of a survey: its link in each language with a QR code (SVG and PNG, made
here by segno), an embed snippet, test-mode links, and the schedule (opens at, closes at,
quota of real responses), which staff who may change the survey set here.

Times are entered and shown in the survey's time zone; the page also shows each one in the
staff member's own time zone (static/js/local-time.js, from the browser's).
"""

import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo, available_timezones

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from analytics.staff import staff_context, team_only
from core.languages import language_names
from surveys.models import Survey
from surveys.selectors import survey_real_count
from surveys.services import ScheduleInvalid, survey_schedule_set
from surveys.submissions import closed_message, survey_closed_reason
from surveys.teams import MANAGE, survey_allows

QR_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class SurveyLink:
    language: str
    name: str
    url: str
    test_url: str
    qr_svg: str  # inline <svg>, decorative: the link is written next to it


def survey_link(request: HttpRequest, survey: Survey, language: str) -> str:
    """The form's address that opens it directly in ``language``."""
    form = request.build_absolute_uri(reverse("survey", args=[survey.slug]))
    return f"{form}?lang={language}"


def survey_links(request: HttpRequest, survey: Survey) -> list[SurveyLink]:
    """The form's address in each of its languages, with its QR code."""
    names = language_names()
    links = [(code, survey_link(request, survey, code)) for code in survey.languages]
    return [
        SurveyLink(
            language=code,
            name=names.get(code, code),
            url=url,
            test_url=f"{url}&mode=test",
            qr_svg=segno.make(url, error="m").svg_inline(scale=3),
        )
        for code, url in links
    ]


def embed_snippet(link: str, label: str) -> str:
    """HTML for another site: a link that opens the form. The form refuses to be framed
    (clickjacking protection), so the snippet is a link, not an iframe."""
    return format_html(
        '<a href="{}" target="_blank" rel="noopener" style="display:inline-block;'
        "padding:.6em 1.2em;background:#1d4ed8;color:#fff;border-radius:.3em;"
        'text-decoration:none">{}</a>',
        link,
        label,
    )


class ScheduleForm(forms.Form):
    """The survey's window and quota; times in the chosen time zone."""

    is_open = forms.BooleanField(
        required=False,
        label=gettext_lazy("Accepting responses"),
        help_text=gettext_lazy("Untick to close the survey now, whatever the dates."),
    )
    opens_at = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Opens at"),
        input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    closes_at = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Closes at"),
        input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    quota = forms.IntegerField(
        required=False,
        min_value=1,
        label=gettext_lazy("Quota of real responses"),
        help_text=gettext_lazy("Empty: no limit. Test and demo responses do not count."),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone of these times"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = sorted(available_timezones())
        self.fields["time_zone"].choices = [(zone, zone) for zone in zones]  # type: ignore[attr-defined]


def schedule_form(survey: Survey, data=None) -> ScheduleForm:
    """Bound to ``data`` and read in the time zone it names (else the survey's); unbound,
    showing the survey's schedule in its own time zone."""
    zone = survey.time_zone
    if data is not None and data.get("time_zone") in available_timezones():
        zone = data["time_zone"]
    initial = {
        "is_open": survey.is_open,
        "quota": survey.quota,
        "time_zone": survey.time_zone,
        "opens_at": survey.opens_at and timezone.localtime(survey.opens_at, survey.zone),
        "closes_at": survey.closes_at and timezone.localtime(survey.closes_at, survey.zone),
    }
    with timezone.override(ZoneInfo(zone)):
        form = ScheduleForm(data, initial=initial)
        if data is not None:
            form.is_valid()  # cleaned here, so that times are read in that zone
    return form


@team_only
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    may_change = survey_allows(request.user, survey, MANAGE)
    form = schedule_form(survey, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied("Setting the schedule needs the permission to change surveys.")
        if form.is_valid():
            try:
                survey_schedule_set(survey=survey, user=request.user, **form.cleaned_data)
            except ScheduleInvalid as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The schedule is saved."))
                return redirect("dashboard_share", slug=survey.slug)
    links = survey_links(request, survey)
    reason = survey_closed_reason(survey)
    context = staff_context(request, survey) | {
        "links": links,
        "embed": embed_snippet(links[0].url, survey.title_in()) if links else "",
        "form": form,
        "may_change": may_change,
        "real_count": survey_real_count(survey),
        "state": closed_message(survey, reason) if reason else _("Open: accepting responses."),
    }
    return render(request, "analytics/share.html", context)


@team_only
def share_qr(request: HttpRequest, slug: str, language: str, format: str) -> HttpResponse:
    """The QR code of the form's link in one language, as an SVG or PNG download."""
    survey = get_object_or_404(Survey, slug=slug)
    if language not in survey.languages or format not in QR_FORMATS:
        raise Http404("No such QR code")
    image = io.BytesIO()
    link = survey_link(request, survey, language)
    segno.make(link, error="m").save(image, kind=format, scale=10, border=4)
    response = HttpResponse(image.getvalue(), content_type=QR_FORMATS[format])
    filename = f"{survey.slug}-{language}-qr.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
