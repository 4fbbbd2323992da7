"""Anytime-valid p-values: the e-value against hand and R computations, its running minimum in
the snapshot, and a seeded optional-stopping simulation (bench/anytime.py at a small size)."""

import math
import os
import shutil
import subprocess

import numpy as np
import pytest

from analytics.anytime import (
    anytime_test,
    anytime_test_mean,
    e_values_log,
    option_pair_tables,
    pair_anytime,
)
from analytics.filters import ResponseFilter
from analytics.models import Snapshot
from analytics.selectors import survey_analysis
from analytics.snapshot import snapshot_current
from bench.anytime import cell_probabilities, first_rejections, share_interval
from surveys.services import demo_responses_create
from tests.factories import default_questionnaire_document, survey_from_document

requires_r = pytest.mark.skipif(
    shutil.which("Rscript") is None and os.environ.get("REQUIRE_R") != "1",
    reason="R is not installed (apt-get install r-base-core); set REQUIRE_R=1 to fail instead",
)
# log E in R from lgamma alone, one table per line of the input: rows, columns, counts.
R_E_VALUE = """
xlogx <- function(t) sum(ifelse(t > 0, t * log(t), 0))
for (line in readLines(file("stdin"))) {
  v <- as.numeric(strsplit(line, " ")[[1]])
  x <- matrix(v[-(1:2)], nrow = v[1], ncol = v[2], byrow = TRUE)
  n <- sum(x); k <- length(x)
  m <- lgamma(k / 2) - lgamma(k / 2 + n) + sum(lgamma(x + 0.5) - lgamma(0.5))
  cat(sprintf("%.17g\\n", m - xlogx(rowSums(x)) - xlogx(colSums(x)) + 2 * xlogx(n)))
}
"""
TABLES = [
    [[3, 0], [0, 3]],
    [[30, 5, 2], [4, 25, 9]],
    [[0, 0, 0], [7, 0, 1], [2, 0, 40]],
    [[120, 80, 40, 9], [60, 41, 19, 6], [30, 20, 11, 0]],
    [[5000, 3000], [2990, 2010]],
]


def test_it_gives_the_hand_computed_e_value_of_a_2x2_table():
    # M = Γ(2)/Γ(8) · (Γ(3.5)/Γ(½))² = 1.875²/5040, L₀ = (½)⁶ · (½)⁶: E = 14400/5040 = 20/7.
    found = anytime_test([[3, 0], [0, 3]])
    assert found.e_value_log == pytest.approx(math.log(20 / 7), rel=1e-12)
    assert found.p == pytest.approx(7 / 20, rel=1e-12)


@requires_r
def test_it_gives_the_e_value_of_r_lgamma():
    lines = [" ".join(map(str, [len(t), len(t[0]), *np.ravel(t)])) for t in TABLES]
    ran = subprocess.run(
        ["Rscript", "-e", R_E_VALUE],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    in_r = [float(line) for line in ran.stdout.split()]
    in_python = [float(e_values_log(table)) for table in TABLES]
    assert in_python == pytest.approx(in_r, rel=1e-10, abs=1e-10)


def test_it_keeps_empty_rows_and_columns_in_the_prior():
    # The questionnaire's 3×3 is not the data's 2×2: the prior has 9 cells, not 4.
    full = [[0, 0, 0], [7, 0, 1], [2, 0, 40]]
    assert anytime_test(full).e_value_log != anytime_test([[7, 1], [2, 40]]).e_value_log


def test_it_averages_the_e_values_of_option_tables():
    tables = [[[3, 0], [0, 3]], [[1, 1], [1, 1]]]
    mean = np.mean([math.exp(float(e_values_log(t))) for t in tables])
    assert anytime_test_mean(tables).p == pytest.approx(1 / mean, rel=1e-12)


def test_it_never_gives_nan_or_inf():
    for table in (np.zeros((3, 4)), [[10**7, 0], [0, 10**7]], np.zeros((0, 2, 2))):
        found = anytime_test_mean(np.reshape(table, (-1, *np.shape(table)[-2:])))
        assert math.isfinite(found.e_value_log) and 0 <= found.p <= 1
    assert anytime_test([[10**7, 0], [0, 10**7]]).p == 0.0


def test_it_makes_the_2x2_tables_of_option_pairs_from_co_selections():
    # a: options 0, 1; b: option 0. Respondents: (a0, b0), (a0 a1), (a1, b0), (none), (b0).
    cooccur = [[1, 2], [1, 2], [3, 5]]
    assert option_pair_tables(cooccur).tolist() == [[[1, 1], [2, 1]], [[1, 1], [2, 1]]]


def _minimum_now(current) -> dict:
    shape = [(q.code, q.kind) for q in current.spec.questions]
    return {
        f"{a}:{b}": pair_anytime(a, b, (ka, kb), current.counts.tables).p
        for k, (a, ka) in enumerate(shape)
        for b, kb in shape[k + 1 :]
    }


def test_it_keeps_the_running_minimum_that_never_rises(survey):
    demo_responses_create(survey=survey, n=150, seed=1)
    first = snapshot_current(survey)
    assert first.anytime_minimum == _minimum_now(first)
    assert len(first.anytime_minimum) == 45
    demo_responses_create(survey=survey, n=60, seed=2)
    second = snapshot_current(survey)
    now = _minimum_now(second)
    for key, p in second.anytime_minimum.items():
        assert p == min(first.anytime_minimum[key], now[key])
    Snapshot.objects.filter(survey=survey).update(anytime_minimum={"q01:q02": 1e-12})
    demo_responses_create(survey=survey, n=5, seed=3)
    assert snapshot_current(survey).anytime_minimum["q01:q02"] == 1e-12


def test_it_starts_the_running_minimum_over_when_the_questionnaire_changes(survey):
    demo_responses_create(survey=survey, n=100, seed=1)
    snapshot_current(survey)
    Snapshot.objects.filter(survey=survey).update(anytime_minimum={"q01:q10": 1e-12})
    document = default_questionnaire_document()
    document["questions"][9]["choices"].append(
        {"code": "certain", "label": {"kk": "Анық", "ru": "Наверняка", "en": "Certain"}}
    )
    current = snapshot_current(survey_from_document(document))
    assert current.anytime_minimum == _minimum_now(current)
    assert current.anytime_minimum["q01:q10"] > 1e-12


def test_it_gives_p_anytime_only_for_the_whole_stream(survey):
    demo_responses_create(survey=survey, n=120, seed=4)
    whole = survey_analysis(survey)
    assert all(0 <= pair.p_anytime <= 1 for pair in whole.pairs)
    filtered = survey_analysis(survey, ResponseFilter(languages=("ru",)))
    assert all(pair.p_anytime is None for pair in filtered.pairs)
    assert all(pair["p_anytime"] is None for pair in filtered.to_json()["pairs"])


@pytest.mark.parametrize(
    ("rows", "columns", "seed"),
    [((0.7, 0.3), (0.6, 0.4), 1), ((0.5, 0.3, 0.2), (0.4, 0.3, 0.2, 0.1), 2)],
)
def test_it_rejects_a_true_independence_at_most_alpha_however_often_it_looks(rows, columns, seed):
    runs, looks = 400, 300
    classical, anytime = first_rejections(cell_probabilities(rows, columns, 0.0), runs, looks, seed)
    _low, high = share_interval(int((anytime <= looks).sum()), runs)
    assert high <= 0.05  # even the upper end of its 95 % interval
    assert (classical <= looks).mean() > 0.2  # optional stopping: the test has teeth
