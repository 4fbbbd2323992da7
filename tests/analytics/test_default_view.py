"""The snapshot under the default that leaves demo and test responses out once a real one
exists: its real-only counts agree with a recount, and the running minimum of the anytime
p follows the default view's stream."""

from analytics.analysis import analysis_build
from analytics.counts import Shape, counts_compute
from analytics.encode import Layout, responses_encode
from analytics.filters import REAL_ONLY, ResponseFilter
from analytics.models import Snapshot
from analytics.results import AnalysisOptions
from analytics.selectors import survey_analysis
from surveys.models import Provenance
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create
from tests.factories import response_add


def _recount(survey, provenances: tuple[str, ...]):
    spec = survey_questionnaire(survey)
    everything = responses_encode(survey, spec)
    kept = everything.where(
        [Provenance.values[int(code)] in provenances for code in everything.provenance]
    )
    counts = counts_compute(Shape.of(spec), Layout.of(spec), kept)
    return analysis_build(spec, counts, AnalysisOptions(), None, watermark=0)


def _frequencies(analysis) -> list:
    return [(f.choice, f.count) for q in analysis.questions for f in q.frequencies]


def test_it_counts_real_responses_apart_in_the_snapshot(survey, answers):
    demo_responses_create(survey=survey, n=120, seed=6)
    survey_analysis(survey)  # the snapshot counts the demo responses first
    for language in ("kk", "ru", "en"):
        response_add(survey, answers, language=language)
    response_add(survey, {**answers, "q01": "bachelor"}, provenance=Provenance.TEST)
    shown = survey_analysis(survey)
    assert shown.n == 3 == Snapshot.objects.get(survey=survey).real_n
    assert _frequencies(shown) == _frequencies(_recount(survey, REAL_ONLY))
    everything = survey_analysis(survey, ResponseFilter())
    assert everything.n == 124
    assert _frequencies(everything) == _frequencies(_recount(survey, tuple(Provenance.values)))


def test_it_starts_the_running_minimum_over_at_the_first_real_response(survey, answers):
    demo_responses_create(survey=survey, n=400, seed=7)
    demo_only = survey_analysis(survey)
    assert any(p.p_anytime is not None and p.p_anytime < 1 for p in demo_only.pairs)
    response_add(survey, answers)
    real = survey_analysis(survey)
    # One real response is no evidence of anything: the demo data's minimum is gone.
    assert all(p.p_anytime is None or p.p_anytime == 1.0 for p in real.pairs)
    assert survey_analysis(survey, ResponseFilter()).pairs[0].p_anytime is None
