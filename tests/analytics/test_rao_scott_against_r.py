"""Weighted shares, Rao–Scott tests and raking (analytics/rao_scott.py, analytics/weights.py)
against R 4.2's survey package on generated data sets: svydesign(ids = ~1, weights = ~w),
svymean, svyciprop(method = "logit"), svychisq(statistic = "F" and "Chisq"), rake."""

import csv

import numpy as np
import pytest

from analytics.rao_scott import rao_scott_test, weighted_shares, weighted_table
from analytics.weights import RakingFailed, rake
from tests.analytics.r_reference import r_numbers, requires_r

DATA_SETS = [
    (seed, n, rows, columns)
    for seed, (n, rows, columns) in enumerate(
        [(40, 2, 2), (60, 3, 2), (150, 3, 4), (300, 5, 3), (600, 4, 4), (1000, 2, 5)] * 2
    )
]

SVY_SCRIPT = """
suppressMessages(library(survey))
for (path in commandArgs(TRUE)) {
  d <- read.csv(path, colClasses = c("character", "character", "numeric"), na.strings = "")
  design <- svydesign(ids = ~1, weights = ~w, data = d)
  f <- svychisq(~a + b, design, statistic = "F")
  x <- svychisq(~a + b, design, statistic = "Chisq")
  cat(f$statistic, f$parameter, f$p.value, x$statistic, x$p.value, "\\n")
  m <- svymean(~factor(a), design, na.rm = TRUE)
  for (k in seq_along(coef(m))) {
    level <- sub("factor\\\\(a\\\\)", "", names(coef(m))[k])
    ci <- attr(svyciprop(bquote(~I(a == .(level))), design, method = "logit"), "ci")
    cat(coef(m)[k], SE(m)[k], ci, "\\n")
  }
}
"""


def _data_set(seed: int, n: int, rows: int, columns: int):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, rows, n)
    b = (a + rng.integers(0, columns, n) * (rng.random(n) < 0.6)) % columns
    a[rng.random(n) < 0.1] = -1
    b[rng.random(n) < 0.1] = -1
    a[:rows], b[:columns] = np.arange(rows), np.arange(columns)  # every level present
    return a, b, rng.lognormal(0, 0.5, n)


def _write(path, a, b, w) -> None:
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["a", "b", "w"])
        for x, y, weight in zip(a, b, w, strict=True):
            out.writerow(
                [f"a{x}" if x >= 0 else "", f"b{y}" if y >= 0 else "", repr(float(weight))]
            )


def _sums(keys: np.ndarray, weights: np.ndarray, size: int):
    return (
        np.bincount(keys, weights=weights, minlength=size),
        np.bincount(keys, weights=weights**2, minlength=size),
    )


def _ours(a, b, w, rows, columns):
    both = (a >= 0) & (b >= 0)
    keys = a[both] * columns + b[both]
    totals, squares = _sums(keys, w[both], rows * columns)
    test = rao_scott_test(totals.reshape(rows, columns), squares.reshape(rows, columns), len(w))
    answered = a >= 0
    shares = weighted_shares(weighted_table(*_sums(a[answered], w[answered], rows), len(w)))
    return test, shares


@requires_r
def test_it_matches_svychisq_svymean_and_svyciprop(tmp_path):
    paths, ours = [], []
    for seed, n, rows, columns in DATA_SETS:
        a, b, w = _data_set(seed, n, rows, columns)
        paths.append(str(tmp_path / f"d{seed}.csv"))
        _write(paths[-1], a, b, w)
        ours.append(_ours(a, b, w, rows, columns))
    lines = iter(r_numbers(SVY_SCRIPT, *paths))
    for test, shares in ours:
        f, ndf, ddf, p_f, pearson, p_chisq = next(lines)
        assert [test.f, test.ndf, test.ddf] == pytest.approx([f, ndf, ddf], rel=1e-9)
        assert test.pearson == pytest.approx(pearson, rel=1e-9)
        assert [test.p_f, test.p_chisq] == pytest.approx([p_f, p_chisq], rel=1e-6)
        assert test.chisq == pytest.approx(pearson / test.mean_design_effect, rel=1e-12)
        for share in shares:
            mean, se, low, high = next(lines)
            assert share.percent == pytest.approx(100 * mean, abs=1e-6)
            assert share.standard_error == pytest.approx(100 * se, abs=1e-6)
            assert [share.ci_low, share.ci_high] == pytest.approx([100 * low, 100 * high], abs=1e-6)


RAKE_SCRIPT = """
suppressMessages(library(survey))
for (path in commandArgs(TRUE)) {
  d <- read.csv(path, colClasses = c("character", "character", "numeric"))
  t <- read.csv(sub(".csv", ".margins", path, fixed = TRUE),
                colClasses = c("character", "character", "numeric"))
  design <- suppressWarnings(svydesign(ids = ~1, data = d))
  ma <- data.frame(a = t$level[t$margin == "a"], Freq = t$total[t$margin == "a"])
  mb <- data.frame(b = t$level[t$margin == "b"], Freq = t$total[t$margin == "b"])
  raked <- rake(design, list(~a, ~b), list(ma, mb), control = list(maxit = 1000, epsilon = 1e-13))
  cat(weights(raked), "\\n")
}
"""


def _rake_case(seed: int, n: int, rows: int, columns: int):
    rng = np.random.default_rng(100 + seed)
    a = np.concatenate([np.arange(rows), rng.integers(0, rows, n - rows)])
    b = np.concatenate([np.arange(columns) % columns, rng.integers(0, columns, n - columns)])[:n]
    shares_a, shares_b = rng.dirichlet(np.ones(rows) * 3), rng.dirichlet(np.ones(columns) * 3)
    return a, b, shares_a * n, shares_b * n


@requires_r
def test_it_rakes_as_survey_rake(tmp_path):
    paths, ours = [], []
    for seed, n, rows, columns in DATA_SETS[:8]:
        a, b, target_a, target_b = _rake_case(seed, n, rows, columns)
        path = tmp_path / f"r{seed}.csv"
        _write(path, a, b, np.ones(n))
        with open(tmp_path / f"r{seed}.margins", "w") as handle:
            handle.write("margin,level,total\n")
            handle.writelines(f"a,a{k},{float(t)!r}\n" for k, t in enumerate(target_a))
            handle.writelines(f"b,b{k},{float(t)!r}\n" for k, t in enumerate(target_b))
        paths.append(str(path))
        counts = np.zeros((rows, columns))
        np.add.at(counts, (a, b), 1)
        ours.append(rake(counts, [target_a, target_b]).cells[a, b])
    for mine, theirs in zip(ours, r_numbers(RAKE_SCRIPT, *paths), strict=True):
        assert mine == pytest.approx(theirs, abs=1e-6)


def test_it_reports_kish_effective_n_and_the_weight_quartiles():
    counts = np.array([[10.0, 30.0], [40.0, 20.0]])
    weights = rake(counts, [np.array([50.0, 50.0]), np.array([30.0, 70.0])])
    expanded = np.repeat(weights.cells.ravel(), counts.ravel().astype(int))
    assert weights.n_effective == pytest.approx(expanded.sum() ** 2 / (expanded**2).sum())
    assert weights.design_effect == pytest.approx(100 / weights.n_effective)
    quartiles = np.quantile(expanded, [0, 0.25, 0.5, 0.75, 1])
    described = [weights.minimum, weights.lower_quartile, weights.median]
    described += [weights.upper_quartile, weights.maximum]
    assert described == pytest.approx(quartiles.tolist(), rel=1e-12)


def test_it_trims_to_the_bounds_and_still_meets_the_margins():
    counts = np.array([[40.0, 10.0], [20.0, 30.0]])
    targets = [np.array([30.0, 70.0]), np.array([50.0, 50.0])]
    assert rake(counts, targets).minimum < 0.59  # untrimmed, below the bound 0.6
    weights = rake(counts, targets, trim=(0.6, 1.5))
    mean = (weights.cells * counts).sum() / counts.sum()
    assert weights.maximum / mean <= 1.5 * (1 + 1e-6)
    assert weights.minimum / mean >= 0.6 * (1 - 1e-6)
    assert (weights.cells * counts).sum(axis=1) == pytest.approx(targets[0], rel=1e-8)
    assert (weights.cells * counts).sum(axis=0) == pytest.approx(targets[1], rel=1e-8)


def test_it_says_when_the_trim_bounds_cannot_be_met():
    counts = np.array([[90.0, 5.0], [3.0, 2.0]])
    with pytest.raises(RakingFailed, match="cannot be met"):
        rake(counts, [np.array([50.0, 50.0]), np.array([50.0, 50.0])], trim=(0.9, 1.1))


def test_it_gives_a_reason_where_the_design_effects_cannot_be_estimated():
    # R's svychisq stops here with "system is computationally singular".
    table = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 0.0], [0.0, 2.0, 0.0]])
    found = rao_scott_test(table, table, 8)
    assert found.p_f is None and found.f is None
    assert "cannot be estimated" in (found.reason or "")


def test_it_gives_the_same_tests_for_a_stack_of_tables_as_one_by_one():
    from analytics.rao_scott import rao_scott_tests

    rng = np.random.default_rng(5)
    totals = rng.random((6, 4, 2)) * 50
    totals[2, :, 1] = 0  # an empty column: tested on its own (no test)
    totals[4, 1, :] = 0  # an empty row: tested on its own, with that row dropped
    squares = totals * rng.random((6, 4, 2)) * 3
    stacked = rao_scott_tests(totals, squares, 300)
    for found, table, table_squares in zip(stacked, totals, squares, strict=True):
        alone = rao_scott_test(table, table_squares, 300)
        assert found.reason == alone.reason
        if alone.reason:
            assert found.f is None
            continue
        assert [found.f, found.ndf, found.p_f, found.chisq] == pytest.approx(
            [alone.f, alone.ndf, alone.p_f, alone.chisq], rel=1e-12
        )
    assert stacked[2].reason is not None and stacked[4].f is not None
