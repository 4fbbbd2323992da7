from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("jobs/<uuid:job_id>/", views.job, name="job"),
]
