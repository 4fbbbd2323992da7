"""What the API views that send files share: who may export, and errors in JSON whatever
the Accept header asks for."""

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission


class CanExport(BasePermission):
    """Signed in (anonymous requests get 401); the view then asks for the ANALYSE right on
    its survey (an analyst or owner of its team, or site-wide reach: surveys/teams.py),
    else 403."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)


class ErrorsAsJson(BaseContentNegotiation):
    """Files carry their own content type; errors are always JSON, whatever Accept asks
    (so ``Accept: text/csv`` is not answered with 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
