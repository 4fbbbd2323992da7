"""Reads that need more than a one-line queryset."""

import functools
import hashlib
import uuid

from django.core.cache import cache
from django.db.models import Max

from surveys.models import Provenance, Survey
from surveys.questionnaire import ChoiceSpec, QuestionnaireSpec, QuestionSpec

QUESTIONNAIRE_SECONDS = 24 * 3600
# A survey's stamp in the shared cache (survey_by_slug) is kept this long: saving or deleting
# the survey, its questions or choices deletes it at once (surveys.signals); a bulk update()
# is seen within this time.
SURVEY_SECONDS = 10

# The surveys this process looked up lately, each with the stamp it was read under.
_SURVEYS: dict[str, tuple[str, Survey]] = {}
SURVEYS_KEPT = 256


def survey_by_slug(slug: str) -> Survey | None:
    """The survey at ``slug``, for a page or submission that only reads it: a respondent's,
    the public API's. Not to be changed by the caller: it is the same object for every
    request of this process while it is current.

    The shared cache keeps a stamp per slug, not the survey: a process keeps the survey it
    read from the database with the stamp it saw then, and uses it while the cache holds that
    stamp. A change to the survey (surveys.signals) deletes the stamp, so every process reads
    the survey again at its next request; the stamp expires after SURVEY_SECONDS, which
    bounds how long a bulk update() goes unseen. A submission then costs one query, the
    INSERT, and reading a short string from the cache instead of unpickling the survey (7 %
    of a form submission's CPU in the web worker, docs/benchmarks.md)."""
    key = survey_cache_key(slug)
    stamp = cache.get(key)
    kept = _SURVEYS.get(key)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    survey = survey_read(slug)
    if survey is None:
        _SURVEYS.pop(key, None)
        return None
    if stamp is None:
        # Another process may set its own stamp meanwhile; the last one set stays, and a
        # process holding another reads the survey once more and keeps that one.
        stamp = uuid.uuid4().hex
        cache.set(key, stamp, timeout=SURVEY_SECONDS)
    if len(_SURVEYS) >= SURVEYS_KEPT:
        _SURVEYS.clear()
    _SURVEYS[key] = (stamp, survey)
    return survey


def survey_read(slug: str) -> Survey | None:
    """The survey at ``slug``, read from the database: for a staff request, which may change
    it, never the respondents' shared copy (survey_by_slug)."""
    return Survey.objects.filter(slug=slug).first()


@functools.lru_cache(maxsize=1024)
def survey_cache_key(slug: str) -> str:
    return f"survey:{hashlib.sha256(slug.encode()).hexdigest()[:32]}"


# The specs this process used lately, as objects: a spec is frozen, and unpickling it from
# the cache took a third of a millisecond of every submission.
_SPECS: dict[tuple[str, int], QuestionnaireSpec] = {}
SPECS_KEPT = 64


def survey_questionnaire(survey: Survey) -> QuestionnaireSpec:
    """The survey's questionnaire as stored, in the same shape as an imported file.

    Cached under the survey's revision, which every change to the survey, its questions or
    choices raises (surveys.signals), so a cached copy is never stale: a submission then
    costs no queries for the questionnaire it is checked against, and no unpickling once
    this process has seen the revision. The creation time in the
    key keeps a survey re-created under a reused id (SQLite) from meeting the old copy."""
    key = f"questionnaire:{survey.pk}:{survey.created_at.timestamp()}"
    spec = _SPECS.get((key, survey.revision))
    if spec is None:
        spec = cache.get(key, version=survey.revision)
        if spec is None:
            spec = _questionnaire_read(survey)
            cache.set(key, spec, timeout=QUESTIONNAIRE_SECONDS, version=survey.revision)
        if len(_SPECS) >= SPECS_KEPT:
            _SPECS.clear()
        _SPECS[key, survey.revision] = spec
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
                relevant=question.relevant,
                hint=question.hint,
                minimum=question.minimum,
                maximum=question.maximum,
                integer=question.integer,
                unit=question.unit,
                max_length=question.max_length,
            )
            for question in questions
        ),
    )


def survey_watermark(survey: Survey) -> int:
    """The id of the newest response: it changes exactly when a response is stored."""
    return survey.responses.aggregate(latest=Max("pk"))["latest"] or 0


def survey_has_real_responses(survey: Survey) -> bool:
    """Whether a respondent has answered (not a test, not demo data): from then on demo and
    test responses are left out by default (analytics.filters.filter_default)."""
    return survey.responses.filter(provenance=Provenance.REAL).exists()


def survey_real_count(survey: Survey) -> int:
    """How many real responses the survey has: what its quota counts."""
    return survey.responses.filter(provenance=Provenance.REAL).count()
