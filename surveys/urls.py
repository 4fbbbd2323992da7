from django.urls import path

from surveys import views

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("s/<slug:slug>/", views.survey_form, name="survey"),
    path("s/<slug:slug>/thanks/", views.survey_thanks, name="survey_thanks"),
]
