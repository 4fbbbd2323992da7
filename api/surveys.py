"""The respondents' REST API: the open surveys and a questionnaire (submitting one response:
api/submissions.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view, schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer
from core.languages import language_codes
from surveys.answers import question_conditions
from surveys.conditions import condition_json
from surveys.models import Survey, in_language
from surveys.questionnaire import KINDS, QuestionnaireSpec
from surveys.selectors import survey_by_slug, survey_questionnaire, survey_read
from surveys.teams import survey_allows

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    description=f"Language of the texts ({', '.join(language_codes())}). Without it, or when "
    "the survey is not offered in it, the Accept-Language header decides, then the survey's "
    "default language.",
)


def survey_or_404(slug: str) -> Survey:
    return _found(survey_by_slug(slug))


def _found(survey: Survey | None) -> Survey:
    if survey is None:
        raise exceptions.NotFound(_("There is no survey at this address; check the slug."))
    return survey


def team_survey_or_404(request: Request, slug: str, right: str) -> Survey:
    """The survey at this address, if the signed-in user's team role (or site-wide reach)
    gives them this right on it (surveys/teams.py); else 404 or 403."""
    survey = _found(survey_read(slug))
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


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@schema(None)
def not_found(request: Request) -> Response:
    raise exceptions.NotFound(_("There is nothing at this address in the API."))
