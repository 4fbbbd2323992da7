"""Power of the χ² test and precision of a share (analytics/power.py) against Cohen (1988) and
R's pwr::pwr.chisq.test."""

import json
import math
import os
import shutil
import subprocess
from functools import cache

import pytest

from analytics.power import chisq_n_for_power, chisq_power, share_precision, table_power

# Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, 2nd ed., table 7.4.6
# (α = .05, power .80; reprinted in Cohen 1992, "A power primer", table 2): N by df (u)
# for w = .10, .30, .50. Cohen rounded N = λ/w² from λ to two decimals, so his N is the
# exact one rounded either way.
COHEN_N = {
    1: (785, 87, 31),
    2: (964, 107, 39),
    3: (1090, 121, 44),
    4: (1194, 133, 48),
    5: (1283, 143, 51),
    6: (1362, 151, 54),
}
# (w, N, df, α): small to large effects, df 1 to 20, α down to a Bonferroni 0.05 / 12.
POWER_CASES = [
    (0.1, 613, 4, 0.05),
    (0.3, 100, 4, 0.05),
    (0.5, 50, 1, 0.01),
    (0.2, 1000, 12, 0.005),
    (0.1 * math.sqrt(2), 613, 8, 0.05 / 6),
    (0.05, 10_000, 20, 0.05 / 12),
    (0.3, 25, 2, 0.1),
]
N_CASES = [
    (0.1, 1, 0.05),
    (0.3, 4, 0.05),
    (0.5, 2, 0.01),
    (0.1, 20, 0.05 / 12),
    (0.2, 6, 0.1),
    (0.5 * math.sqrt(2), 9, 0.001),
]


@cache
def _pwr_installed() -> bool:
    if shutil.which("Rscript") is None:
        return False
    found = subprocess.run(["Rscript", "-e", "library(pwr)"], capture_output=True, check=False)
    return found.returncode == 0


requires_pwr = pytest.mark.skipif(
    not _pwr_installed() and os.environ.get("REQUIRE_R") != "1",
    reason="R with pwr is not installed (apt-get install r-base-core r-cran-pwr); set "
    "REQUIRE_R=1 to fail instead",
)

PWR_SCRIPT = """
library(pwr)
cases <- read.table(text = commandArgs(TRUE)[1], sep = ",", stringsAsFactors = FALSE)
for (k in seq_len(nrow(cases))) {
  x <- cases[k, ]
  if (x$V1 == "power") {
    value <- pwr.chisq.test(w = x$V2, N = x$V3, df = x$V4, sig.level = x$V5)$power
  } else {
    value <- pwr.chisq.test(w = x$V2, df = x$V4, sig.level = x$V5, power = 0.8)$N
  }
  cat(sprintf("%.15g\\n", value))
}
"""


def pwr(rows: list[tuple]) -> list[float]:
    """pwr.chisq.test for each ("power", w, N, df, α) or ("N", w, 0, df, α), in one R run."""
    table = "\n".join(
        ",".join(repr(value) if not isinstance(value, str) else value for value in row)
        for row in rows
    )
    completed = subprocess.run(
        ["Rscript", "-e", PWR_SCRIPT, table], capture_output=True, text=True, check=True
    )
    return [float(line) for line in completed.stdout.split()]


@pytest.mark.parametrize("df", COHEN_N)
def test_it_gives_the_n_of_cohens_table_7_4_6(df):
    exact = [chisq_n_for_power(w, df, 0.05) for w in (0.1, 0.3, 0.5)]
    assert all(abs(n - cohen) < 1 for n, cohen in zip(exact, COHEN_N[df], strict=True)), exact


@requires_pwr
def test_it_gives_the_power_of_pwr_chisq_test():
    expected = pwr([("power", w, n, df, alpha) for w, n, df, alpha in POWER_CASES])
    mine = [chisq_power(w, n, df, alpha) for w, n, df, alpha in POWER_CASES]
    assert mine == pytest.approx(expected, abs=1e-6, rel=0)


@requires_pwr
def test_it_gives_the_n_of_pwr_chisq_test():
    # pwr finds N by uniroot (tolerance 1.2e-4 in N); we solve to 1e-12 in λ = N w².
    expected = pwr([("N", w, 0, df, alpha) for w, df, alpha in N_CASES])
    mine = [chisq_n_for_power(w, df, alpha) for w, df, alpha in N_CASES]
    assert mine == pytest.approx(expected, rel=1e-6)


@requires_pwr
def test_it_gives_an_n_at_which_pwr_finds_80_percent_power():
    rows = [("power", w, chisq_n_for_power(w, df, alpha), df, alpha) for w, df, alpha in N_CASES]
    assert pwr(rows) == pytest.approx([0.8] * len(N_CASES), abs=1e-9, rel=0)


def test_it_gives_the_power_for_cramers_v_in_a_wider_table():
    # 5×3: w = V·√(3 − 1), df = 8.
    power = table_power(613, 5, 3, alpha=0.05)
    w = 0.1 * math.sqrt(2)
    assert power.df == 8
    assert power.power is not None and power.n_for_power is not None
    assert power.power[0] == pytest.approx(chisq_power(w, 613, 8, 0.05), abs=1e-12)
    assert power.n_for_power[0] == pytest.approx(chisq_n_for_power(w, 8, 0.05), rel=1e-12)


def test_it_powers_a_multiple_response_table_at_the_bonferroni_level():
    power = table_power(400, 3, 2, alpha=0.05, tests=8)
    assert power.alpha == pytest.approx(0.05 / 8)
    assert power.power is not None
    assert power.power[0] == pytest.approx(chisq_power(0.1, 400, 2, 0.05 / 8), abs=1e-12)


def test_it_has_no_power_for_a_table_that_cannot_be_tested():
    for power in (table_power(0, 0, 0, alpha=0.05), table_power(12, 1, 3, alpha=0.05)):
        assert power.power is None and power.n_for_power is None
        assert power.to_json()["power"] == {"0.1": None, "0.3": None, "0.5": None}


def test_it_writes_power_under_the_effect_sizes_without_nan():
    shown = table_power(10**6, 2, 2, alpha=0.05).to_json()
    assert list(shown["power"]) == ["0.1", "0.3", "0.5"]
    assert json.dumps(shown, allow_nan=False)
    assert shown["power"]["0.5"] == 1.0


def test_it_gives_the_answers_needed_for_3_and_5_points():
    # z² p (1 − p) / d² at p = 0.3: 896.4 and 322.7, rounded up.
    precision = share_precision(183, 610, (26.5, 33.8))
    assert (precision.n_for_3_points, precision.n_for_5_points) == (897, 323)
    assert precision.ci_half_width == pytest.approx(3.65)


def test_it_assumes_a_share_of_one_half_while_nobody_answered():
    precision = share_precision(0, 0, None)
    assert (precision.n_for_3_points, precision.n_for_5_points) == (1068, 385)
    assert precision.ci_half_width is None
