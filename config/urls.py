from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# An unreadable request (too large, too many fields) in the sender's language.
handler400 = "core.request_limits.bad_request"

urlpatterns = [
    # Respondents' pages and the API first: most requests are theirs, and Django tries the
    # patterns in order. No other pattern begins as theirs do, so the order changes nothing.
    path("", include("surveys.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    # Sign-in and password change only: no e-mail is configured, so no password reset.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The staff pages' language switcher (Django's set_language: remembered in a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("dashboard/", include("analytics.urls")),
    path("exports/", include("exports.urls")),
    path("editor/", include("editor.urls")),
]
