"""Reads that need more than a one-line queryset."""

from django.core.cache import cache
from django.db.models import Max

from surveys.models import Survey
from surveys.questionnaire import ChoiceSpec, QuestionnaireSpec, QuestionSpec

QUESTIONNAIRE_SECONDS = 24 * 3600


def survey_questionnaire(survey: Survey) -> QuestionnaireSpec:
    """The survey's questionnaire as stored, in the same shape as an imported file.

    Cached under the survey's revision, which every change to the survey, its questions or
    choices raises (surveys.signals), so a cached copy is never stale: a submission then
    costs no queries for the questionnaire it is checked against. The creation time in the
    key keeps a survey re-created under a reused id (SQLite) from meeting the old copy."""
    key = f"questionnaire:{survey.pk}:{survey.created_at.timestamp()}"
    spec = cache.get(key, version=survey.revision)
    if spec is None:
        spec = _questionnaire_read(survey)
        cache.set(key, spec, timeout=QUESTIONNAIRE_SECONDS, version=survey.revision)
    return spec


def _questionnaire_read(survey: Survey) -> QuestionnaireSpec:
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


def survey_watermark(survey: Survey) -> int:
    """The id of the newest response: it changes exactly when a response is stored."""
    return survey.responses.aggregate(latest=Max("pk"))["latest"] or 0
