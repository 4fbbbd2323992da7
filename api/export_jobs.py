"""Background exports through the API: a responses export of more than
EXPORT_BACKGROUND_ROWS answers 202 with a job (api/exports.py); the job's address tells its
progress, then its download link until it expires, or why it failed."""

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import error_responses
from api.files import CanExport, ErrorsAsJson
from exports.jobs import export_job_file
from exports.models import ExportJob
from exports.selectors import export_job_of

JOB_ERRORS = error_responses(
    {
        401: "Not signed in and no valid token.",
        404: "No such export job (or another person's).",
    }
)


@extend_schema_serializer(component_name="ExportJob")
class ExportJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=[state for state, _label in ExportJob.STATES])
    format = serializers.CharField()
    rows_total = serializers.IntegerField(help_text="Responses the file will hold.")
    rows_done = serializers.IntegerField(help_text="Responses written so far.")
    percent = serializers.IntegerField()
    status_url = serializers.CharField(help_text="This job's address.")
    page_url = serializers.CharField(help_text="The job's page, for people: it follows the job.")
    download_url = serializers.CharField(
        allow_null=True, help_text="The file, once done and until it expires."
    )
    expires_at = serializers.DateTimeField(allow_null=True)
    message = serializers.CharField(help_text="Why it failed, and what to do.")


def job_json(job: ExportJob, request: Request) -> dict:
    """The job as the API shows it, with absolute links."""
    status_url = request.build_absolute_uri(reverse("api_export_job", args=[job.pk]))
    download = export_job_file(job) is not None
    return {
        "id": str(job.pk),
        "state": job.state,
        "format": job.format,
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "percent": job.percent,
        "status_url": status_url,
        "page_url": request.build_absolute_uri(reverse("exports:job", args=[job.pk])),
        "download_url": f"{status_url}file" if download else None,
        "expires_at": job.expires_at,
        "message": job.message,
    }


def job_or_404(request: Request, job_id) -> ExportJob:
    job = export_job_of(request.user, job_id)
    if job is None:
        raise exceptions.NotFound(_("There is no such export job of yours."))
    return job


class ExportJobApi(APIView):
    permission_classes = [CanExport]

    @extend_schema(
        operation_id="export_job",
        summary="A background export's progress",
        description="Rows written and percent while it runs; a download link when done "
        "(until it expires); a message saying why when it failed.",
        responses={200: ExportJobSerializer, **JOB_ERRORS},
    )
    def get(self, request: Request, job_id) -> Response:
        return Response(job_json(job_or_404(request, job_id), request))


class NotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class ExportJobFileApi(APIView):
    permission_classes = [CanExport]
    content_negotiation_class = ErrorsAsJson

    @extend_schema(
        operation_id="export_job_file",
        summary="Download a background export's file",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, named in Content-Disposition."
            ),
            **error_responses(
                {
                    409: "Not made yet: ask the job's address again later.",
                    410: "Expired (or failed): make the export again.",
                }
            ),
            **JOB_ERRORS,
        },
    )
    def get(self, request: Request, job_id) -> FileResponse:
        job = job_or_404(request, job_id)
        path = export_job_file(job)
        if path is None and job.state in (ExportJob.QUEUED, ExportJob.RUNNING):
            raise NotReady(_("The export is not made yet: ask its address again later."))
        if path is None:
            raise Gone(_("This export has expired or failed: make it again."))
        # The printable report opens in the browser, to be printed; other files download.
        return FileResponse(
            path.open("rb"),
            content_type=job.content_type,
            as_attachment=job.format != "report-html",
            filename=job.filename,
        )
