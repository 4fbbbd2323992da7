from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", include("analytics.urls")),
    path("api/", include("config.api_urls")),
    path("", include("surveys.urls")),
]
