"""The respondents' REST API: the open surveys, a questionnaire, submitting one response."""

import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import api_view, schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import json as drf_json
from rest_framework.views import APIView

from api.errors import ErrorSerializer, error_responses
from api.throttles import SignedInThrottle, SubmissionThrottle
from core.errors import ApplicationError
from core.languages import language_codes
from surveys.answers import question_conditions
from surveys.conditions import condition_json
from surveys.models import Survey, in_language
from surveys.questionnaire import KINDS, QuestionnaireSpec
from surveys.selectors import survey_by_slug, survey_questionnaire
from surveys.services import Submission, TokenReused, response_submit
from surveys.teams import survey_allows

# Idempotency keys become client tokens: uuid5(namespace, slug + key). Never change it, or
# retries across the change would store a second response.
IDEMPOTENCY_NAMESPACE = uuid.UUID("a388aecb-704f-476d-98c9-a072f106ef98")
IDEMPOTENCY_KEY_MAX_LENGTH = 255
SUBMISSION_METHODS = "POST, OPTIONS"  # the Allow header DRF sends with a stored submission

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    description=f"Language of the texts ({', '.join(language_codes())}). Without it, or when "
    "the survey is not offered in it, the Accept-Language header decides, then the survey's "
    "default language.",
)


class IdempotencyKeyReused(ApplicationError):
    status = 409
    code = "idempotency_key_reused"


def survey_or_404(slug: str) -> Survey:
    survey = survey_by_slug(slug)
    if survey is None:
        raise exceptions.NotFound(_("There is no survey at this address; check the slug."))
    return survey


def team_survey_or_404(request: Request, slug: str, right: str) -> Survey:
    """The survey at this address, if the signed-in user's team role (or site-wide reach)
    gives them this right on it (surveys/teams.py); else 404 or 403."""
    survey = survey_or_404(slug)
    if not survey_allows(request.user, survey, right):
        raise exceptions.PermissionDenied(
            _("Your role in this survey's team does not allow this; ask one of its owners.")
        )
    return survey


def questionnaire_language(request: Request, survey: Survey) -> str:
    """?lang= if the survey is offered in it, else the best Accept-Language match, else
    the survey's default language."""
    asked = request.query_params.get("lang")
    if asked and asked in survey.languages:
        return asked
    for tag, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if tag.split("-")[0] in survey.languages:
            return tag.split("-")[0]
    return survey.default_language


class SurveyListApi(APIView):
    @extend_schema_serializer(component_name="SurveySummary")
    class OutputSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        title = serializers.CharField()
        language = serializers.CharField(help_text="The language of the title.")
        languages = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        summary="The surveys open for answers",
        parameters=[LANG_PARAMETER],
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        surveys = []
        for survey in Survey.objects.open():
            language = questionnaire_language(request, survey)
            surveys.append(
                {
                    "slug": survey.slug,
                    "title": survey.title_in(language),
                    "language": language,
                    "languages": survey.languages,
                }
            )
        return Response(self.OutputSerializer(surveys, many=True).data)


class SurveyDetailApi(APIView):
    @extend_schema_serializer(component_name="Questionnaire")
    class OutputSerializer(serializers.Serializer):
        class QuestionSerializer(serializers.Serializer):
            class ChoiceSerializer(serializers.Serializer):
                code = serializers.CharField()
                label = serializers.CharField()  # type: ignore[assignment]
                is_other = serializers.BooleanField(
                    help_text="Ticking it asks for free text under '<question code>_other'."
                )

            code = serializers.CharField()
            kind = serializers.ChoiceField(choices=KINDS)
            required = serializers.BooleanField(  # type: ignore[assignment]
                help_text="Applies only when the question is asked (see relevant)."
            )
            text = serializers.CharField()
            hint = serializers.CharField(allow_blank=True)
            choices = ChoiceSerializer(many=True)
            relevant = serializers.CharField(
                allow_blank=True,
                help_text="The XLSForm condition over earlier answers under which the "
                "question is asked; empty: always. Answers to a question not asked are "
                "dropped, not stored.",
            )
            condition = serializers.JSONField(
                allow_null=True,
                help_text="The same condition as a tree: {op: and|or|not, args}, {op: "
                "selected, question, choice}, {op: compare, question, count, kind, operator, "
                "value, order}; null: always asked.",
            )
            min = serializers.FloatField(allow_null=True, help_text="Number questions.")
            max = serializers.FloatField(allow_null=True, help_text="Number questions.")
            integer = serializers.BooleanField(help_text="A number question takes whole numbers.")
            unit = serializers.CharField(allow_blank=True, help_text="Number questions.")
            max_length = serializers.IntegerField(
                allow_null=True, help_text="Text questions: the longest answer."
            )

        slug = serializers.SlugField()
        language = serializers.CharField(help_text="The language of every text below.")
        languages = serializers.ListField(child=serializers.CharField())
        is_open = serializers.BooleanField()
        title = serializers.CharField()
        intro = serializers.CharField(allow_blank=True)
        questions = QuestionSerializer(many=True)

    @extend_schema(
        summary="A questionnaire, in one language",
        parameters=[LANG_PARAMETER],
        responses={200: OutputSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, slug: str) -> Response:
        survey = survey_or_404(slug)
        language = questionnaire_language(request, survey)
        questionnaire = _questionnaire_in(survey_questionnaire(survey), language, survey)
        response = Response(self.OutputSerializer(questionnaire).data)
        response["Content-Language"] = language
        return response


def _questionnaire_in(spec: QuestionnaireSpec, language: str, survey: Survey) -> dict:
    def text(texts: dict) -> str:
        return in_language(texts, language, spec.default_language)

    return {
        "slug": spec.slug,
        "language": language,
        "languages": list(spec.languages),
        "is_open": survey.is_open,
        "title": text(spec.title),
        "intro": text(spec.intro) if spec.intro else "",
        "questions": [
            {
                "code": q.code,
                "kind": q.kind,
                "required": q.required,
                "text": text(q.text),
                "hint": text(q.hint) if q.hint else "",
                "choices": [
                    {"code": c.code, "label": text(c.label), "is_other": c.is_other}
                    for c in q.choices
                ],
                "relevant": q.relevant,
                "condition": condition_json(condition) if condition else None,
                "min": q.minimum,
                "max": q.maximum,
                "integer": q.integer,
                "unit": text(q.unit) if q.unit else "",
                "max_length": q.max_length,
            }
            for q, condition in question_conditions(spec.questions)
        ],
    }


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
            {"id": str(submission.response.client_token)},
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
        f'{{"id":"{submission.response.client_token}"}}',
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


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@schema(None)
def not_found(request: Request) -> Response:
    raise exceptions.NotFound(_("There is nothing at this address in the API."))
