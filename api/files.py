"""What the API views that send files share: who may export, and errors in JSON whatever
the Accept header asks for."""

from django.utils.translation import gettext_lazy as _
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission

from surveys.models import EXPORT_PERMISSION


class CanExport(BasePermission):
    """The "admins" group and superusers; anonymous requests get 401, other staff 403."""

    message = _("Exporting responses needs the “Can export responses” permission.")

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)


class ErrorsAsJson(BaseContentNegotiation):
    """Files carry their own content type; errors are always JSON, whatever Accept asks
    (so ``Accept: text/csv`` is not answered with 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
