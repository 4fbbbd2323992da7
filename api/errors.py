"""What every REST API endpoint shares: one error body, one exception handler, a JSON
parser that cannot be made to crash.

Every error is ``{"detail": sentence, "code": word}``; validation errors add
``"errors": {field or question code: sentence}``. Domain errors raised by services and
selectors become 4xx here, so views never catch them.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.errors import ApplicationError
from core.security import security_event
from surveys.answers import ALL


class ErrorSerializer(serializers.Serializer):
    """The error body, for the schema. Fields are given by get_fields because "errors"
    would hide Serializer.errors."""

    def get_fields(self) -> dict:
        return {
            "detail": serializers.CharField(help_text="What went wrong and what to do."),
            "code": serializers.CharField(help_text="A stable word, e.g. survey_closed."),
            "errors": serializers.DictField(
                child=serializers.CharField(),
                required=False,
                help_text="Validation errors only: a message per field or question code.",
            ),
        }


def error_responses(descriptions: dict[int, str]) -> dict[int, OpenApiResponse]:
    """The schema's error responses of an operation: the error body, per status."""
    return {
        status_code: OpenApiResponse(ErrorSerializer, description=description)
        for status_code, description in descriptions.items()
    }


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def api_exception_handler(exc: Exception, context: dict):
    """DRF's handler (status, WWW-Authenticate, Retry-After) with our error body."""
    exc = _api_exception(exc)
    _security_log(exc, context)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = _error_body(exc)
    return response


def _security_log(exc: Exception, context: dict) -> None:
    request = context.get("request")
    if isinstance(exc, exceptions.Throttled):
        wait = getattr(exc, "wait", None)
        security_event("api_throttled", request, path=request and request.path, wait=wait)
    elif isinstance(exc, exceptions.AuthenticationFailed):
        security_event("api_token_refused", request, path=request and request.path)


def _api_exception(exc: Exception) -> Exception:
    if isinstance(exc, ApplicationError):
        return _domain_exception(exc)
    if isinstance(exc, RequestDataTooBig):
        return BodyTooLarge(
            _("The request body is larger than %(limit)d bytes; send less.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    return exc


def _domain_exception(exc: ApplicationError) -> exceptions.APIException:
    if exc.status == status.HTTP_400_BAD_REQUEST:
        return exceptions.ValidationError(exc.errors or str(exc.message))
    error = exceptions.APIException(str(exc.message), code=exc.code)
    error.status_code = exc.status
    return error


def _error_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        return {
            "detail": str(_("The request has errors: see the message for each field.")),
            "code": "invalid",
            "errors": _messages(exc.detail),
        }
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    return {"detail": _encodable(str(detail)), "code": _encodable(str(code))}


def _messages(detail) -> dict[str, str]:
    if not isinstance(detail, dict):
        return {ALL: _encodable(_sentence(detail))}
    rename = {api_settings.NON_FIELD_ERRORS_KEY: ALL}
    return {
        _encodable(rename.get(key, str(key))): _encodable(_sentence(value))
        for key, value in detail.items()
    }


def _encodable(text: str) -> str:
    """The text with what UTF-8 cannot encode written as an escape: messages echo the
    request, and a JSON body can carry a lone surrogate ("\\ud800"), which would make the
    renderer fail with a 500 instead of answering the 400."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _sentence(detail) -> str:
    if isinstance(detail, dict):
        return " ".join(f"{key}: {_sentence(value)}" for key, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_sentence(item) for item in detail)
    return str(detail)


class DepthSafeJSONParser(JSONParser):
    """JSON nested deeper than Python can recurse is a 400, not a RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
