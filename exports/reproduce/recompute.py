"""Recompute every number of analysis.json from responses.csv and codebook.json, and compare.

A self-contained script shipped in the reproducible bundle (Python 3.10+, pandas, numpy,
scipy). It prints one line per number that differs by more than 1e-6 (relative to the
number, or absolute below 1) and a summary, and exits 1 when any number differs, 0 when
all agree. Usage: python recompute.py [FOLDER] (default: the folder of this script).

Formulas and their sources:
- Pearson's X² and G² of an r×c table without continuity correction, df (r−1)(c−1),
  expected counts row·column/n, empty rows and columns dropped first (Agresti 2013,
  Categorical Data Analysis, 3rd ed., §3.2): scipy.stats.chi2_contingency.
- Cramér's V and Bergsma's bias-corrected Ṽ (Bergsma 2013, J. Korean Stat. Soc. 42:323).
- Adjusted residuals (Haberman 1973, Biometrics 29:205), as R's chisq.test()$stdres.
- 2×2 tables: Yates' X² (R's chisq.test(correct=TRUE)) and Fisher's exact p.
- Cochran's rule (no expected count below 1, at most 20 % below 5); where it fails, the Monte
  Carlo p (1 + #{X*² ≥ X²}) / (B + 1) over B tables with the observed margins (Patefield
  1981, scipy.stats.random_table) drawn with numpy's default_rng(seed): same seed, same p.
- Multiple-response questions: Bilder & Loughin 2004, Biometrics 60:241–248: X²_S = Σ of
  each option's (or option pair's) Pearson X² with zero cells set to 0.5, its Bonferroni p,
  and the second-order Rao–Scott X²_RS2 = k·X²_S/Σλ² on k²/Σλ² df.
- Two questions with ordered choices: the linear-by-linear M² = (n − 1) r² (Agresti 2013,
  §3.4.1), whose p is the one shown and adjusted.
- Benjamini–Hochberg (1995) or Holm (1979) adjusted p, as R's p.adjust.
- Wilson 95 % intervals (Wilson 1927, JASA 22:209).
- Power at the current n for Cramér's V = 0.1, 0.3, 0.5 and the n for 80 % power (Cohen
  1988, §7; pwr.chisq.test).
- Number questions: n, mean, SD (n − 1), median and quartiles (R's type 7, numpy's
  default), min, max; against each single-choice or ordinal question the Kruskal–Wallis H
  with the tie correction (Kruskal & Wallis 1952), df, p (scipy.stats.kruskal) and
  ε² = H/((n² − 1)/(n + 1)) (Tomczak & Tomczak 2014). Unweighted, as the analysis.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from recompute_compare import TOLERANCE, compare  # shipped beside this script
from scipy import optimize, stats

ALMOST_ONE = 1 - 64 * np.finfo(float).eps


NOT_ASKED = "not asked"  # every cell of a question skip logic did not ask


def load(folder: Path):
    codebook = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    analysis = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    responses = pd.read_csv(
        folder / "responses.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    return codebook, analysis, responses


def answers(question: dict, responses: pd.DataFrame) -> np.ndarray:
    """(n, 1) choice index of a single-choice question, or (n, options) 0/1 of a
    multi-choice one; −1 where the respondent did not answer."""
    codes = [choice["code"] for choice in question["choices"]]
    if question["kind"] == "single":
        column = responses[question["code"]]
        index = {code: k for k, code in enumerate(codes)}
        return np.array([index.get(value, -1) for value in column], dtype=int)[:, None]
    columns = [f"{question['code']}.{code}" for code in codes]
    # "not asked" (skip logic) is missing, as an empty cell is.
    block = responses[columns].replace({"": "-1", NOT_ASKED: "-1"}).astype(int).to_numpy()
    return np.where(block[:, :1] < 0, -1, block)


def number_answers(question: dict, responses: pd.DataFrame) -> np.ndarray:
    """A number question's answers as floats; NaN where the cell is empty (no answer, or
    not asked)."""
    return pd.to_numeric(responses[question["code"]], errors="coerce").to_numpy(dtype=float)


def describe(values: np.ndarray) -> dict:
    answered = values[~np.isnan(values)]
    if not len(answered):
        return {"n": 0}
    q1, median, q3 = np.quantile(answered, [0.25, 0.5, 0.75])
    return {
        "n": len(answered),
        "mean": answered.mean(),
        "sd": answered.std(ddof=1) if len(answered) > 1 else None,
        "median": median,
        "q1": q1,
        "q3": q3,
        "min": answered.min(),
        "max": answered.max(),
    }


def kruskal_wallis(values: np.ndarray, groups: np.ndarray, n_groups: int) -> dict:
    """H, df, p and ε² of the number across the groups (−1: no group), with the groups that
    have answers; nothing when fewer than two have or every answer is the same."""
    kept = ~np.isnan(values) & (groups >= 0)
    samples = [values[kept & (groups == g)] for g in range(n_groups)]
    samples = [sample for sample in samples if len(sample)]
    n = int(kept.sum())
    if len(samples) < 2 or len(np.unique(values[kept])) < 2:
        untested = ("statistic", "df", "p", "shown_p", "epsilon_squared")
        return {"n": n} | dict.fromkeys(untested)
    h, p = stats.kruskal(*samples)
    return {
        "n": n,
        "statistic": h,
        "df": len(samples) - 1,
        "p": p,
        "shown_p": p,
        "epsilon_squared": h / ((n**2 - 1) / (n + 1)),
    }


def number_pairs(codebook: dict, given: dict, responses: pd.DataFrame) -> tuple[dict, dict]:
    """The number questions' descriptives and their Kruskal–Wallis pairs, keyed as in
    analysis.json (the question asked first is a)."""
    order = [question["code"] for question in codebook["questions"]]
    numbers = [q for q in codebook["questions"] if q["kind"] == "number"]
    singles = [q for q in codebook["questions"] if q["kind"] in ("single", "ordinal")]
    values = {q["code"]: number_answers(q, responses) for q in numbers}
    described = {
        code: {"n_answered": int((~np.isnan(v)).sum()), "descriptives": describe(v)}
        for code, v in values.items()
    }
    pairs = {}
    for number in numbers:
        for single in singles:
            key = tuple(sorted((number["code"], single["code"]), key=order.index))
            groups = given[single["code"]][:, 0]
            pairs[key] = kruskal_wallis(values[number["code"]], groups, len(single["choices"]))
    return described, pairs


def wilson(count: int, n: int, z: float) -> tuple[float, float]:
    centre = (count + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * np.sqrt(count * (n - count) / n + z * z / 4)
    return (0.0 if count == 0 else centre - half), (1.0 if count == n else centre + half)


def frequencies(question: dict, given: np.ndarray) -> dict:
    answered = given[:, 0] >= 0
    n = int(answered.sum())
    if question["kind"] == "single":
        counts = np.bincount(given[answered, 0], minlength=len(question["choices"]))
    else:
        counts = given[answered].sum(axis=0)
    z = stats.norm.ppf(0.975)
    rows = []
    for count in counts.tolist():
        low, high = wilson(count, n, z) if n else (None, None)
        row = {"count": count, "percent": 100 * count / n if n else None}
        row |= {"ci_low": low and 100 * low, "ci_high": high and 100 * high}
        if question["kind"] == "multi":
            row["percent_of_mentions"] = 100 * count / counts.sum() if counts.sum() else None
        rows.append(row)
    return {"n_answered": n, "frequencies": rows}


def cramers_v(x2: float, n: int, r: int, c: int) -> tuple[float, float]:
    v = np.sqrt(x2 / (n * min(r - 1, c - 1)))
    phi2 = max(0.0, x2 / n - (r - 1) * (c - 1) / (n - 1))
    dimension = min(r - (r - 1) ** 2 / (n - 1) - 1, c - (c - 1) ** 2 / (n - 1) - 1)
    return v, (np.sqrt(phi2 / dimension) if dimension > 0 else 0.0)


def power(n: int, rows: int, columns: int, alpha: float) -> dict:
    """The power at n for V = 0.1, 0.3, 0.5 (w² = V²·(min(r, c) − 1), λ = n·w²) and the n
    for 80 % power, λ*/w² with λ* where the power is 0.8 (Cohen 1988, §7.4)."""
    df = (rows - 1) * (columns - 1)
    critical = stats.chi2.isf(alpha, df)
    w2 = np.array([0.1, 0.3, 0.5]) ** 2 * (min(rows, columns) - 1)
    values = stats.ncx2.sf(critical, df, n * w2)
    upper = 1.0
    while stats.ncx2.sf(critical, df, upper) < 0.8:
        upper *= 2
    needed = optimize.brentq(
        lambda ncp: stats.ncx2.sf(critical, df, ncp) - 0.8, 0.0, upper, xtol=1e-12, rtol=1e-14
    )
    keys = ("0.1", "0.3", "0.5")
    return {
        "power": dict(zip(keys, values, strict=True)),
        "n_for_power": dict(zip(keys, needed / w2, strict=True)),
    }


def linear_by_linear(full: np.ndarray) -> dict:
    """M² = (n − 1) r² on 1 df, r the correlation of the choice positions 1, 2, … (empty
    choices keep their place; Agresti 2013, §3.4.1); no M² below 3 answers or 2 rows/columns."""
    n = full.sum()
    rows, columns = full.sum(axis=1), full.sum(axis=0)
    if n < 3 or (rows > 0).sum() < 2 or (columns > 0).sum() < 2:
        return {"statistic": None, "df": 1, "p": None}
    u, v = np.arange(1, len(rows) + 1), np.arange(1, len(columns) + 1)
    du, dv = u - rows @ u / n, v - columns @ v / n
    r = (du @ full @ dv) / np.sqrt((rows @ du**2) * (columns @ dv**2))
    statistic = (n - 1) * r**2
    return {"statistic": statistic, "df": 1, "p": stats.chi2.sf(statistic, 1)}


def two_way(
    a: np.ndarray, b: np.ndarray, size_a: int, size_b: int, options: dict, ordinal: bool
) -> dict:
    both = (a >= 0) & (b >= 0)
    full = np.zeros((size_a, size_b), dtype=int)
    np.add.at(full, (a[both], b[both]), 1)
    table = full[full.sum(axis=1) > 0][:, full.sum(axis=0) > 0]
    n = int(table.sum())
    if min(table.shape) < 2:
        untested = {"n": n, "statistic": None, "shown_p": None, "table": table}
        return untested | ({"linear_by_linear": linear_by_linear(full)} if ordinal else {})
    x2, p, df, expected = stats.chi2_contingency(table, correction=False)
    g2, g2_p, _, _ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    v, v_corrected = cramers_v(x2, n, *table.shape)
    rows, columns = table.sum(axis=1, keepdims=True), table.sum(axis=0, keepdims=True)
    residuals = (table - expected) / np.sqrt(expected * (1 - rows / n) * (1 - columns / n))
    cochran = bool((expected >= 1).all() and 5 * (expected < 5).sum() <= expected.size)
    result = {
        "n": n,
        "statistic": x2,
        "df": df,
        "p": p,
        "g2": g2,
        "g2_p": g2_p,
        "cramers_v": v,
        "cramers_v_corrected": v_corrected,
        "min_expected": expected.min(),
        "cochran_ok": cochran,
        "table": table,
        "expected": expected,
        "adjusted_residuals": residuals,
        "row_percent": 100 * table / rows,
        "column_percent": 100 * table / columns,
        "p_exact": None if cochran else monte_carlo(table, expected, options),
        **power(n, table.shape[0], table.shape[1], options["alpha"]),
    }
    if table.shape == (2, 2):
        yates, yates_p, _, _ = stats.chi2_contingency(table, correction=True)
        result |= {"yates_statistic": yates, "yates_p": yates_p}
        result["fisher_p"] = stats.fisher_exact(table).pvalue
    result["shown_p"] = result["p_exact"] if result["p_exact"] is not None else p
    if ordinal:  # two ordinal questions: the linear-by-linear p is the one shown
        trend = linear_by_linear(full)
        result["linear_by_linear"] = trend
        result["shown_p"] = result["shown_p"] if trend["p"] is None else trend["p"]
    return result


def monte_carlo(table: np.ndarray, expected: np.ndarray, options: dict) -> float:
    x2 = ((table - expected) ** 2 / expected).sum()
    drawn = stats.random_table(table.sum(axis=1), table.sum(axis=0)).rvs(
        options["permutations"], random_state=np.random.default_rng(options["seed"])
    )
    simulated = ((drawn - expected) ** 2 / expected).sum(axis=(1, 2))
    return (1 + np.count_nonzero(simulated >= ALMOST_ONE * x2)) / (options["permutations"] + 1)


def pearson_half(tables: np.ndarray) -> np.ndarray:
    """Pearson X² of each table, zero cells replaced by 0.5 (Bilder & Loughin 2004)."""
    observed = np.where(tables == 0, 0.5, tables.astype(float))
    total = observed.sum(axis=(1, 2), keepdims=True)
    expected = observed.sum(axis=2, keepdims=True) * observed.sum(axis=1, keepdims=True) / total
    return ((observed - expected) ** 2 / expected).sum(axis=(1, 2))


def rao_scott(tables: np.ndarray, scaled_sigma: np.ndarray, alpha: float) -> dict:
    """X²_S, Bonferroni p and the second-order Rao–Scott test; ``scaled_sigma`` is
    D^{-1/2} Σ D^{-1/2}, whose squared eigenvalues sum to its squared Frobenius norm."""
    df, m = (tables.shape[1] - 1) * (tables.shape[2] - 1), len(tables)
    # The power is that of one option's table at α/m, even when an option cannot be tested.
    powered = power(int(tables[0].sum()), tables.shape[1], tables.shape[2], alpha / m) if df else {}
    if ((tables.sum(axis=2) == 0).any() or (tables.sum(axis=1) == 0).any()) or df == 0:
        return {"statistic": None, "shown_p": None} | powered
    x2 = pearson_half(tables)
    statistic = x2.sum()
    sum_squares = (scaled_sigma**2).sum()
    k = m * df
    p_bonferroni = min(1.0, m * stats.chi2.sf(x2.max(), df))
    rs2 = rs2_df = rs2_p = None
    if sum_squares > 1e-20:  # else the covariance is zero and RS2 undefined
        rs2, rs2_df = k * statistic / sum_squares, k * k / sum_squares
        rs2_p = stats.chi2.sf(rs2, rs2_df)
    return {
        "statistic": statistic,
        "p_bonferroni": p_bonferroni,
        "rs2_statistic": rs2,
        "rs2_df": rs2_df,
        "rs2_p": rs2_p,
        "df": rs2_df,
        "p": rs2_p,
        "shown_p": p_bonferroni if rs2_p is None else rs2_p,
        "items": [{"statistic": s, "p": stats.chi2.sf(s, df)} for s in x2],
        **powered,
    }


def _covariance(ticks: np.ndarray) -> np.ndarray:
    """The items' covariance within a group, divided by its size (J_g/n_g − π̂_g π̂_g')."""
    shares = ticks.mean(axis=0)
    return ticks.T @ ticks / len(ticks) - np.outer(shares, shares)


@np.errstate(divide="ignore", invalid="ignore")  # an option never (or always) ticked: untested
def single_by_multi(groups: np.ndarray, ticks: np.ndarray, alpha: float) -> dict:
    answered = (groups[:, 0] >= 0) & (ticks[:, 0] >= 0)
    groups, ticks = groups[answered, 0], ticks[answered].astype(float)
    if len(groups) == 0:
        return {"n": 0, "statistic": None, "shown_p": None}
    kept = list(np.unique(groups))
    n, a = len(groups), np.array([np.mean(groups == g) for g in kept])
    shares = np.array([ticks[groups == g].mean(axis=0) for g in kept])
    within = np.array([_covariance(ticks[groups == g]) for g in kept])
    contrast = np.eye(len(kept)) - a[None, :]
    sigma = np.einsum("gl,hl,ljk->gjhk", contrast, contrast, within / a[:, None, None])
    pooled = ticks.mean(axis=0)
    scale = np.sqrt(np.outer(a, 1 / (pooled * (1 - pooled)))).reshape(-1)
    r, c = shares.shape
    sizes = np.array([np.sum(groups == g) for g in kept])
    chosen = np.rint(shares * sizes[:, None]).astype(int)
    tables = np.stack([chosen, sizes[:, None] - chosen], axis=-1).transpose(1, 0, 2)
    scaled = sigma.reshape(r * c, r * c) * np.outer(scale, scale)
    return {"n": n} | rao_scott(tables, scaled, alpha)


@np.errstate(divide="ignore", invalid="ignore")
def multi_by_multi(a: np.ndarray, b: np.ndarray, alpha: float) -> dict:
    answered = (a[:, 0] >= 0) & (b[:, 0] >= 0)
    a, b = a[answered], b[answered]
    if len(a) == 0:
        return {"n": 0, "statistic": None, "shown_p": None}
    both = a.T @ b
    only_a = a.sum(axis=0)[:, None] - both
    only_b = b.sum(axis=0)[None, :] - both
    neither = len(a) - both - only_a - only_b
    tables = np.stack([both, only_a, only_b, neither], axis=-1).reshape(-1, 2, 2)
    ca, cb = a - a.mean(axis=0), b - b.mean(axis=0)
    z = (ca[:, :, None] * cb[:, None, :]).reshape(len(a), -1)
    z = z - z.mean(axis=0)
    scale = 1 / np.sqrt(np.outer(a.var(axis=0), b.var(axis=0)).reshape(-1))
    scaled = (z.T @ z / len(a)) * np.outer(scale, scale)
    return {"n": len(a)} | rao_scott(tables, scaled, alpha)


def adjust(p_values: list, method: str) -> list:
    present = [k for k, p in enumerate(p_values) if p is not None]
    raw = np.array([p_values[k] for k in present], dtype=float)
    order, m = np.argsort(raw, kind="stable"), len(raw)
    adjusted = raw.copy()
    if method == "bh":
        steps = raw[order] * m / np.arange(1, m + 1)
        adjusted[order] = np.minimum(np.minimum.accumulate(steps[::-1])[::-1], 1)
    elif method == "holm":
        adjusted[order] = np.minimum(np.maximum.accumulate((m - np.arange(m)) * raw[order]), 1)
    result = [None] * len(p_values)
    for k, value in zip(present, adjusted, strict=True):
        result[k] = value
    return result


# Ordered choices are single choices with a linear-by-linear test between two of them;
# other kinds are not recomputed.
CHOICE_KINDS = {"single": "single", "ordinal": "single", "multi": "multi"}


def recompute(codebook: dict, analysis: dict, responses: pd.DataFrame) -> dict:
    options = analysis["options"]
    questions = [
        question
        | {"kind": CHOICE_KINDS[question["kind"]], "ordinal": question["kind"] == "ordinal"}
        for question in codebook["questions"]
        if question["kind"] in CHOICE_KINDS
    ]
    given = {q["code"]: answers(q, responses) for q in questions}
    pairs = {}
    for i, first in enumerate(questions):
        for second in questions[i + 1 :]:
            a, b = given[first["code"]], given[second["code"]]
            kinds = (first["kind"], second["kind"])
            if kinds == ("single", "single"):
                sizes = (len(first["choices"]), len(second["choices"]))
                ordinal = first["ordinal"] and second["ordinal"]
                pair = two_way(a[:, 0], b[:, 0], *sizes, options, ordinal)
            elif kinds == ("multi", "multi"):
                pair = multi_by_multi(a, b, options["alpha"])
            else:
                single, multi = (a, b) if kinds[0] == "single" else (b, a)
                pair = single_by_multi(single, multi, options["alpha"])
            pairs[first["code"], second["code"]] = pair
    weighted = None
    if analysis.get("weighted"):  # the shares and Rao–Scott tests of recompute_weighted.py
        from recompute_weighted import add_weighted

        weighted = add_weighted(analysis, questions, given, pairs, responses)
    numbers, kruskal = number_pairs(codebook, given, responses)
    pairs |= kruskal
    # Every pair of analysis.json takes part in the adjustment; one not recomputed, with its p.
    listed = [(pair["a"], pair["b"]) for pair in analysis["pairs"]]
    shown = [
        pairs[key]["shown_p"] if key in pairs else pair.get("p")
        for key, pair in zip(listed, analysis["pairs"], strict=True)
    ]
    judged = adjust(shown, options["adjust"])
    for key, shown_p, p_adjusted in zip(listed, shown, judged, strict=True):
        if key in pairs:
            verdict = p_adjusted if options["significance_adjusted"] else shown_p
            pairs[key]["p_adjusted"] = p_adjusted
            pairs[key]["significant"] = (
                None if verdict is None else bool(verdict < options["alpha"])
            )
    return {
        "n": len(responses),
        "questions": {q["code"]: frequencies(q, given[q["code"]]) for q in questions} | numbers,
        "pairs": pairs,
        "weighted": weighted,
    }


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    codebook, analysis, responses = load(folder)
    checked, found, skipped = compare(recompute(codebook, analysis, responses), analysis)
    if skipped:
        print(f"Not recomputed (kinds this script does not test): {', '.join(skipped)}.")
    print(f"{'number':<40} {'recomputed':>22} {'analysis.json':>22}")
    for where, ours, theirs in found:
        print(f"{where:<40} {ours!s:>22} {theirs!s:>22}")
    print(f"Python: {checked} values checked, {len(found)} differ by more than {TOLERANCE}.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
