from django.urls import path, re_path

from editor import preview, transfer, views

app_name = "editor"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("questionnaires/upload/", transfer.questionnaire_upload, name="questionnaire_upload"),
    re_path(
        r"^(?P<slug>[-a-z0-9]+)/questionnaire\.(?P<extension>xlsx|json)$",
        transfer.questionnaire_download,
        name="questionnaire_download",
    ),
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
