"""/api/v1/: the REST API. Unknown addresses under it answer 404 in JSON, not HTML."""

from django.urls import path, re_path

from analytics import api as analytics_api
from surveys import api

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
    re_path(r"^.*$", api.not_found),
]
