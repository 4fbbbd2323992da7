from django.urls import path, re_path

from editor import transfer

app_name = "editor"

urlpatterns: list = [
    path("questionnaires/upload/", transfer.questionnaire_upload, name="questionnaire_upload"),
    re_path(
        r"^(?P<slug>[-a-z0-9]+)/questionnaire\.(?P<extension>xlsx|json)$",
        transfer.questionnaire_download,
        name="questionnaire_download",
    ),
]
