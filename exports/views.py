"""The page of a background export: it follows the job (the page reloads itself while the
file is being made), then offers the file until it expires, or says why it failed."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.staff import staff_context
from exports.jobs import export_job_file
from exports.models import ExportJob
from exports.selectors import export_job_of

RELOAD_SECONDS = 2  # how often the page of an unfinished job asks again
# The names of the dashboards' export menu.
TITLES = {
    "csv": gettext_lazy("Responses (CSV)"),
    "xlsx": gettext_lazy("Responses (Excel)"),
    "sav": gettext_lazy("Responses (SPSS)"),
    "report-docx": gettext_lazy("Report (Word)"),
    "report-html": gettext_lazy("Report (printable page)"),
    "bundle": gettext_lazy("Reproducible bundle (ZIP)"),
}


@login_required
def job(request: HttpRequest, job_id) -> HttpResponse:
    found = export_job_of(request.user, job_id)
    if found is None:
        raise Http404(_("There is no such export job of yours."))
    unfinished = found.state in (ExportJob.QUEUED, ExportJob.RUNNING)
    ready = export_job_file(found) is not None
    context = staff_context(request, found.survey) | {
        "job": found,
        "title": TITLES.get(found.format, found.format),
        "reload_seconds": RELOAD_SECONDS if unfinished else None,
        "download_url": reverse("api_export_job_file", args=[found.pk]) if ready else None,
    }
    return render(request, "exports/job.html", context)
