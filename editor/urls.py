from django.urls import path

from editor import preview, views

app_name = "editor"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("<slug:slug>/", views.survey_page, name="survey"),
    path("<slug:slug>/settings/", views.survey_settings, name="survey_settings"),
    path("<slug:slug>/state/", views.survey_state, name="survey_state"),
    path("<slug:slug>/copy/", views.survey_copy_view, name="survey_copy"),
    path("<slug:slug>/add-question/", views.question, name="question_new"),
    path("<slug:slug>/questions/<slug:code>/", views.question, name="question"),
    path("<slug:slug>/questions/<slug:code>/do/", views.question_action, name="question_action"),
    path("<slug:slug>/preview/", preview.preview, name="preview"),
    path("<slug:slug>/preview/done/", preview.preview_done, name="preview_done"),
]
