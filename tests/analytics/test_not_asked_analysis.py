"""Number questions and skip logic in the engine: encoding (PostgreSQL and Python agree),
counts, the analysis and ``analyze --json`` of a survey with every question kind."""

import numpy as np
import pytest
from scipy import stats

from analytics.counts import Shape, counts_compute
from analytics.encode import NOT_ANSWERED, NOT_ASKED, Layout, documents_encode, responses_encode
from analytics.filters import ResponseFilter
from analytics.selectors import survey_analysis
from analytics.snapshot import snapshot_current
from surveys.selectors import survey_questionnaire
from tests.factories import analyze, every_kind_responses, every_kind_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    survey = every_kind_study()
    every_kind_responses(survey, 300, seed=5)
    return survey


def documents(survey) -> list[dict]:
    return list(survey.responses.order_by("pk").values("answers", "skipped", "language"))


@pytest.mark.postgres
def test_it_encodes_numbers_and_not_asked_the_same_in_postgres_as_in_python(study):
    spec = survey_questionnaire(study)
    in_postgres = responses_encode(study, spec)
    rows = list(
        study.responses.order_by("pk").values_list(
            "id", "submitted_at", "language", "provenance", "is_suspect", "answers", "skipped"
        )
    )
    in_python = documents_encode(spec, rows)
    for left, right in zip(in_postgres.fields(), in_python.fields(), strict=True):
        assert np.array_equal(left, right, equal_nan=True)
    assert in_postgres.numbers.dtype == np.float64


def test_it_codes_not_asked_apart_from_not_answered(study):
    spec = survey_questionnaire(study)
    layout = Layout.of(spec)
    encoded = responses_encode(study, spec)
    assert [c.question for c in layout.columns if c.question in ("comment", "intro", "hours")] == []
    assert layout.numbers == ("hours", "income")
    why = encoded.values[:, layout.indices("why")[0]]
    hours = layout.number_index("hours")
    for row, document in enumerate(documents(study)):
        answers, skipped = document["answers"], document["skipped"]
        assert (why[row] == NOT_ASKED) == ("why" in skipped)
        assert encoded.not_asked[row, hours] == ("hours" in skipped)
        if "hours" in answers:
            assert encoded.numbers[row, hours] == answers["hours"]
        else:
            assert np.isnan(encoded.numbers[row, hours])
        income = encoded.numbers[row, layout.number_index("income")]
        assert income == answers["income"] if "income" in answers else np.isnan(income)
    assert (why == NOT_ANSWERED).sum() == 0  # everyone asked "why" answered it


def test_it_counts_the_respondents_not_asked_each_question(study):
    spec = survey_questionnaire(study)
    counts = counts_compute(Shape.of(spec), Layout.of(spec), responses_encode(study, spec))
    said_yes = sum(d["answers"]["works"] == "yes" for d in documents(study))
    assert counts.tables["skipped:why"][0] == said_yes
    assert counts.tables["skipped:hours"][0] == 300 - said_yes
    assert "skipped:region" not in counts.tables  # no condition, never skipped
    assert counts.tables["answered:income"][0] == sum(
        "income" in d["answers"] for d in documents(study)
    )


def test_it_counts_in_a_pair_only_respondents_asked_and_answering_both(study):
    analysis = survey_analysis(study)
    said_no = sum(d["answers"]["works"] == "no" for d in documents(study))
    pair = analysis.pair("region", "why")
    assert pair.test.n == said_no
    assert pair.not_asked == (0, 300 - said_no)
    why = analysis.question("why")
    assert (why.n_answered, why.n_not_asked, why.n_unanswered) == (said_no, 300 - said_no, 0)


def test_it_tests_a_number_across_an_ordinal_question_like_scipy(study):
    analysis = survey_analysis(study)
    hours = {level: [] for level in ("low", "medium", "high")}
    for document in documents(study):
        if "hours" in document["answers"]:
            hours[document["answers"]["trust"]].append(document["answers"]["hours"])
    expected = stats.kruskal(*hours.values())
    pair = analysis.number_pair("trust", "hours")
    assert (pair.a, pair.b, pair.number, pair.kind) == ("hours", "trust", "hours", "number×single")
    assert pair.test.statistic == pytest.approx(expected.statistic)
    assert pair.test.p == pytest.approx(expected.pvalue)
    assert pair.test.n == sum(len(v) for v in hours.values())
    assert pair.not_asked == (analysis.number("hours").n_not_asked, 0)
    assert pair.groups == ("low", "medium", "high")
    assert [g.n for g in pair.test.groups] == [len(v) for v in hours.values()]
    assert pair.significant  # hours were made to rise with trust


def test_it_leaves_number_pairs_with_multi_and_number_questions_untested(study):
    analysis = survey_analysis(study)
    tested = {frozenset((p.a, p.b)) for p in analysis.number_pairs}
    assert frozenset(("hours", "media")) not in tested
    assert frozenset(("hours", "income")) not in tested
    assert tested == {
        frozenset((number, single))
        for number in ("hours", "income")
        for single in ("region", "works", "trust", "why")
    }


def test_it_adjusts_the_number_pairs_with_the_choice_pairs(study):
    analysis = survey_analysis(study)
    from analytics.stats import adjust_p_values

    shown = [p.shown_p for p in (*analysis.pairs, *analysis.number_pairs)]
    adjusted = adjust_p_values(shown, "bh")
    found = [p.p_adjusted for p in (*analysis.pairs, *analysis.number_pairs)]
    assert found == pytest.approx(adjusted)


def test_it_prints_numbers_and_skips_in_analyze_json(study):
    printed = analyze("every-kind")
    questions = {q["code"]: q for q in printed["questions"]}
    assert "comment" not in questions and "intro" not in questions
    hours = questions["hours"]
    assert hours["kind"] == "number" and hours["weighted"] is False
    answered = [d["answers"]["hours"] for d in documents(study) if "hours" in d["answers"]]
    assert hours["descriptives"]["n"] == len(answered) == hours["n_answered"]
    assert hours["descriptives"]["median"] == pytest.approx(np.median(answered))
    assert hours["n_not_asked"] + hours["n_answered"] + hours["n_unanswered"] == 300
    pairs = {(p["a"], p["b"]): p for p in printed["pairs"]}
    kw = pairs[("hours", "trust")]
    assert kw["epsilon_squared"] == pytest.approx(kw["statistic"] / (kw["n"] - 1))
    assert [g["choice"] for g in kw["groups"]] == ["low", "medium", "high"]
    assert pairs[("works", "why")]["not_asked"] == {"works": 0, "why": hours["n_answered"]}


def test_it_refreshes_a_survey_with_numbers_incrementally(study):
    first = snapshot_current(study)
    every_kind_responses(study, 40, seed=6)
    refreshed = snapshot_current(study)
    spec = survey_questionnaire(study)
    recount = counts_compute(Shape.of(spec), Layout.of(spec), responses_encode(study, spec))
    assert refreshed.watermark > first.watermark
    assert refreshed.counts.tables.keys() == recount.tables.keys()
    for key, table in recount.tables.items():
        assert np.array_equal(refreshed.counts.tables[key], table), key
    answered = int(recount.tables["answered:hours"][0])
    assert survey_analysis(study).number("hours").n_answered == answered


def test_it_analyses_the_numbers_of_a_filtered_view(study):
    kazakh = survey_analysis(study, ResponseFilter(languages=("kk",)))
    income = [
        d["answers"]["income"]
        for d in documents(study)
        if d["language"] == "kk" and "income" in d["answers"]
    ]
    assert kazakh.number("income").descriptives.mean == pytest.approx(np.mean(income))


def test_it_leaves_numbers_unweighted_in_a_weighted_analysis(study):
    from analytics.results import AnalysisOptions
    from analytics.weighting import weights_set

    scheme = {"method": "raking", "margins": {"region": {"north": 0.5, "south": 0.3, "east": 0.2}}}
    weights_set(survey=study, document=scheme)
    weighted = survey_analysis(study, options=AnalysisOptions(weighted=True))
    unweighted = survey_analysis(study)
    assert weighted.weights is not None
    assert weighted.number("hours") == unweighted.number("hours")
    kw = weighted.number_pair("hours", "region")
    assert kw.test == unweighted.number_pair("hours", "region").test
    assert kw.to_json()["weighted"] is False
    assert weighted.pair("region", "why").weighted is not None  # choice pairs: Rao–Scott
    assert weighted.pair("region", "why").not_asked == unweighted.pair("region", "why").not_asked


def test_it_browses_the_responses_of_a_survey_with_every_kind(study):
    from tests.factories import signed_in, user_in_group

    client = signed_in(user_in_group("admins"))
    assert client.get("/dashboard/every-kind/responses/").status_code == 200
    response = study.responses.order_by("pk").first()
    assert client.get(f"/dashboard/every-kind/responses/{response.pk}/").status_code == 200
