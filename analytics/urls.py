from django.urls import path

from analytics import views

# Each page's data/ address: its figures and live blocks as JSON (static/js/live.js).
DATA = {"data": True}

urlpatterns = [
    path("<slug:slug>/", views.overview, name="dashboard_overview"),
    path("<slug:slug>/data/", views.overview, DATA, name="dashboard_overview_data"),
    path("<slug:slug>/matrix/", views.matrix, name="dashboard_matrix"),
    path("<slug:slug>/matrix/data/", views.matrix, DATA, name="dashboard_matrix_data"),
    path("<slug:slug>/pairs/<slug:a>/<slug:b>/", views.pair, name="dashboard_pair"),
    path("<slug:slug>/pairs/<slug:a>/<slug:b>/data/", views.pair, DATA, name="dashboard_pair_data"),
    path("<slug:slug>/findings/", views.findings, name="dashboard_findings"),
    path("<slug:slug>/findings/data/", views.findings, DATA, name="dashboard_findings_data"),
    path("<slug:slug>/changes/", views.changes, name="dashboard_changes"),
]
