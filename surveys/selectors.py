"""Reads that need more than a one-line queryset."""

from django.db.models import Max
from django.shortcuts import get_object_or_404

from surveys.models import Survey
from surveys.questionnaire import ChoiceSpec, QuestionnaireSpec, QuestionSpec


def survey_questionnaire(survey: Survey) -> QuestionnaireSpec:
    """The survey's questionnaire as stored, in the same shape as an imported file."""
    questions = survey.questions.prefetch_related("choices").order_by("position")
    return QuestionnaireSpec(
        slug=survey.slug,
        languages=tuple(survey.languages),
        default_language=survey.default_language,
        title=survey.title,
        intro=survey.intro,
        questions=tuple(
            QuestionSpec(
                code=question.code,
                kind=question.kind,
                required=question.required,
                text=question.text,
                choices=tuple(
                    ChoiceSpec(code=choice.code, label=choice.label, is_other=choice.is_other)
                    for choice in question.choices.all()
                ),
            )
            for question in questions
        ),
    )


def survey_get_open_or_404(slug: str) -> Survey:
    return get_object_or_404(Survey, slug=slug)


def survey_watermark(survey: Survey) -> int:
    """The id of the newest response: it changes exactly when a response is stored."""
    return survey.responses.aggregate(latest=Max("pk"))["latest"] or 0
