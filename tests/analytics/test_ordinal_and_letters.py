"""Ordinal association (analytics/ordinal.py) and column-proportion letters
(analytics/letters.py) against Agresti's published examples and R 4.2: coin::lbl_test,
cor.test(method = "kendall" / "spearman", exact = FALSE), prop.test(correct = FALSE),
p.adjust and, weighted, survey::svyby with svycontrast."""

import csv

import numpy as np
import pytest

from analytics.letters import column_letters
from analytics.ordinal import ordinal_association
from analytics.rao_scott import weighted_table
from tests.analytics.r_reference import r_numbers, requires_r

# Agresti (2013), Categorical Data Analysis, 3rd ed., §3.4.3 / (2007) Table 2.13: job
# satisfaction by income (GSS); the text gives γ̂ = 0.221 with ASE 0.117.
JOB_SATISFACTION = [[1, 3, 10, 6], [2, 3, 10, 7], [1, 6, 14, 12], [0, 1, 9, 11]]
# Agresti (2013) Table 3.7, infant malformation by mother's alcohol consumption; with
# equally spaced scores the text gives M² = 1.83 (P = 0.18).
MALFORMATION = [[17066, 48], [14464, 38], [788, 5], [126, 1], [37, 1]]


def _tables(count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(12)
    tables = []
    for _ in range(count):
        rows, columns = rng.integers(2, 6, size=2)
        base = rng.integers(0, 30, size=(rows, columns)) + np.eye(rows, columns, dtype=int) * 15
        tables.append(base + 1)
    return tables


def test_it_gives_agrestis_gamma_and_its_ase():
    found = ordinal_association(JOB_SATISFACTION).gamma
    assert found.estimate == pytest.approx(0.221, abs=5e-4)
    assert found.ase == pytest.approx(0.117, abs=5e-4)


def test_it_gives_agrestis_linear_by_linear_statistic():
    found = ordinal_association(MALFORMATION)
    assert found.linear_by_linear == pytest.approx(1.83, abs=5e-3)
    assert found.linear_by_linear_p == pytest.approx(0.18, abs=5e-3)


# M²'s p is compared with pchisq of coin's statistic: coin's own pvalue() integrates the
# normal numerically (mvtnorm), 1.6e-6 apart in relative terms at p ≈ 7e-11 in these tables.
ORDINAL_SCRIPT = """
suppressMessages(library(coin))
for (text in commandArgs(TRUE)) {
  t <- as.matrix(read.table(text = text, sep = ","))
  dimnames(t) <- list(seq_len(nrow(t)), seq_len(ncol(t)))
  lbl <- lbl_test(as.table(t))
  x <- rep(row(t), t); y <- rep(col(t), t)
  k <- cor.test(x, y, method = "kendall", exact = FALSE)
  s <- suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE))
  m2 <- statistic(lbl)^2
  cat(m2, pchisq(m2, 1, lower.tail = FALSE), k$estimate, k$statistic, k$p.value,
      s$estimate, s$p.value, "\\n")
}
"""


def _text(table: np.ndarray) -> str:
    return "\n".join(",".join(str(int(v)) for v in row) for row in table)


@requires_r
def test_it_matches_lbl_test_and_cor_test():
    tables = _tables(20) + [np.array(JOB_SATISFACTION)]
    for table, expected in zip(tables, r_numbers(ORDINAL_SCRIPT, *map(_text, tables)), strict=True):
        found = ordinal_association(table)
        mine = [found.linear_by_linear, found.linear_by_linear_p, found.tau_b.estimate]
        mine += [found.tau_b.z, found.tau_b.p, found.spearman.estimate, found.spearman.p]
        assert mine == pytest.approx(expected, rel=1e-6)


LETTERS_SCRIPT = """
for (text in commandArgs(TRUE)) {
  t <- as.matrix(read.table(text = text, sep = ","))
  for (i in seq_len(nrow(t))) {
    p <- c()
    for (j in 1:(ncol(t) - 1)) for (k in (j + 1):ncol(t))
      p <- c(p, prop.test(c(t[i, j], t[i, k]), colSums(t)[c(j, k)], correct = FALSE)$p.value)
    cat(p, p.adjust(p, "BH"), "\\n")
  }
}
"""


@requires_r
def test_it_matches_prop_test_on_every_two_by_two_sub_table():
    tables = _tables(12)
    expected = iter(r_numbers(LETTERS_SCRIPT, *map(_text, tables)))
    for table in tables:
        found = column_letters(table)
        for row in range(table.shape[0]):
            tests = [test for test in found.comparisons if test.row == row]
            raw_and_adjusted = [test.p for test in tests] + [test.p_adjusted for test in tests]
            assert raw_and_adjusted == pytest.approx(next(expected), rel=1e-6)


def test_it_gives_a_cell_the_letters_of_the_columns_it_is_higher_than():
    table = [[80, 20, 50], [20, 80, 50]]
    found = column_letters(table)
    assert found.column_letters == ("A", "B", "C")
    assert found.letters == (("BC", "", "B"), ("", "AC", "A"))


def test_it_gives_no_letter_where_bonferroni_is_stricter_than_bh():
    table = [[58, 42, 40], [42, 58, 60]]
    assert (
        column_letters(table, adjust="bh").letters
        != column_letters(table, adjust="bonferroni").letters
    )


WEIGHTED_SCRIPT = """
suppressMessages(library(survey))
path <- commandArgs(TRUE)[1]
d <- read.csv(path)
design <- svydesign(ids = ~1, weights = ~w, data = d)
for (i in sort(unique(d$a))) {
  design <- update(design, y = as.numeric(a == i))
  by <- svyby(~y, ~b, design, svymean)
  levels <- nrow(by)
  for (j in 1:(levels - 1)) for (k in (j + 1):levels) {
    contrast <- rep(0, levels); contrast[j] <- 1; contrast[k] <- -1
    z <- svycontrast(by, contrast)
    cat(2 * pnorm(-abs(coef(z) / SE(z))), "\\n")
  }
}
"""


@requires_r
def test_it_matches_svyby_contrasts_when_weighted(tmp_path):
    rng = np.random.default_rng(3)
    n, rows, columns = 400, 3, 4
    a, b = rng.integers(0, rows, n), rng.integers(0, columns, n)
    follows = rng.random(n) < 0.4
    a[follows] = b[follows] % rows
    w = rng.lognormal(0, 0.4, n)
    with open(tmp_path / "d.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["a", "b", "w"])
        out.writerows([int(x), int(y), repr(float(z))] for x, y, z in zip(a, b, w, strict=True))
    keys = a * columns + b
    totals = np.bincount(keys, weights=w, minlength=rows * columns).reshape(rows, columns)
    squares = np.bincount(keys, weights=w**2, minlength=rows * columns).reshape(rows, columns)
    found = column_letters(totals, weighted=weighted_table(totals, squares, n))
    expected = [line[0] for line in r_numbers(WEIGHTED_SCRIPT, str(tmp_path / "d.csv"))]
    assert [test.p for test in found.comparisons] == pytest.approx(expected, rel=1e-6)
