"""/api/: the REST API (v1), its OpenAPI schema and docs. Unknown addresses under /api/v1/
answer 404 in JSON, not HTML. Every part of an address is a slug (surveys and question
codes are), so one that is not, such as a NUL, falls through to that 404 instead of
reaching the database."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import analytics, export_jobs, exports, submissions, surveys

v1 = [
    path("surveys/", surveys.SurveyListApi.as_view(), name="api_surveys"),
    path("surveys/<slug:slug>/", surveys.SurveyDetailApi.as_view(), name="api_survey"),
    path(
        "surveys/<slug:slug>/responses/",
        submissions.ResponseSubmitApi.as_view(),
        name="api_responses",
    ),
    path(
        "surveys/<slug:slug>/analytics/frequencies/",
        analytics.FrequenciesApi.as_view(),
        name="api_frequencies",
    ),
    path(
        "surveys/<slug:slug>/analytics/matrix/",
        analytics.MatrixApi.as_view(),
        name="api_matrix",
    ),
    path(
        "surveys/<slug:slug>/analytics/pairs/<slug:a>/<slug:b>/",
        analytics.PairApi.as_view(),
        name="api_pair",
    ),
    path(
        "surveys/<slug:slug>/export.csv",
        exports.ResponsesCsvApi.as_view(),
        name="api_export_csv",
    ),
    path(
        "surveys/<slug:slug>/export.xlsx",
        exports.ResponsesXlsxApi.as_view(),
        name="api_export_xlsx",
    ),
    path(
        "surveys/<slug:slug>/export.sav",
        exports.ResponsesSavApi.as_view(),
        name="api_export_sav",
    ),
    path(
        "surveys/<slug:slug>/report.docx",
        exports.ReportDocxApi.as_view(),
        name="api_report_docx",
    ),
    path(
        "surveys/<slug:slug>/report.html",
        exports.ReportHtmlApi.as_view(),
        name="api_report_html",
    ),
    path(
        "surveys/<slug:slug>/bundle.zip",
        exports.BundleApi.as_view(),
        name="api_bundle",
    ),
    path(
        "surveys/<slug:slug>/codebook.csv",
        exports.CodebookCsvApi.as_view(),
        name="api_codebook_csv",
    ),
    path(
        "surveys/<slug:slug>/codebook.json",
        exports.CodebookJsonApi.as_view(),
        name="api_codebook_json",
    ),
    path(
        "surveys/<slug:slug>/analysis/matrix.csv",
        exports.MatrixCsvApi.as_view(),
        name="api_matrix_csv",
    ),
    path(
        "surveys/<slug:slug>/analysis/pairs/<slug:a>/<slug:b>.csv",
        exports.CrosstabCsvApi.as_view(),
        name="api_crosstab_csv",
    ),
    path("exports/<uuid:job_id>/", export_jobs.ExportJobApi.as_view(), name="api_export_job"),
    path(
        "exports/<uuid:job_id>/file",
        export_jobs.ExportJobFileApi.as_view(),
        name="api_export_job_file",
    ),
    # Any characters, newlines (%0A) too, which "." would not match.
    re_path(r"^[\s\S]*$", surveys.not_found),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script from this same address
    # (?script), so the docs need no inline script under the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
