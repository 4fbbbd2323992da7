"""The weighted half of analysis.json, recomputed from the ``weight`` column of responses.csv.

Shipped in the bundle beside recompute.py, which uses it when analysis.json says
``"weighted": true`` (numpy and scipy only). The design is that of R's survey package with
``svydesign(ids = ~1, weights = ~weight, data = d)`` on the respondents who have a weight: the
weights as fixed sampling weights of an unclustered with-replacement design, variances by
linearisation (Lumley 2010, Complex Surveys, §2.2 and §6.2; Binder 1983, Int. Stat. Rev.
51:279–292). The weights are taken from the CSV as they are (the scheme's raking is not
redone here). Formulas and their sources:

- A weighted share p̂ = Σ w y / Σ w (y the 0/1 indicator of a choice among those who
  answered), its variance n/(n − 1) · Σ w² (y − p̂)² / (Σ w)², n the respondents of the
  design (``svymean``); its 95 % interval on the logit scale, logit(p̂) ± t₀.₉₇₅,ₙ₋₁ ·
  SE / (p̂ (1 − p̂)), back-transformed (``svyciprop(method = "logit")``; Korn & Graubard 1998,
  Surv. Methodol. 24:193–201).
- The Rao–Scott tests of an r×c table: Pearson's X² of the weighted table scaled to n; the
  generalised design effects δ, the eigenvalues of Δ = (C' D⁻¹ C / n)⁻¹ C' D⁻¹ V D⁻¹ C with C
  the interaction contrasts orthogonal to the main effects, D = diag(p̂), V the linearised
  covariance of the cell shares; first order X² / δ̄ on (r − 1)(c − 1) df, second order
  F = X² / Σδ on (d₀, d₀ (n − 1)) df, d₀ = (Σδ)² / Σδ² (Rao & Scott 1981, JASA 76:221–230;
  1984, Ann. Stat. 12:46–60; Thomas & Rao 1987, JASA 82:630–636; ``svychisq`` with
  ``statistic = "F"`` and ``"Chisq"``).
- A pair with a multi-choice question: each option's weighted r×2 table (two multi-choice
  questions: each option pair's 2×2 table) by the Rao–Scott F, Bonferroni over the options.
- Kish's effective n = (Σw)² / Σw² (Kish 1965, Survey Sampling, §11.7), the design effect
  n / n_eff, and the weights' quartiles (R's quantile type 7).
"""

import numpy as np
from scipy import special, stats


def weights_of(responses) -> np.ndarray:
    """Each respondent's weight; NaN for one without (who skipped a weighting question)."""
    column = responses["weight"].replace("", "nan")
    return column.astype(float).to_numpy()


def shares(totals: np.ndarray, squares: np.ndarray, n: int) -> list[dict]:
    """The weighted share of every cell among all of them, with its SE and logit interval."""
    total, all_squares = totals.sum(), squares.sum()
    if n < 2 or total <= 0:
        return [dict.fromkeys(SHARE_FIELDS) for _ in totals]
    quantile = special.stdtrit(n - 1, 0.975)
    found = []
    for cell, cell_squares in zip(totals, squares, strict=True):
        share = cell / total
        spread = cell_squares * (1 - share) ** 2 + (all_squares - cell_squares) * share**2
        error = np.sqrt(n / (n - 1) * spread / total**2)
        low = high = None
        if 0 < share < 1:
            half = quantile * error / (share * (1 - share))
            low = 100 * special.expit(special.logit(share) - half)
            high = 100 * special.expit(special.logit(share) + half)
        found.append(dict(zip(SHARE_FIELDS, (100 * share, 100 * error, low, high), strict=True)))
    return found


SHARE_FIELDS = ("weighted_percent", "weighted_se", "weighted_ci_low", "weighted_ci_high")


def question_shares(kind: str, given: np.ndarray, size: int, w: np.ndarray, n: int) -> list:
    answered = (given[:, 0] >= 0) & (w > 0)
    weights = w[answered]
    if kind == "single":
        indicators = np.eye(size)[given[answered, 0]]
        return shares(weights @ indicators, weights**2 @ indicators, n)
    found = []
    for option in range(given.shape[1]):
        ticked = given[answered, option].astype(float)
        both = np.stack([ticked, 1 - ticked], axis=1)
        found.append(shares(weights @ both, weights**2 @ both, n)[0])
    return found


def contrasts(rows: int, columns: int) -> np.ndarray:
    """The interaction dummies of a row-major r×c table minus their projection on the
    intercept and the row and column dummies (the C of Rao & Scott 1984, §4)."""
    row_of, column_of = np.repeat(np.arange(rows), columns), np.tile(np.arange(columns), rows)
    main = np.column_stack(
        [np.ones(rows * columns)]
        + [(row_of == i).astype(float) for i in range(1, rows)]
        + [(column_of == j).astype(float) for j in range(1, columns)]
    )
    interaction = np.column_stack(
        [
            ((row_of == i) & (column_of == j)).astype(float)
            for i in range(1, rows)
            for j in range(1, columns)
        ]
    )
    return interaction - main @ np.linalg.lstsq(main, interaction, rcond=None)[0]


UNTESTED = "fewer than two answered rows or columns"
SINGULAR = (
    "the design effects cannot be estimated: too many empty cells "
    "(svychisq stops with a singular system here too)"
)


def untested(n: int, reason: str) -> dict:
    return {"n": n, "design_effects": [], "reason": reason}


def rao_scott(totals: np.ndarray, squares: np.ndarray, n: int) -> dict:
    """The Rao–Scott tests of an r×c table of Σw (``totals``) and Σw² (``squares``); rows and
    columns without weight are dropped first (svychisq sees only the categories present)."""
    keep_rows, keep_columns = totals.sum(axis=1) > 0, totals.sum(axis=0) > 0
    totals, squares = totals[keep_rows][:, keep_columns], squares[keep_rows][:, keep_columns]
    rows, columns = totals.shape
    if n < 2 or rows < 2 or columns < 2:
        return untested(n, UNTESTED)
    share = totals.reshape(-1) / totals.sum()
    cell_squares = squares.reshape(-1) / totals.sum() ** 2
    covariance = (
        np.diag(cell_squares)
        - np.outer(cell_squares, share)
        - np.outer(share, cell_squares)
        + cell_squares.sum() * np.outer(share, share)
    ) * (n / (n - 1))
    scaled = (
        contrasts(rows, columns)
        * np.where(share > 0, 1 / np.where(share > 0, share, 1), 0)[:, None]
    )
    try:
        delta = np.linalg.solve(
            contrasts(rows, columns).T @ scaled / n, scaled.T @ covariance @ scaled
        )
    except np.linalg.LinAlgError:
        return untested(n, SINGULAR)
    trace, trace_squared = np.trace(delta), np.trace(delta @ delta)
    if not (np.isfinite(trace) and trace > 0 and trace_squared > 0):
        return untested(n, SINGULAR)
    df, d0 = (rows - 1) * (columns - 1), trace**2 / trace_squared
    table = totals * n / totals.sum()
    pearson = stats.chi2_contingency(table, correction=False)[0]
    f, first_order = pearson / trace, pearson / (trace / df)
    return {
        "n": n,
        "pearson": pearson,
        "df": df,
        "f": f,
        "ndf": d0,
        "ddf": d0 * (n - 1),
        "p_f": special.fdtrc(d0, d0 * (n - 1), f),
        "chisq": first_order,
        "p_chisq": special.chdtrc(df, first_order),
        "mean_design_effect": trace / df,
        "design_effects": np.sort(np.linalg.eigvals(delta).real)[::-1],
    }


def sums(w: np.ndarray, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Σw and Σw² of each table cell, ``cells`` (respondents, …) the 0/1 membership."""
    flat = cells.reshape(len(w), -1)
    shape = cells.shape[1:]
    return (w @ flat).reshape(shape), (w**2 @ flat).reshape(shape)


def pair_tests(kinds: tuple, a: np.ndarray, b: np.ndarray, sizes: tuple, w, n: int) -> dict:
    """The weighted tests of a pair: one Rao–Scott test, or per option with Bonferroni."""
    both = (a[:, 0] >= 0) & (b[:, 0] >= 0) & (w > 0)
    a, b, w = a[both], b[both], w[both]
    if kinds == ("single", "single"):
        cells = np.eye(sizes[0])[a[:, 0]][:, :, None] * np.eye(sizes[1])[b[:, 0]][:, None, :]
        return rao_scott(*sums(w, cells), n)
    if kinds == ("multi", "multi"):
        a_ticks, b_ticks = a.astype(float), b.astype(float)
        tables = np.stack(
            [
                a_ticks[:, :, None] * b_ticks[:, None, :],
                a_ticks[:, :, None] * (1 - b_ticks[:, None, :]),
                (1 - a_ticks[:, :, None]) * b_ticks[:, None, :],
                (1 - a_ticks[:, :, None]) * (1 - b_ticks[:, None, :]),
            ],
            axis=-1,
        ).reshape(len(w), -1, 2, 2)
    else:
        single, multi = (a, b) if kinds[0] == "single" else (b, a)
        groups = np.eye(sizes[0] if kinds[0] == "single" else sizes[1])[single[:, 0]]
        ticks = multi.astype(float)
        tables = np.stack(
            [groups[:, None, :] * ticks[:, :, None], groups[:, None, :] * (1 - ticks[:, :, None])],
            axis=-1,
        )
    totals, squares = sums(w, tables)
    items = [rao_scott(t, s, n) for t, s in zip(totals, squares, strict=True)]
    p_values = [item["p_f"] for item in items if item.get("p_f") is not None]
    bonferroni = min(1.0, len(p_values) * min(p_values)) if p_values else None
    return {"p_bonferroni": bonferroni, "items": items}


def weights_summary(w: np.ndarray) -> dict:
    kept = w[w > 0]
    n_effective = kept.sum() ** 2 / (kept**2).sum()
    q1, median, q3 = np.quantile(kept, [0.25, 0.5, 0.75])
    return {
        "n": len(kept),
        "n_effective": n_effective,
        "design_effect": len(kept) / n_effective,
        "min": kept.min(),
        "q1": q1,
        "median": median,
        "q3": q3,
        "max": kept.max(),
    }


def add_weighted(analysis: dict, questions: list, given: dict, pairs: dict, responses) -> dict:
    """Add the weighted numbers to what recompute.py found (each pair's shown p becomes its
    Rao–Scott p, as in a weighted analysis) and return the question shares and the weights'
    summary. Every respondent with a weight is in the design."""
    w = np.nan_to_num(weights_of(responses), nan=0.0)
    n = int((w > 0).sum())
    found = {
        q["code"]: question_shares(q["kind"], given[q["code"]], len(q["choices"]), w, n)
        for q in questions
    }
    for i, first in enumerate(questions):
        for second in questions[i + 1 :]:
            kinds = (first["kind"], second["kind"])
            sizes = (len(first["choices"]), len(second["choices"]))
            tests = pair_tests(kinds, given[first["code"]], given[second["code"]], sizes, w, n)
            pair = pairs[first["code"], second["code"]]
            pair["rao_scott"] = tests
            pair["shown_p"] = tests.get("p_f") if "items" not in tests else tests["p_bonferroni"]
    summary = weights_summary(w) if n else None
    if summary is None or summary["n"] != (analysis.get("weights") or {}).get("n"):
        summary = None  # a filtered bundle: the weights were summarised over every response
    return {"shares": found, "weights": summary}
