"""Assemble the full analysis (`analyze --json`, docs/architecture.md#contracts) from counts.

Pure: counts in, plain JSON-ready dicts out (no NaN or Infinity: null with a reason).
"""

from dataclasses import dataclass

import numpy as np

from analytics.counts import Counts, Shape
from analytics.multiple_response import (
    MultipleResponseTest,
    multi_by_multi_test,
    single_by_multi_test,
    single_by_multi_test_from_counts,
)
from analytics.stats import TwoWayTest, adjust_p_values, choice_frequencies, two_way_test
from surveys.questionnaire import QuestionnaireSpec

ADJUST_METHODS = ("bh", "holm", "none")


@dataclass(frozen=True)
class AnalysisOptions:
    permutations: int = 10_000
    seed: int = 0
    adjust: str = "bh"
    alpha: float = 0.05
    significance_adjusted: bool = False  # the article judged on unadjusted p
    bootstrap: int = 0  # resamples for a bootstrap p of multiple-response tests (0: none)


def analysis_build(
    spec: QuestionnaireSpec, counts: Counts, options: AnalysisOptions, answers=None
) -> dict:
    """The analysis of these counts. ``answers`` maps each question to its columns of the
    encoded matrix (−1 where unanswered); only multi × multi pairs and bootstrap p-values
    need the respondents' answers rather than counts."""
    shape = Shape.of(spec)
    pairs = [_pair(spec, counts, i, j, options, answers) for i, j in shape.pairs()]
    shown = [pair.pop("_shown_p") for pair in pairs]
    adjusted = adjust_p_values(shown, options.adjust)
    for pair, shown_p, adjusted_p in zip(pairs, shown, adjusted, strict=True):
        pair["p_adjusted"] = adjusted_p
        judged = adjusted_p if options.significance_adjusted else shown_p
        pair["significant"] = None if judged is None else bool(judged < options.alpha)
    return {
        "n": counts.n,
        "options": {
            "permutations": options.permutations,
            "seed": options.seed,
            "adjust": options.adjust,
            "alpha": options.alpha,
            "significance_adjusted": options.significance_adjusted,
        },
        "questions": [_question(q, counts) for q in spec.questions],
        "pairs": pairs,
    }


def _question(question, counts: Counts) -> dict:
    freq = counts.tables.get(f"freq:{question.code}", np.zeros(len(question.choices), int))
    multi = question.kind == "multi"
    answered = int(counts.tables[f"answered:{question.code}"][0]) if multi else int(freq.sum())
    rows = choice_frequencies(freq, answered, multi=multi)
    return {
        "code": question.code,
        "kind": question.kind,
        "n_answered": answered,
        "n_unanswered": counts.n - answered,
        "frequencies": [
            {
                "choice": choice.code,
                "count": row.count,
                "percent": row.percent,
                "ci_low": row.ci_low,
                "ci_high": row.ci_high,
                **({"percent_of_mentions": row.percent_of_mentions} if multi else {}),
            }
            for choice, row in zip(question.choices, rows, strict=True)
        ],
    }


def _pair(spec, counts: Counts, i: int, j: int, options: AnalysisOptions, answers) -> dict:
    a, b = spec.questions[i], spec.questions[j]
    key = f"{a.code}:{b.code}"
    if a.kind == b.kind == "single":
        table = counts.tables[f"pair:{key}"]
        two_way = two_way_test(table, permutations=options.permutations, seed=options.seed)
        return {"a": a.code, "b": b.code, "kind": "single×single", **_two_way(two_way, a, b)}
    if a.kind == b.kind == "multi":
        both = _multi_by_multi(answers[a.code], answers[b.code], options)
        return {"a": a.code, "b": b.code, "kind": "multi×multi", **_multiple(both, a, b)}
    single, multi = (a, b) if a.kind == "single" else (b, a)
    if options.bootstrap:
        mixed = _single_by_multi(answers[single.code], answers[multi.code], single, options)
    else:
        mixed = single_by_multi_test_from_counts(
            counts.tables[f"joint:{key}"], counts.tables[f"sizes:{key}"]
        )
    return {"a": a.code, "b": b.code, "kind": "single×multi", **_multiple(mixed, None, multi)}


def _multi_by_multi(a: np.ndarray, b: np.ndarray, options) -> MultipleResponseTest:
    answered = (a[:, 0] >= 0) & (b[:, 0] >= 0)
    return multi_by_multi_test(
        a[answered], b[answered], bootstrap=options.bootstrap, seed=options.seed
    )


def _single_by_multi(groups: np.ndarray, ticks: np.ndarray, single, options):
    answered = (groups[:, 0] >= 0) & (ticks[:, 0] >= 0)
    return single_by_multi_test(
        groups[answered, 0],
        ticks[answered],
        n_groups=len(single.choices),
        bootstrap=options.bootstrap,
        seed=options.seed,
    )


def _two_way(test: TwoWayTest, a, b) -> dict:
    rows = [c.code for k, c in enumerate(a.choices) if k not in test.dropped_rows]
    columns = [c.code for k, c in enumerate(b.choices) if k not in test.dropped_columns]
    return {
        "n": test.n,
        "statistic": test.statistic,
        "df": test.df,
        "p": test.p,
        "g2": test.g2,
        "g2_p": test.g2_p,
        "cramers_v": test.cramers_v,
        "cramers_v_corrected": test.cramers_v_corrected,
        "min_expected": test.min_expected,
        "cells_expected_below_5": test.cells_expected_below_5,
        "cells_expected_below_1": test.cells_expected_below_1,
        "share_expected_below_5": test.share_expected_below_5,
        "cochran_ok": test.cochran_ok,
        "yates_statistic": test.yates_statistic,
        "yates_p": test.yates_p,
        "fisher_p": test.fisher_p,
        "p_exact": test.p_exact,
        "permutations": test.permutations,
        "reason": test.reason,
        "rows": rows,
        "columns": columns,
        "dropped_rows": [a.choices[k].code for k in test.dropped_rows],
        "dropped_columns": [b.choices[k].code for k in test.dropped_columns],
        "table": test.table.tolist(),
        "expected": _listed(test.expected),
        "adjusted_residuals": _listed(test.adjusted_residuals),
        "row_percent": _listed(test.row_percent),
        "column_percent": _listed(test.column_percent),
        "_shown_p": test.shown_p,
    }


def _multiple(test: MultipleResponseTest, a, b) -> dict:
    shown = test.rs2_p if test.rs2_p is not None else test.p_bonferroni
    items = []
    for item in test.items:
        entry = {
            "statistic": item.statistic,
            "p": item.p,
            "p_adjusted": item.p_adjusted,
            "table": [list(row) for row in item.table],
        }
        if a is None:
            entry = {"choice": b.choices[item.b_item].code, **entry}
        else:
            entry = {
                "a_choice": a.choices[item.a_item].code,
                "b_choice": b.choices[item.b_item].code,
                **entry,
            }
        items.append(entry)
    return {
        "n": test.n,
        "statistic": test.statistic,
        "df": test.rs2_df,
        "p": test.rs2_p,
        "p_bonferroni": test.p_bonferroni,
        "p_bootstrap": test.p_bootstrap,
        "rs2_statistic": test.rs2_statistic,
        "rs2_df": test.rs2_df,
        "rs2_p": test.rs2_p,
        "p_exact": None,
        "cochran_ok": None,
        "reason": test.reason,
        "items": items,
        "_shown_p": shown,
    }


def _listed(values: np.ndarray | None) -> list | None:
    return None if values is None else np.round(values, 10).tolist()
