"""Reads that need more than a one-line queryset."""

from django.db.models import Max

from surveys.models import Survey
from surveys.questionnaire import ChoiceSpec, QuestionnaireSpec, QuestionSpec

_QUESTIONNAIRES: dict[tuple, QuestionnaireSpec] = {}


def survey_questionnaire(survey: Survey) -> QuestionnaireSpec:
    """The survey's questionnaire as stored, in the same shape as an imported file.

    Kept per process under the survey's revision, which every change to the survey, its
    questions or choices raises (surveys.signals): a submission then costs no queries for
    the questionnaire it is checked against."""
    key = (survey.pk, survey.created_at, survey.revision)
    if key not in _QUESTIONNAIRES:
        if len(_QUESTIONNAIRES) > 100:
            _QUESTIONNAIRES.clear()
        _QUESTIONNAIRES[key] = _questionnaire_read(survey)
    return _QUESTIONNAIRES[key]


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
