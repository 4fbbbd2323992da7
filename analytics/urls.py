from django.urls import path

from analytics import browse_views, share, views

# Each page's data/ address: its figures and live blocks as JSON (static/js/live.js).
DATA = {"data": True}

urlpatterns = [
    path("", views.switch, name="dashboard_switch"),
    path("<slug:slug>/", views.overview, name="dashboard_overview"),
    path("<slug:slug>/data/", views.overview, DATA, name="dashboard_overview_data"),
    path("<slug:slug>/matrix/", views.matrix, name="dashboard_matrix"),
    path("<slug:slug>/matrix/data/", views.matrix, DATA, name="dashboard_matrix_data"),
    path("<slug:slug>/pairs/<slug:a>/<slug:b>/", views.pair, name="dashboard_pair"),
    path("<slug:slug>/pairs/<slug:a>/<slug:b>/data/", views.pair, DATA, name="dashboard_pair_data"),
    path("<slug:slug>/findings/", views.findings, name="dashboard_findings"),
    path("<slug:slug>/findings/data/", views.findings, DATA, name="dashboard_findings_data"),
    path("<slug:slug>/changes/", views.changes, name="dashboard_changes"),
    path("<slug:slug>/responses/", browse_views.responses, name="dashboard_responses"),
    path(
        "<slug:slug>/responses/<int:pk>/",
        browse_views.response_detail,
        name="dashboard_response",
    ),
    path("<slug:slug>/responses/other/", browse_views.other_answers, name="dashboard_other"),
    path("<slug:slug>/responses/texts/", browse_views.text_answers, name="dashboard_texts"),
    path(
        "<slug:slug>/responses/delete/",
        browse_views.delete_synthetic,
        name="dashboard_responses_delete",
    ),
    path("<slug:slug>/share/", share.share, name="dashboard_share"),
    path(
        "<slug:slug>/share/qr/<str:language>.<str:format>",
        share.share_qr,
        name="dashboard_share_qr",
    ),
]
