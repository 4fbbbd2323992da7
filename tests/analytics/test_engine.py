"""The engine on PostgreSQL: encoding, incremental snapshot, filters, demo findings, JSON."""

import json
from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.counts import Shape, counts_compute
from analytics.encode import Layout, documents_encode, responses_encode
from analytics.filters import ResponseFilter
from analytics.selectors import survey_analysis
from analytics.snapshot import snapshot_current
from surveys.models import Response
from surveys.questionnaire_files import questionnaire_load
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create, questionnaire_import
from tests.factories import PAPER_FINDINGS, analyze, default_questionnaire_document, response_add

FINDINGS = json.loads(PAPER_FINDINGS.read_text())["pearson_chi_square_findings"]


def counts_from_scratch(survey):
    spec = survey_questionnaire(survey)
    encoded = responses_encode(survey, spec)
    return counts_compute(Shape.of(spec), Layout.of(spec), encoded)


def assert_same_counts(left, right):
    assert left.n == right.n
    assert left.tables.keys() == right.tables.keys()
    for key in left.tables:
        assert np.array_equal(left.tables[key], right.tables[key]), key


@pytest.mark.postgres
def test_it_encodes_the_same_in_postgres_as_in_python(survey, answers):
    demo_responses_create(survey=survey, n=200, seed=1)
    q10 = survey.questions.get(code="q10")
    q10.required = False
    q10.save()
    survey.refresh_from_db()
    response_add(
        survey,
        {k: v for k, v in answers.items() if k != "q10"},
        is_suspect=True,
        suspect_reason="honeypot",
    )
    spec = survey_questionnaire(survey)
    in_postgres = responses_encode(survey, spec)
    rows = list(
        survey.responses.order_by("pk").values_list(
            "id", "submitted_at", "language", "provenance", "is_suspect", "answers", "skipped"
        )
    )
    in_python = documents_encode(spec, rows)
    for left, right in zip(in_postgres.fields(), in_python.fields(), strict=True):
        assert np.array_equal(left, right)
    assert in_postgres.values[-1, -1] == -1  # q10 left unanswered
    assert in_postgres.is_suspect.tolist() == [False] * 200 + [True]


def test_it_refreshes_incrementally_to_the_counts_of_a_full_recount(survey):
    demo_responses_create(survey=survey, n=300, seed=1)
    first = snapshot_current(survey)
    demo_responses_create(survey=survey, n=120, seed=2)
    refreshed = snapshot_current(survey)
    assert refreshed.watermark > first.watermark
    assert_same_counts(refreshed.counts, counts_from_scratch(survey))


@pytest.mark.postgres
def test_it_reads_only_the_responses_newer_than_its_watermark(survey):
    demo_responses_create(survey=survey, n=50, seed=1)
    watermark = snapshot_current(survey).watermark
    demo_responses_create(survey=survey, n=5, seed=2)
    with CaptureQueriesContext(connection) as captured:
        snapshot_current(survey)
    copy = next(q["sql"] for q in captured.captured_queries if "COPY" in q["sql"])
    assert f"id > {watermark}" in copy


def test_it_does_no_counting_when_nothing_changed(survey, django_assert_max_num_queries):
    demo_responses_create(survey=survey, n=50, seed=1)
    snapshot_current(survey)
    with django_assert_max_num_queries(4):
        snapshot_current(survey)


def test_it_starts_over_when_the_questionnaire_changes(survey, tmp_path):
    demo_responses_create(survey=survey, n=100, seed=1)
    snapshot_current(survey)
    document = default_questionnaire_document()
    document["questions"][9]["choices"].append(
        {"code": "certain", "label": {"kk": "Анық", "ru": "Наверняка", "en": "Certain"}}
    )
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    questionnaire_import(spec=questionnaire_load(path))
    survey.refresh_from_db()
    current = snapshot_current(survey)
    assert len(current.counts.tables["freq:q10"]) == 4
    assert_same_counts(current.counts, counts_from_scratch(survey))


@pytest.mark.parametrize("seed", [0, 1])
def test_it_gives_the_article_findings_on_1000_demo_responses(survey, seed):
    demo_responses_create(survey=survey, n=1000, seed=seed)
    pairs = {(p["a"], p["b"]): p for p in analyze("us-russia-kz")["pairs"]}
    for a, b in FINDINGS["dependent"]:
        assert pairs[(a, b)]["p"] < 0.05, (a, b)
    for a, b in FINDINGS["independent"]:
        assert pairs[(a, b)]["p"] > 0.05, (a, b)


def test_it_prints_every_contract_key(survey):
    demo_responses_create(survey=survey, n=300, seed=4)
    result = analyze("us-russia-kz", "--permutations", "500", "--adjust", "holm")
    assert {"survey", "n", "watermark", "questions", "pairs"} <= result.keys()
    assert len(result["pairs"]) == 45
    single = next(p for p in result["pairs"] if p["kind"] == "single×single")
    multi = next(p for p in result["pairs"] if p["kind"] == "single×multi")
    assert {
        "g2",
        "g2_p",
        "cramers_v",
        "cramers_v_corrected",
        "min_expected",
        "cells_expected_below_5",
        "cells_expected_below_1",
        "cochran_ok",
        "yates_statistic",
        "yates_p",
        "fisher_p",
        "p_exact",
        "p_adjusted",
        "significant",
    } <= single.keys()
    assert {"p_bonferroni", "rs2_statistic", "rs2_df", "rs2_p", "items"} <= multi.keys()
    assert {"choice", "statistic", "p", "p_adjusted"} <= multi["items"][0].keys()
    q03 = next(q for q in result["questions"] if q["code"] == "q03")
    assert "percent_of_mentions" in q03["frequencies"][0]


def test_it_uses_the_monte_carlo_p_where_cochrans_rule_fails(survey):
    demo_responses_create(survey=survey, n=150, seed=5)
    pairs = analyze("us-russia-kz", "--permutations", "2000", "--seed", "3")["pairs"]
    failing = [p for p in pairs if p["cochran_ok"] is False]
    assert failing
    for pair in failing:
        assert 1 / 2001 <= pair["p_exact"] <= 1
        # Two ordinal questions show the linear-by-linear p, however sparse the table.
        shown = pair["linear_by_linear"]["p"] if pair["ordinal"] else pair["p_exact"]
        assert pair["shown_p"] == shown
        assert pair["significant"] == (shown < 0.05)
    again = analyze("us-russia-kz", "--permutations", "2000", "--seed", "3")["pairs"]
    assert [p.get("p_exact") for p in again] == [p.get("p_exact") for p in pairs]


def test_it_filters_by_group_language_date_and_demo(survey, answers):
    demo_responses_create(survey=survey, n=200, seed=1)
    response_add(survey, answers)
    everything = survey_analysis(survey, ResponseFilter())
    by_default = survey_analysis(survey)
    teachers = survey_analysis(survey, ResponseFilter(answers={"q01": ("teacher",)}))
    real = survey_analysis(survey, ResponseFilter(provenances=("real",)))
    english = survey_analysis(survey, ResponseFilter(languages=("en",)))
    today = timezone.localdate()
    recent = survey_analysis(survey, ResponseFilter(since=today - timedelta(days=1)))
    stored = list(Response.objects.all())
    assert everything.n == 201
    assert teachers.n == sum(r.answers["q01"] == "teacher" for r in stored)
    assert real.n == by_default.n == 1
    assert english.n == sum(r.language == "en" for r in stored)
    yesterday = timezone.now() - timedelta(days=1)
    assert recent.n == sum(
        timezone.localdate(r.submitted_at) >= timezone.localdate(yesterday) for r in stored
    )


def test_it_refuses_bad_analyze_arguments(survey):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="argument --permutations: must be at least 1"):
        call_command("analyze", "us-russia-kz", "--permutations", "0")
    with pytest.raises(CommandError, match="No survey 'nope'"):
        call_command("analyze", "nope")


def test_it_adds_a_seeded_bootstrap_p_to_multiple_response_pairs_on_request(survey):
    demo_responses_create(survey=survey, n=200, seed=6)
    plain = analyze("us-russia-kz", "--permutations", "200")["pairs"]
    booted = analyze("us-russia-kz", "--permutations", "200", "--bootstrap", "99")["pairs"]
    for before, after in zip(plain, booted, strict=True):
        if before["kind"] == "single×multi":
            assert before["p_bootstrap"] is None
            assert 1 / 100 <= after["p_bootstrap"] <= 1
            assert after["rs2_statistic"] == pytest.approx(before["rs2_statistic"])
    again = analyze("us-russia-kz", "--permutations", "200", "--bootstrap", "99")["pairs"]
    assert [p.get("p_bootstrap") for p in again] == [p.get("p_bootstrap") for p in booted]


def test_it_judges_significance_on_the_adjusted_p_when_asked(survey):
    demo_responses_create(survey=survey, n=300, seed=7)
    pairs = analyze("us-russia-kz", "--permutations", "200", "--significance", "adjusted")["pairs"]
    for pair in pairs:
        if pair["p_adjusted"] is not None:
            assert pair["significant"] == (pair["p_adjusted"] < 0.05)
