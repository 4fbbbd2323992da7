"""The admin for users and API tokens, so that staff who manage users cannot climb above
their own rights (issue 15, finding 1)."""

from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.authtoken import admin as token_admin
from rest_framework.authtoken.models import TokenProxy

from core.models import ApiToken

admin.site.unregister(User)
admin.site.unregister(TokenProxy)


def names_a_key(lookup: str, key_fields: set[str]) -> bool:
    """Whether a changelist filter such as ?auth_token__key__startswith=… reads a token's
    key, which would let one guess the key a character at a time."""
    return not ({"auth_token", *key_fields}).isdisjoint(lookup.split("__"))


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Django's user admin, where only a superuser grants rights.

    A non-superuser may add users (with a first password), edit their names, e-mail, staff
    and active flags and change their own password, but not another user's: whoever sets a
    password can sign in as that user. They see superuser status, groups and permissions
    read-only, and cannot change, delete or even open a superuser. Groups are read-only rather
    than limited to the editor's own: a form field limited to some groups would drop the
    others on save, and a group's reach is what it grants, which only a superuser can judge.
    """

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "groups", "user_permissions")

    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return self.reaches(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # The password page asks this too.
        return self.reaches(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return self.reaches(request, obj) and super().has_delete_permission(request, obj)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        return not names_a_key(lookup, set()) and super().lookup_allowed(lookup, value, request)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        if not (request.user.is_superuser or str(request.user.pk) == id):
            raise PermissionDenied("Only a superuser sets another user's password.")
        return super().user_change_password(request, id, form_url)

    @staticmethod
    def reaches(request: HttpRequest, obj: User | None) -> bool:
        return obj is None or not obj.is_superuser or request.user.is_superuser


@admin.register(ApiToken)
class ApiTokenAdmin(token_admin.TokenAdmin):
    """API tokens, listed by the key's first characters. A non-superuser sees and makes only
    their own; the full key is shown once, to whoever makes the token."""

    list_display = ("__str__", "user", "created")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        tokens = super().get_queryset(request)
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(username=request.user.get_username())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        return not names_a_key(lookup, {"key", "pk"}) and super().lookup_allowed(
            lookup, value, request
        )

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # a token is made or deleted; its user is its identity

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue=None):
        messages.warning(
            request, f"The new token's key is {obj.key}. Copy it now: it is not shown again."
        )
        return super().response_add(request, obj, post_url_continue)
