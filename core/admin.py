"""The admin for users and API tokens, so that staff who manage users cannot climb above
their own rights (issue 15, finding 1)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from knox.crypto import create_token_string, hash_token
from knox.settings import CONSTANTS
from rest_framework.authtoken.models import TokenProxy

from core.models import ApiToken

admin.site.unregister(User)
admin.site.unregister(TokenProxy)


# What a changelist filter must not read: the tokens (of the first version, and ApiToken's
# through ``auth_token_set``) and the fields of ApiToken that come from the key.
TOKEN_RELATIONS = {"auth_token", "auth_token_set"}
KEY_FIELDS = {"key", "digest", "token_key", "pk"}


def names_a_key(lookup: str, key_fields: set[str]) -> bool:
    """Whether a changelist filter such as ?auth_token_set__token_key__startswith=… reads a
    token's key or digest, which would let one guess the key a character at a time."""
    return not (TOKEN_RELATIONS | key_fields).isdisjoint(lookup.split("__"))


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
class ApiTokenAdmin(admin.ModelAdmin):
    """Named, expiring API tokens. The key is made when the token is saved and shown once, to
    whoever makes it; only its digest is stored. A non-superuser sees and makes only their
    own tokens."""

    list_display = ("name", "prefix", "user", "created", "expiry")
    fields = ("name", "user", "expiry")
    list_select_related = ("user",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        tokens = super().get_queryset(request)
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        lifetime = timedelta(days=settings.API_TOKEN_DAYS)
        return {"user": request.user.pk, "expiry": timezone.now() + lifetime}

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "expiry" in form.base_fields:
            form.base_fields["expiry"].required = True  # a token that never expires: no
        return form

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(username=request.user.get_username())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        return not names_a_key(lookup, KEY_FIELDS) and super().lookup_allowed(
            lookup, value, request
        )

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # a token is made or deleted; its key is its identity

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        key = create_token_string()
        obj.digest, obj.token_key = hash_token(key), key[: CONSTANTS.TOKEN_KEY_LENGTH]
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"The new token's key is {key}. Copy it now: it is not shown again, and only "
            "its digest is stored.",
            messages.WARNING,
        )
