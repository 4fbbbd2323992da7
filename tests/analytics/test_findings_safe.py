"""The findings page says which dependences are already established safely (anytime-valid p
below α) and which need more data, and says why there is nothing to say under filters."""

from django.utils import translation

from analytics.charts import Labels
from analytics.filters import ResponseFilter
from analytics.findings import findings_write
from analytics.selectors import survey_analysis
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create


def _findings(survey, chosen=None) -> tuple[dict, object]:
    analysis = survey_analysis(survey, chosen)
    with translation.override("en"):
        return findings_write(analysis, Labels(survey_questionnaire(survey), "en")), analysis


def test_it_sorts_every_dependent_pair_into_safe_or_not_yet(survey):
    demo_responses_create(survey=survey, n=1500, seed=3)
    findings, analysis = _findings(survey)
    dependent = [pair for pair in analysis.pairs if pair.significant]
    safe = [pair for pair in dependent if pair.p_anytime < analysis.options.alpha]
    assert findings["safe_available"] is True
    assert len(findings["safe"]) == len(safe) > 0
    assert len(findings["not_yet_safe"]) == len(dependent) - len(safe)
    assert all("established safely" in sentence for sentence in findings["safe"])
    assert all("keep collecting" in sentence for sentence in findings["not_yet_safe"])


def test_it_says_nothing_is_safe_to_say_under_filters(survey):
    demo_responses_create(survey=survey, n=300, seed=3)
    findings, _analysis = _findings(survey, ResponseFilter(languages=("kk",)))
    assert findings["safe_available"] is False
    assert findings["safe"] == findings["not_yet_safe"] == []
