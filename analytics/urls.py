from django.urls import path

from analytics import views

urlpatterns = [
    path("<slug:slug>/", views.overview, name="dashboard_overview"),
    path("<slug:slug>/data/", views.overview_data, name="dashboard_overview_data"),
    path("<slug:slug>/matrix/", views.matrix, name="dashboard_matrix"),
    path("<slug:slug>/matrix/data/", views.matrix_data, name="dashboard_matrix_data"),
    path("<slug:slug>/pairs/<slug:a>/<slug:b>/", views.pair, name="dashboard_pair"),
    path("<slug:slug>/pairs/<slug:a>/<slug:b>/data/", views.pair_data, name="dashboard_pair_data"),
    path("<slug:slug>/findings/", views.findings, name="dashboard_findings"),
    path("<slug:slug>/findings/data/", views.findings_data, name="dashboard_findings_data"),
    path("<slug:slug>/changes/", views.changes, name="dashboard_changes"),
]
