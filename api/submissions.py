"""The respondents' REST API: submitting one response."""

import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import json as drf_json
from rest_framework.views import APIView

from api.errors import error_responses
from api.surveys import survey_or_404
from api.throttles import SignedInThrottle, SubmissionThrottle
from core.errors import ApplicationError
from core.languages import language_codes
from surveys.models import Survey
from surveys.selectors import survey_by_slug
from surveys.submissions import Submission, TokenReused, response_submit

# Idempotency keys become client tokens: uuid5(namespace, slug + key). Never change it, or
# retries across the change would store a second response.
IDEMPOTENCY_NAMESPACE = uuid.UUID("a388aecb-704f-476d-98c9-a072f106ef98")
IDEMPOTENCY_KEY_MAX_LENGTH = 255
SUBMISSION_METHODS = "POST, OPTIONS"  # the Allow header DRF sends with a stored submission


class IdempotencyKeyReused(ApplicationError):
    status = 409
    code = "idempotency_key_reused"


class ResponseSubmitApi(APIView):
    throttle_classes = [SubmissionThrottle, SignedInThrottle]

    refusal: Exception | None = None  # of a submission tried before DRF's dispatch

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        """A well-formed anonymous submission, nearly every one, is stored straight away
        (``_stored_at_once``); any other request goes through DRF's dispatch, as does a
        submission refused there, whose refusal ``post`` then raises for DRF to answer."""
        if request.method == "POST":
            try:
                stored = _stored_at_once(request, kwargs["slug"])
            except (ApplicationError, TokenReused) as refusal:
                self.refusal, stored = refusal, None
            if stored is not None:
                return stored
        return super().dispatch(request, *args, **kwargs)

    @extend_schema_serializer(component_name="ResponseSubmission")
    class InputSerializer(serializers.Serializer):
        language = serializers.ChoiceField(
            choices=language_codes(),
            help_text="The language the respondent answered in; one of the survey's languages.",
        )
        answers = serializers.DictField(
            help_text='A choice code per single-choice or ordinal question ("q01": '
            '"teacher"), a list of codes per multi-choice question ("q03": ["cyber", '
            '"other"]), the text of a ticked "other" choice under "<code>_other", a number '
            '(or a string as typed: "12,5") per number question, a string per text question; '
            "none for a note. Answers to questions whose condition does not hold are dropped."
        )

    @extend_schema_serializer(component_name="ResponseStored")
    class OutputSerializer(serializers.Serializer):
        # Not the database's integer id, which counts every survey's responses and so would
        # tell anyone how many came in and how fast; that one is for staff only.
        id = serializers.UUIDField(
            help_text="The stored response's public id: random, or derived from the "
            "Idempotency-Key, so a retry gets the same one."
        )

    @extend_schema(
        summary="Submit one response",
        description="Retrying with the same Idempotency-Key and body is safe: the first "
        "request stores the response (201), later ones return its id (200). Anonymous "
        "submissions are rate-limited per client (429 with Retry-After). Validation errors "
        'name each question: {"errors": {"q05": "Please choose an answer."}}.',
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
                location=OpenApiParameter.HEADER,
                description="Any string up to 255 characters, unique per submission (a "
                "random UUID is best). Without it, every request stores a new response.",
            )
        ],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(OutputSerializer, description="Stored."),
            200: OpenApiResponse(OutputSerializer, description="Already stored by this key."),
            **error_responses(
                {
                    400: "Invalid answers or body.",
                    401: "An invalid token was sent.",
                    403: "Signed in without CSRF token, or the survey is not open yet "
                    "(code survey_not_open_yet; detail says when it opens).",
                    404: "No such survey.",
                    409: "Key reused with another body.",
                    410: "The survey is closed: by hand (survey_closed), past its closing "
                    "time (survey_ended) or its quota of real responses (survey_quota_reached).",
                    413: "The body is too large.",
                    415: "The body is not JSON.",
                    429: "Too many; see Retry-After.",
                }
            ),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        if self.refusal is not None:
            raise _answerable(self.refusal)
        survey = survey_or_404(slug)
        client_token = _client_token(survey, request.headers.get("Idempotency-Key"))
        try:
            submission = response_submit(
                survey=survey, client_token=client_token, **self._submission(request.data)
            )
        except TokenReused as reused:
            raise _answerable(reused) from None
        # What OutputSerializer gives, without building one per submission.
        return Response(
            {"id": str(submission.client_token)},
            status=status.HTTP_201_CREATED if submission.created else status.HTTP_200_OK,
        )

    def _submission(self, data: object) -> dict:
        """The language and the answers. A well-formed body (the usual one) is taken as
        it is: the serializer would return the same two values at about 0.1 ms of CPU a
        submission; any other body goes through it, for its error messages. The answers
        themselves are judged by response_submit."""
        well_formed = _well_formed(data)
        if well_formed is not None:
            return well_formed
        given = self.InputSerializer(data=data)
        given.is_valid(raise_exception=True)
        return given.validated_data


def _stored_at_once(request: HttpRequest, slug: str) -> HttpResponse | None:
    """Store a well-formed submission of a client without credentials, without DRF's
    request wrapping, content negotiation, authentication, parsing and rendering: they were
    a fifth of its CPU (2.93 → 2.40 M instructions; docs/benchmarks.md, "Fifth machine")
    and have nothing to do for it.
    The same checks and the same answer as through DRF: the JSON as DRF's parser reads it,
    the throttle (counted once), the questionnaire's rules in response_submit, whose
    refusals it raises. None, having stored and counted nothing, for anything else (another
    body, Accept or query string, credentials, an unknown survey, a bad key), and, counted,
    for a client over its limit: DRF then answers it."""
    meta = request.META
    if (
        "HTTP_AUTHORIZATION" in meta
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or meta.get("QUERY_STRING")
        or meta.get("HTTP_ACCEPT", "*/*") not in ("*/*", "application/json")
        or request.content_type != "application/json"
        or (request.content_params or {}).get("charset", "utf-8").lower() not in ("utf-8", "utf8")
    ):
        return None
    submitted = _well_formed(_json_body(request))
    survey = survey_by_slug(slug) if submitted is not None else None
    if submitted is None or survey is None:
        return None
    try:
        client_token = _client_token(survey, request.headers.get("Idempotency-Key"))
    except exceptions.ValidationError:
        return None
    if not SubmissionThrottle().allow_respondent(request):
        return None
    submission = response_submit(survey=survey, client_token=client_token, **submitted)
    return _stored_answer(submission)


def _well_formed(data: object) -> dict | None:
    """The language and the answers of a body of the usual shape, as InputSerializer would
    give them; None for any other body."""
    if (
        isinstance(data, dict)
        and data.get("language") in language_codes()
        and isinstance(data.get("answers"), dict)
    ):
        return {"language": data["language"], "answers": data["answers"]}
    return None


def _answerable(refusal: Exception) -> Exception:
    if isinstance(refusal, TokenReused):
        return IdempotencyKeyReused(
            _("This Idempotency-Key was already used with a different body; use a new key.")
        )
    return refusal


def _json_body(request: HttpRequest) -> object:
    """The body as DRF's JSON parser reads it (no NaN or Infinity), or None."""
    try:
        return drf_json.loads(request.body.decode("utf-8"))
    except (RequestDataTooBig, ValueError, RecursionError):  # UnicodeDecodeError is one
        return None


def _stored_answer(submission: Submission) -> HttpResponse:
    """What DRF answers for a stored submission: its JSON renderer's bytes, its headers."""
    answer = HttpResponse(
        f'{{"id":"{submission.client_token}"}}',
        status=status.HTTP_201_CREATED if submission.created else status.HTTP_200_OK,
        content_type="application/json",
    )
    answer["Allow"] = SUBMISSION_METHODS
    return answer


def _client_token(survey: Survey, idempotency_key: str | None) -> uuid.UUID:
    if idempotency_key is None:
        return uuid.uuid4()
    if not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise exceptions.ValidationError(
            {"Idempotency-Key": _("Send between 1 and 255 characters, or leave the header out.")}
        )
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{survey.slug}\n{idempotency_key}")
