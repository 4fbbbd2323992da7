"""/api/v1/: the REST API. Unknown addresses under it answer 404 in JSON, not HTML."""

from django.urls import path, re_path

from analytics import api as analytics_api
from surveys import api, api_exports

urlpatterns = [
    path("surveys/", api.SurveyListApi.as_view(), name="api_surveys"),
    path("surveys/<str:slug>/", api.SurveyDetailApi.as_view(), name="api_survey"),
    path(
        "surveys/<str:slug>/responses/",
        api.ResponseSubmitApi.as_view(),
        name="api_responses",
    ),
    path(
        "surveys/<str:slug>/analytics/frequencies/",
        analytics_api.FrequenciesApi.as_view(),
        name="api_frequencies",
    ),
    path(
        "surveys/<str:slug>/analytics/matrix/",
        analytics_api.MatrixApi.as_view(),
        name="api_matrix",
    ),
    path(
        "surveys/<str:slug>/analytics/pairs/<str:a>/<str:b>/",
        analytics_api.PairApi.as_view(),
        name="api_pair",
    ),
    path(
        "surveys/<str:slug>/export.csv",
        api_exports.ResponsesCsvApi.as_view(),
        name="api_export_csv",
    ),
    path(
        "surveys/<str:slug>/export.xlsx",
        api_exports.ResponsesXlsxApi.as_view(),
        name="api_export_xlsx",
    ),
    path(
        "surveys/<str:slug>/export.sav",
        api_exports.ResponsesSavApi.as_view(),
        name="api_export_sav",
    ),
    path(
        "surveys/<str:slug>/codebook.csv",
        api_exports.CodebookCsvApi.as_view(),
        name="api_codebook_csv",
    ),
    path(
        "surveys/<str:slug>/codebook.json",
        api_exports.CodebookJsonApi.as_view(),
        name="api_codebook_json",
    ),
    path(
        "surveys/<str:slug>/analysis/matrix.csv",
        api_exports.MatrixCsvApi.as_view(),
        name="api_matrix_csv",
    ),
    path(
        "surveys/<str:slug>/analysis/pairs/<str:a>/<str:b>.csv",
        api_exports.CrosstabCsvApi.as_view(),
        name="api_crosstab_csv",
    ),
    re_path(r"^.*$", api.not_found),
]
