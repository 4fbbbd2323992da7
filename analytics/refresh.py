"""Analyses computed in the background (Celery), once per survey, filter and new data, and
served to every node from the shared cache.

A request never waits for a computation it can avoid: it gets the newest finished analysis
(``analysis_served``), which may be a few responses behind and says so, and asks for a
refresh when it is; the dashboards' change check tells open pages when the new one is ready.
Only a never-analysed survey (or one the cache lost) is computed in the request. The
worker also draws the figures of the pages people have open (their languages), renders the
overview's question panels and counts its responses, before it marks the analysis ready, so
a page that shows it draws, renders and counts none of that itself.

Refreshes coalesce: none is queued while one is queued or running for the survey and
filter, nor for ANALYSIS_REFRESH_PAUSE_MS after it ends (with a broker), and one that finds
the analysis already covers the responses it was asked for does nothing.
"""

import hashlib
import logging
import time
from dataclasses import asdict

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from analytics import dashboards
from analytics.charts import Labels
from analytics.filters import ResponseFilter
from analytics.results import Analysis, AnalysisOptions
from analytics.selectors import Finished, analysis_finish, analysis_newest, survey_analysis
from analytics.weighting import WeightsUnavailable
from core.languages import language_codes
from core.shared import first_in, first_in_hold, task_send
from surveys.models import Survey
from surveys.selectors import survey_questionnaire

# A refresh asked for and lost (its worker died) is asked for again after this long.
ASKED_SECONDS = 5
# The languages the dashboards were seen in this recently get their figures drawn.
VIEWED_SECONDS = 600
# A process writes that mark again only this long after it last did: writing it on every
# view was one of a dashboard's round trips to Redis (docs/benchmarks.md, "One round trip
# fewer"). A mark lost with Redis is written again within this time; until then pages in
# that language draw their own figures.
VIEWED_REWRITE_SECONDS = 60
_viewed_written: dict[str, float] = {}
VIEWED_WRITTEN_KEPT = 1024
log = logging.getLogger(__name__)


def analysis_refresh_run(survey_id: int, chosen: dict, options: dict, watermark: int) -> None:
    """Make the analysis of every response stored so far the newest, unless it already
    covers ``watermark`` (the newest response when it was asked for), another worker is
    on it, or the survey is gone."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return
    wanted, shaped = ResponseFilter.from_json(chosen), AnalysisOptions(**options)
    newest = analysis_newest(survey, wanted, shaped)
    if newest is None or newest.analysis.watermark < watermark:
        try:
            analysis_finish(
                survey, wanted, shaped, prepare=lambda analysis: _draw(survey, wanted, analysis)
            )
        except WeightsUnavailable:  # pages show the unweighted analysis and say why
            log.info("weights unavailable for survey %s", survey.slug)
    # Responses from now on need another refresh, asked for after a pause that leaves the
    # cores to the web nodes while submissions pour in.
    first_in_hold(_asked(survey, wanted, shaped), settings.ANALYSIS_REFRESH_PAUSE_MS / 1000)


def _asked(survey: Survey, chosen: ResponseFilter, options: AnalysisOptions) -> str:
    described = f"{chosen.cache_key()}:{options!r}"
    return f"refresh:{survey.pk}:{hashlib.sha256(described.encode()).hexdigest()}"


def _viewed(survey: Survey) -> str:
    return f"viewed:{survey.pk}"


def _viewed_mark(survey: Survey) -> None:
    """Mark the survey's dashboards seen in the current language, unless this process did
    lately. The creation time keeps a survey re-created under a reused id (SQLite) from
    meeting the old one's note."""
    key = f"{_viewed(survey)}:{translation.get_language()}"
    written = f"{key}:{survey.created_at.timestamp()}"
    now = time.monotonic()
    if now - _viewed_written.get(written, -VIEWED_REWRITE_SECONDS) < VIEWED_REWRITE_SECONDS:
        return
    cache.set(key, True, VIEWED_SECONDS)
    if len(_viewed_written) >= VIEWED_WRITTEN_KEPT:
        _viewed_written.clear()
    _viewed_written[written] = now


def _draw(survey: Survey, chosen: ResponseFilter, analysis: Analysis) -> None:
    """The overview's and the matrix's figures and the overview's question panels, in each
    language seen lately, and the overview's response counts at the analysis's watermark."""
    spec = survey_questionnaire(survey)
    seen = cache.get_many([f"{_viewed(survey)}:{code}" for code in language_codes()])
    for key in seen:
        language = key.rsplit(":", 1)[1]
        with translation.override(language):
            board = dashboards.Board(survey, spec, Labels(spec, language), chosen, analysis)
            dashboards.cached_build(board, dashboards.overview_page(), dashboards.overview_build)
            dashboards.cached_build(
                board, "matrix:v", lambda board: dashboards.matrix_build(board, "v")
            )


def analysis_ready(
    survey: Survey, chosen: ResponseFilter, watermark: int, options: AnalysisOptions
) -> Finished | None:
    """The newest finished analysis (None before the first), with a refresh asked for
    (unless one is already queued, on any node) when it is behind ``watermark``, the newest
    response's id. The worker will draw the figures in the current language: a page open
    in it asks this every 2 s."""
    return _ready(survey, chosen, watermark, options, analysis_newest(survey, chosen, options))


def _ready(
    survey: Survey,
    chosen: ResponseFilter,
    watermark: int,
    options: AnalysisOptions,
    newest: Finished | None,
) -> Finished | None:
    """``analysis_ready`` with the newest analysis already read from the cache (unpickling
    it is a dashboard's costliest step after rendering)."""
    _viewed_mark(survey)
    if newest is not None and newest.analysis.watermark >= watermark:
        return newest
    if first_in(_asked(survey, chosen, options), ASKED_SECONDS):
        task_send(
            "analytics.tasks.analysis_refresh",
            survey.pk,
            chosen.to_json(),
            asdict(options),
            watermark,
        )
        return analysis_newest(survey, chosen, options) or newest
    return newest


def analysis_served(
    survey: Survey, chosen: ResponseFilter, watermark: int, options: AnalysisOptions
) -> Finished:
    """``analysis_ready``, but a never-analysed survey (or filter) is computed here."""
    newest = analysis_newest(survey, chosen, options)
    if newest is None:
        computed = analysis_finish(survey, chosen, options)
        return computed or Finished(survey_analysis(survey, chosen, options), timezone.now())
    return _ready(survey, chosen, watermark, options, newest) or newest


def dashboard_options(
    weighted: bool, letters_adjust: str
) -> tuple[AnalysisOptions, AnalysisOptions]:
    """The options a dashboard asks for and the unweighted ones it falls back to."""
    unweighted = AnalysisOptions(letters_adjust=letters_adjust)
    return AnalysisOptions(weighted=weighted, letters_adjust=letters_adjust), unweighted


def dashboard_served(
    survey: Survey, chosen: ResponseFilter, watermark: int, weighted: bool, letters: str
) -> tuple[Finished, str | None]:
    """What a dashboard shows (``analysis_served`` with ``dashboard_options``); when the
    weights cannot be computed now, the unweighted analysis with the reason, so a page never
    fails for it."""
    options, unweighted = dashboard_options(weighted, letters)
    try:
        return analysis_served(survey, chosen, watermark, options), None
    except WeightsUnavailable as error:
        return analysis_served(survey, chosen, watermark, unweighted), str(error.message)
