"""The analysis a page or command shows: from the snapshot, filtered, cached by watermark."""

import hashlib

from django.core.cache import cache

from analytics.analysis import AnalysisOptions, analysis_build
from analytics.counts import Shape, counts_compute
from analytics.filters import ResponseFilter, filter_mask
from analytics.snapshot import Current, snapshot_current, snapshot_matrix
from surveys.models import Survey


def survey_analysis(
    survey: Survey,
    chosen: ResponseFilter | None = None,
    options: AnalysisOptions | None = None,
) -> dict:
    """The full analysis of the survey's responses that pass the filter.

    Cached under a key holding the watermark, so it is never stale and never recomputed
    for the same data: a new response changes the key."""
    chosen = chosen or ResponseFilter()
    options = options or AnalysisOptions()
    current = snapshot_current(survey)
    described = f"{current.fingerprint}:{current.watermark}:{chosen.cache_key()}:{options}"
    key = f"analysis:{survey.pk}:{hashlib.sha256(described.encode()).hexdigest()}"
    result = cache.get(key)
    if result is None:
        result = _analyse(survey, current, chosen, options)
        cache.set(key, result, timeout=3600)
    return result


def _analyse(survey, current: Current, chosen: ResponseFilter, options: AnalysisOptions) -> dict:
    needs_answers = current.spec_has_two_multis or options.bootstrap > 0
    counts, answers = current.counts, None
    if needs_answers or not chosen.is_everything:
        encoded = snapshot_matrix(survey, current)
        if not chosen.is_everything:
            encoded = encoded.where(filter_mask(encoded, current.layout, current.spec, chosen))
            counts = counts_compute(Shape.of(current.spec), current.layout, encoded)
        answers = {
            q.code: encoded.values[:, current.layout.indices(q.code)]
            for q in current.spec.questions
        }
    analysis = analysis_build(current.spec, counts, options, answers)
    return {"survey": survey.slug, "watermark": current.watermark, **analysis}
