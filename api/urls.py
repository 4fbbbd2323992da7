"""/api/: the REST API (v1), its OpenAPI schema and docs. Unknown addresses under /api/v1/
answer 404 in JSON, not HTML."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import analytics, exports, surveys

v1 = [
    path("surveys/", surveys.SurveyListApi.as_view(), name="api_surveys"),
    path("surveys/<str:slug>/", surveys.SurveyDetailApi.as_view(), name="api_survey"),
    path(
        "surveys/<str:slug>/responses/",
        surveys.ResponseSubmitApi.as_view(),
        name="api_responses",
    ),
    path(
        "surveys/<str:slug>/analytics/frequencies/",
        analytics.FrequenciesApi.as_view(),
        name="api_frequencies",
    ),
    path(
        "surveys/<str:slug>/analytics/matrix/",
        analytics.MatrixApi.as_view(),
        name="api_matrix",
    ),
    path(
        "surveys/<str:slug>/analytics/pairs/<str:a>/<str:b>/",
        analytics.PairApi.as_view(),
        name="api_pair",
    ),
    path(
        "surveys/<str:slug>/export.csv",
        exports.ResponsesCsvApi.as_view(),
        name="api_export_csv",
    ),
    path(
        "surveys/<str:slug>/export.xlsx",
        exports.ResponsesXlsxApi.as_view(),
        name="api_export_xlsx",
    ),
    path(
        "surveys/<str:slug>/export.sav",
        exports.ResponsesSavApi.as_view(),
        name="api_export_sav",
    ),
    path(
        "surveys/<str:slug>/codebook.csv",
        exports.CodebookCsvApi.as_view(),
        name="api_codebook_csv",
    ),
    path(
        "surveys/<str:slug>/codebook.json",
        exports.CodebookJsonApi.as_view(),
        name="api_codebook_json",
    ),
    path(
        "surveys/<str:slug>/analysis/matrix.csv",
        exports.MatrixCsvApi.as_view(),
        name="api_matrix_csv",
    ),
    path(
        "surveys/<str:slug>/analysis/pairs/<str:a>/<str:b>.csv",
        exports.CrosstabCsvApi.as_view(),
        name="api_crosstab_csv",
    ),
    re_path(r"^.*$", surveys.not_found),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script from this same address
    # (?script), so the docs need no inline script under the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
