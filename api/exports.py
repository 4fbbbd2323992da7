"""Exports through the API (analysts and owners of a survey's team): responses as CSV, Excel
or SPSS, the codebook, and the analysis tables, each at its own address so the file type is
in the URL.

The query string takes the dashboards' filters (analytics.forms), so a dashboard's export
links carry its filters unchanged. Files come from ``export_make``, which also writes the
export log; CSV files are streamed, so memory stays flat however many responses there are.
"""

from typing import ClassVar

from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.forms import ResponseFilterForm, filter_parse
from analytics.selectors import survey_analysis
from api.errors import error_responses
from api.export_jobs import ExportJobSerializer, job_json
from api.files import CanExport, ErrorsAsJson
from api.filters import FILTER_PARAMETERS
from api.surveys import team_survey_or_404
from api.throttles import SignedInThrottle
from core.languages import language_codes
from exports.jobs import (
    PUBLICATION_FORMATS,
    RESPONSE_FORMATS,
    export_in_background,
    export_job_start,
)
from exports.services import FORMATS, export_make
from surveys.questionnaire import KINDS
from surveys.selectors import survey_has_real_responses, survey_questionnaire
from surveys.teams import ANALYSE

TRUE, FALSE = ("1", "true"), ("0", "false", "")

# Empty, like an untouched field of a form, means no choice.
LANGUAGE_OR_EMPTY = {"type": "string", "enum": [*language_codes(), ""]}
LABELS_PARAMETER = OpenApiParameter(
    "labels",
    LANGUAGE_OR_EMPTY,
    description="Write single-choice answers as their labels in this language (one of the "
    "survey's languages) instead of their codes.",
)
SAV_LABELS_PARAMETER = OpenApiParameter(
    "labels",
    LANGUAGE_OR_EMPTY,
    description="The language of the variable and value labels (one of the survey's "
    "languages); without it, the survey's default language.",
)
REPORT_LANGUAGE_PARAMETER = OpenApiParameter(
    "lang",
    LANGUAGE_OR_EMPTY,
    description="The report's language (kk, ru or en); without it, the language of the "
    "request (Accept-Language, the signed-in user's choice).",
)
REPORT_FORMATS = ("report-docx", "report-html")
BOM_PARAMETER = OpenApiParameter(
    "bom",
    # Empty, like an unticked box of a form, means no.
    {"type": "string", "enum": [*TRUE, *FALSE]},
    description="1 or true: start the file with a UTF-8 byte order mark, which Excel needs "
    "to read UTF-8.",
)
EXPORT_ERRORS = error_responses(
    {
        400: "A filter or option cannot be used.",
        401: "Not signed in and no valid token.",
        403: "Not an analyst or owner of the survey's team, and no site-wide reach.",
        404: "No such survey (or pair).",
        429: "Too many requests from this user; see Retry-After.",
    }
)


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "")
    if value not in TRUE + FALSE:
        raise exceptions.ValidationError({name: _("Send 1 or 0 (true or false).")})
    return value in TRUE


def _wants_a_page(request: Request) -> bool:
    """A browser following a link (it asks for HTML first), not a program asking for JSON."""
    return request.META.get("HTTP_ACCEPT", "").startswith("text/html")


def _binary(description: str, format: str) -> dict:
    content_type = FORMATS[format][2].split(";")[0]
    return {
        (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description=description),
        **EXPORT_ERRORS,
    }


class ExportApi(APIView):
    """One export format; subclasses say which and which query parameters it reads."""

    permission_classes = [CanExport]
    throttle_classes = [SignedInThrottle]
    content_negotiation_class = ErrorsAsJson
    format: ClassVar[str]
    filtered: ClassVar[bool] = True  # reads the dashboard filters
    labelled: ClassVar[bool] = False  # reads ?labels=
    bom: ClassVar[bool] = False  # reads ?bom=

    def get(self, request: Request, slug: str, **pair: str) -> HttpResponseBase:
        survey = team_survey_or_404(request, slug, ANALYSE)
        form = self.filters(request, survey) if self.filtered else None
        chosen = form.response_filter() if form else None
        labels = (request.query_params.get("labels") or None) if self.labelled else None
        if pair:
            analysis = survey_analysis(survey, chosen)
            if analysis.pair(pair["a"], pair["b"]) is None:
                raise exceptions.NotFound(_("There is no such pair of question codes."))
        language = self.language(request, labels)
        labels = labels if self.format != "sav" else None
        bom = _flag(request, "bom") if self.bom else False
        weighted = form.weighting_asked() if form else None
        if not pair and export_in_background(survey, self.format, chosen):
            job = export_job_start(
                survey=survey,
                user=request.user,
                format=self.format,
                chosen=chosen,
                labels=labels,
                language=language,
                bom=bom,
                weighted=weighted,
            )
            body = job_json(job, request)
            if _wants_a_page(request):  # a person who followed a link: the job's page
                return HttpResponseRedirect(body["page_url"], status=303)
            return Response(body, status=202, headers={"Location": body["status_url"]})
        export = export_make(
            survey=survey,
            format=self.format,
            user=request.user,
            chosen=chosen,
            labels=labels,
            language=language,
            bom=bom,
            pair=(pair["a"], pair["b"]) if pair else None,
            weighted=weighted,
        )
        response: HttpResponseBase
        if export.content_type.startswith("text/csv") or self.format == "bundle":
            response = StreamingHttpResponse(export.content, content_type=export.content_type)
        else:
            response = HttpResponse(b"".join(export.content), content_type=export.content_type)
        # The printable page opens in the browser, to be printed; other files download.
        disposition = content_disposition_header(self.format != "report-html", export.filename)
        assert disposition, "every export file has a name"
        response["Content-Disposition"] = disposition
        return response

    def language(self, request: Request, labels: str | None) -> str | None:
        """SPSS: the language of its labels; a report: its language, by default the
        request's; other files: none."""
        if self.format in REPORT_FORMATS:
            language = request.query_params.get("lang") or translation.get_language()
            if language not in language_codes():
                choices = ", ".join(language_codes())
                message = _("Choose one of: %(choices)s.") % {"choices": choices}
                raise exceptions.ValidationError({"lang": message})
            return language
        return labels if self.format == "sav" else None

    @staticmethod
    def filters(request: Request, survey) -> ResponseFilterForm:
        spec = survey_questionnaire(survey)
        return filter_parse(
            spec,
            translation.get_language(),
            request.query_params,
            has_real=survey_has_real_responses(survey),
        )


def _texts(**kwargs) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(), help_text="A text per language code.", **kwargs
    )


@extend_schema_serializer(component_name="Codebook")
class CodebookSerializer(serializers.Serializer):
    """The codebook JSON file's shape, for the schema (the file itself is sent as built)."""

    class CodebookQuestionSerializer(serializers.Serializer):
        class CodebookChoiceSerializer(serializers.Serializer):
            code = serializers.CharField()
            value = serializers.IntegerField(help_text="The SPSS value (1..k).")
            label = _texts()  # type: ignore[assignment]
            other = serializers.BooleanField(help_text="Ticking it asks for free text.")
            column = serializers.CharField(help_text="The export column holding it.")

        code = serializers.CharField()
        kind = serializers.ChoiceField(choices=KINDS)
        required = serializers.BooleanField()  # type: ignore[assignment]
        text = _texts()
        relevant = serializers.CharField(
            allow_blank=True, help_text="The condition under which it is asked (XLSForm)."
        )
        relevant_words = serializers.DictField(
            child=serializers.CharField(),
            help_text="The condition in words, a text per language code; empty: always asked.",
        )
        columns = serializers.ListField(child=serializers.CharField())
        choices = CodebookChoiceSerializer(many=True)

    survey = serializers.SlugField()
    languages = serializers.ListField(child=serializers.CharField())
    title = _texts()
    meta_columns = serializers.ListField(child=serializers.CharField())
    questions = CodebookQuestionSerializer(many=True)
    free_text = serializers.CharField(
        help_text="Which characters free text loses when stored, and why."
    )


RESPONSES_NOTE = (
    "Analysts and owners of the survey's team only. Takes the dashboards' filters; the file "
    "is named in Content-Disposition and every export is recorded in the export log."
)


def export_api(
    format: str,
    operation_id: str,
    summary: str,
    description: str,
    file: str | OpenApiResponse,
    *,
    filtered: bool = True,
    labelled: bool = False,
    bom: bool = False,
) -> type[ExportApi]:
    """The API view of one export format, with its schema made from what it reads: the
    dashboards' filters (``filtered``), ?labels= (``labelled``), ?bom= (``bom``). ``file``
    describes the file sent, or is the whole 200 response of a file with a schema."""
    parameters = [
        *(FILTER_PARAMETERS if filtered else []),
        *([REPORT_LANGUAGE_PARAMETER] if format in REPORT_FORMATS else []),
        *([SAV_LABELS_PARAMETER if format == "sav" else LABELS_PARAMETER] if labelled else []),
        *([BOM_PARAMETER] if bom else []),
    ]
    if isinstance(file, OpenApiResponse):
        responses = {200: file, **EXPORT_ERRORS}
    elif format in PUBLICATION_FORMATS:
        responses = dict(EXPORT_ERRORS)
    else:
        responses = _binary(file, format)
    if format in PUBLICATION_FORMATS:
        responses[202] = OpenApiResponse(
            ExportJobSerializer,
            description=f"{file} It is always made in the background: follow the job's "
            "status_url (also in Location) until its download_url appears.",
        )
    if format in RESPONSE_FORMATS:
        responses[202] = OpenApiResponse(
            ExportJobSerializer,
            description="More responses than EXPORT_BACKGROUND_ROWS: the file is made in the "
            "background; follow the job's status_url (also in Location).",
        )
    if format in RESPONSE_FORMATS + PUBLICATION_FORMATS:
        responses[303] = OpenApiResponse(
            description="When the request asks for HTML first (a browser following a link) "
            "instead of 202: to the job's page (page_url)."
        )
    view = type(
        f"{operation_id.title().replace('_', '')}Api",
        (ExportApi,),
        {"format": format, "filtered": filtered, "labelled": labelled, "bom": bom},
    )
    note = RESPONSES_NOTE if filtered else "Analysts and owners of the survey's team only."
    schema = extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=f"{description} {note}",
        parameters=parameters,
        responses=responses,
    )
    return extend_schema_view(get=schema)(view)


ResponsesCsvApi = export_api(
    "csv",
    "export_responses_csv",
    "Export the responses as CSV (streamed)",
    "The CSV that import_responses reads, one row per response.",
    "The responses, RFC 4180 CSV in UTF-8.",
    labelled=True,
    bom=True,
)
ResponsesXlsxApi = export_api(
    "xlsx",
    "export_responses_xlsx",
    "Export the responses as an Excel workbook",
    "A responses sheet and a codebook sheet.",
    "The workbook (.xlsx).",
    labelled=True,
)
ResponsesSavApi = export_api(
    "sav",
    "export_responses_sav",
    "Export the responses as an SPSS file",
    "Single choices coded 1..k with value labels, multi-choice options as 0/1 variables, "
    "question texts as variable labels.",
    "The SPSS system file (.sav).",
    labelled=True,
)
CodebookCsvApi = export_api(
    "codebook-csv",
    "export_codebook_csv",
    "Export the codebook as CSV",
    "Question codes, texts in each language, kinds, choice codes and labels, and the "
    "export's column names.",
    "The codebook, CSV in UTF-8.",
    filtered=False,
    bom=True,
)
CodebookJsonApi = export_api(
    "codebook-json",
    "export_codebook_json",
    "Export the codebook as JSON",
    "The codebook as a downloadable JSON file.",
    OpenApiResponse(CodebookSerializer, description="The codebook, JSON."),
    filtered=False,
)
MatrixCsvApi = export_api(
    "matrix-csv",
    "export_matrix_csv",
    "Export the dependence matrix as CSV",
    "One row per question pair with every field of the analysis.",
    "The dependence matrix, CSV in UTF-8.",
    bom=True,
)
CrosstabCsvApi = export_api(
    "crosstab-csv",
    "export_crosstab_csv",
    "Export one question pair's crosstab as CSV (a and b in either order)",
    "One row per cell: count, expected count, adjusted residual, row and column percent.",
    "The crosstab, CSV in UTF-8.",
    bom=True,
)
ReportDocxApi = export_api(
    "report-docx",
    "export_report_docx",
    "The Results report as a Word document",
    "Methods (sample, questions, tests and their references) and Results (a table and a chart "
    "per question, the dependence matrix, an APA-style sentence, the statistics and the "
    "crosstab of each dependent pair, caveats), for us-russia-kz also the article beside the "
    "data; in the language of ?lang=.",
    "The report (.docx).",
)
ReportHtmlApi = export_api(
    "report-html",
    "export_report_html",
    "The Results report as a printable HTML page",
    "The same report as one HTML page with print CSS (a page per section); the browser's "
    "print makes the PDF.",
    "The report (.html).",
)
BundleApi = export_api(
    "bundle",
    "export_bundle",
    "The reproducible bundle (ZIP)",
    "The responses CSV, the codebook (CSV, JSON), analysis.json (analyze --json with the same "
    "filters) and two scripts, recompute.R (base R) and recompute.py (pandas, scipy), that "
    "recompute every number and exit non-zero on any difference; with a README.",
    "The bundle (.zip).",
)
