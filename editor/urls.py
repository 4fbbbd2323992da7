from django.urls import path  # noqa: F401  (the editor's pages are added here)

app_name = "editor"

urlpatterns: list = []
