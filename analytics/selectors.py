"""The analysis a page or command shows: from the snapshot, filtered, cached by watermark;
and the newest finished one, which the dashboards serve while a newer one is computed."""

import hashlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.analysis import analysis_build
from analytics.counts import counts_compute
from analytics.filters import ResponseFilter, filter_for_survey, filter_mask
from analytics.models import WeightingScheme
from analytics.results import Analysis, AnalysisOptions
from analytics.snapshot import (
    Current,
    questionnaire_fingerprint,
    snapshot_current,
    snapshot_matrix,
)
from analytics.weighting import WeightsUnavailable, weights_compute
from analytics.weights import Weights
from core.shared import single_flight, source_digest
from surveys.models import Survey
from surveys.selectors import survey_questionnaire

CACHE_SECONDS = 3600
NEWEST_SECONDS = 24 * 3600  # a filter nobody looked at for a day is computed afresh
REPLACED_SECONDS = 60  # a newest analysis replaced by a newer one, for the pages reading it
# How long a computation may hold its survey's lock before another may start (its holder
# may have died): longer than the longest analysis (about 2 s at a million responses).
COMPUTE_SECONDS = 30
# Part of every cached key: the analytics code's digest, so that in a rolling deploy no
# version reads objects another version pickled.
CODE_FORMAT = source_digest(*Path(__file__).parent.glob("*.py"))
Cached = TypeVar("Cached")


@dataclass(frozen=True)
class Finished:
    """An analysis and when its computation ended."""

    analysis: Analysis
    finished_at: datetime


def watermark_cached(
    what: str, survey: Survey, watermark: int, described: object, compute: Callable[[], Cached]
) -> Cached:
    """``compute()``, or its value cached for this survey's ``watermark`` and ``described``
    (the filter, options, language… that the value depends on).

    The watermark is the cache version, so a new response makes every older value
    unreachable: nothing served is ever stale, and nothing is computed twice for the same
    data; deleting test or demo responses (which raises ``survey.deletions``) does the same.
    ``described`` is hashed to keep keys short and free of spaces."""
    digest = hashlib.sha256(repr(described).encode()).hexdigest()
    key = f"{what}:{CODE_FORMAT}:{survey.pk}:{survey.deletions}:{digest}"
    value = cache.get(key, version=watermark)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS, version=watermark)
    return value


def survey_analysis(
    survey: Survey,
    chosen: ResponseFilter | None = None,
    options: AnalysisOptions | None = None,
) -> Analysis:
    """The full analysis of the survey's responses that pass the filter (by default
    analytics.filters.filter_default's: real responses once there is one, else all).

    Cached (the frozen ``Analysis``, pickled) for the watermark (``watermark_cached``), so it
    is never stale and never recomputed for the same data: a new response changes the key."""
    options = options or AnalysisOptions()
    current = snapshot_current(survey)
    chosen = chosen or filter_for_survey(current.has_real)
    return watermark_cached(
        "analysis",
        survey,
        current.watermark,
        (current.fingerprint, chosen.cache_key(), options),
        lambda: _analyse(survey, current, chosen, options),
    )


def _analyse(
    survey, current: Current, chosen: ResponseFilter, options: AnalysisOptions
) -> Analysis:
    needs_answers = current.spec_has_two_multis or current.spec_has_numbers or options.bootstrap
    stored = chosen.is_everything or chosen.is_real_only
    counts = current.real_counts if chosen.is_real_only else current.counts
    answers, numbers = None, None
    if needs_answers or not stored:
        encoded = snapshot_matrix(survey, current)
        if not chosen.is_everything:
            encoded = encoded.where(filter_mask(encoded, current.layout, current.spec, chosen))
        if not stored:
            counts = counts_compute(current.shape, current.layout, encoded)
        answers = {
            q.code: encoded.values[:, current.layout.indices(q.code)]
            for q in current.spec.choice_questions
        }
        numbers = {code: encoded.number(current.layout, code) for code in current.layout.numbers}
    # The running minimum covers the default view's whole stream: other views have none.
    anytime = current.anytime_minimum if chosen == filter_for_survey(current.has_real) else None
    return analysis_build(
        current.spec,
        counts,
        options,
        answers,
        watermark=current.watermark,
        anytime=anytime,
        weights=current_weights(current) if options.weighted else None,
        numbers=numbers,
    )


def dashboard_analysis(
    survey: Survey, chosen: ResponseFilter, asked: bool | None, letters_adjust: str = "bh"
) -> tuple[Analysis, str | None]:
    """The analysis a dashboard shows: weighted as ``asked``, or (None) when the survey has
    a weighting scheme; when its weights cannot be computed now, the unweighted analysis
    with the reason, so a page never fails for it."""
    weighted = WeightingScheme.objects.filter(survey=survey).exists() if asked is None else asked
    unweighted = AnalysisOptions(letters_adjust=letters_adjust)
    if not weighted:
        return survey_analysis(survey, chosen, unweighted), None
    try:
        options = AnalysisOptions(weighted=True, letters_adjust=letters_adjust)
        return survey_analysis(survey, chosen, options), None
    except WeightsUnavailable as error:
        return survey_analysis(survey, chosen, unweighted), str(error.message)


def report_analysis(survey: Survey, chosen: ResponseFilter, asked: bool | None) -> Analysis:
    """The analysis a report or bundle publishes: weighted as ``asked`` (True raises
    WeightsUnavailable when the weights cannot be computed), or (None) as the dashboards."""
    if asked:
        return survey_analysis(survey, chosen, AnalysisOptions(weighted=True))
    return dashboard_analysis(survey, chosen, asked)[0]


def current_weights(current: Current) -> Weights:
    """The weights of every respondent cell, raked on the default view's responses so far
    (all of them until a real one arrives, then the real ones; a filtered view keeps them,
    as a subset of a weighted design does)."""
    if current.scheme is None:
        raise WeightsUnavailable(
            current.scheme_problem
            or _(
                "This survey has no weighting scheme; set one in the admin or with "
                "manage.py weights_set."
            )
        )
    counted = current.real_counts if current.has_real else current.counts
    return weights_compute(current.scheme, current.spec, counted.tables["cells"])


def _newest_key(survey: Survey, chosen: ResponseFilter, options: AnalysisOptions) -> str:
    spec = survey_questionnaire(survey)
    described = (questionnaire_fingerprint(spec), survey.deletions, chosen.cache_key(), options)
    digest = hashlib.sha256(repr(described).encode()).hexdigest()
    return f"analysis-newest:{CODE_FORMAT}:{survey.pk}:{digest}"


def _finished_key(survey: Survey, token: str) -> str:
    return f"analysis-finished:{CODE_FORMAT}:{survey.pk}:{token}"


# The newest analyses this process has read, by key: (token, Finished). The shared cache
# keeps, under the newest key, only a token, "<watermark>:<uuid>", naming the pickled
# Finished (a hundred KB at ten questions): a dashboard reads the token on every view and
# unpickles the analysis once per refresh, not once per view. Analyses are immutable.
_read: dict[str, tuple[str, Finished]] = {}
_READ_MOST = 64
_read_lock = threading.Lock()


def analysis_newest(
    survey: Survey, chosen: ResponseFilter, options: AnalysisOptions | None = None
) -> Finished | None:
    """The newest finished analysis for this filter and options, however old; None before
    the first (or once the cache lost it)."""
    key = _newest_key(survey, chosen, options or AnalysisOptions())
    token = cache.get(key)
    if token is None:
        return None
    read = _read.get(key)
    if read is not None and read[0] == token:
        return read[1]
    finished = cache.get(_finished_key(survey, token))
    if finished is not None:
        with _read_lock:
            _read.pop(key, None)
            _read[key] = (token, finished)
            while len(_read) > _READ_MOST:
                del _read[next(iter(_read))]
    return finished


def analysis_finish(
    survey: Survey,
    chosen: ResponseFilter,
    options: AnalysisOptions | None = None,
    prepare: Callable[[Analysis], object] = lambda analysis: None,
) -> Finished | None:
    """Compute the analysis of every response stored so far, ``prepare`` what is shown
    with it, and make it the newest; unless another process on any node is computing it
    already (then None)."""
    options = options or AnalysisOptions()
    key = _newest_key(survey, chosen, options)
    with single_flight(key, COMPUTE_SECONDS) as held:
        if not held:
            return None
        analysis = survey_analysis(survey, chosen, options)
        prepare(analysis)
        finished = Finished(analysis, timezone.now())
        _newest_replace(survey, key, finished)
        return finished


def _newest_replace(survey: Survey, key: str, finished: Finished) -> None:
    """Make ``finished`` the newest under ``key``, unless a newer one is there already. The
    one it replaces stays readable for a minute, for the pages that have just read its
    token."""
    replaced = cache.get(key)
    if replaced is not None and int(replaced.split(":")[0]) > finished.analysis.watermark:
        return
    token = f"{finished.analysis.watermark}:{uuid.uuid4().hex}"
    cache.set(_finished_key(survey, token), finished, timeout=NEWEST_SECONDS)
    cache.set(key, token, timeout=NEWEST_SECONDS)
    if replaced is not None:
        cache.touch(_finished_key(survey, replaced), REPLACED_SECONDS)
