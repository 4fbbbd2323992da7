"""Assemble the full analysis (`analyze --json`, docs/architecture.md#contracts) from counts.

Pure: counts in, a typed ``Analysis`` (analytics/results.py) out.
"""

from dataclasses import replace
from itertools import combinations

import numpy as np

from analytics.counts import Counts, Shape
from analytics.letters import column_letters
from analytics.multiple_response import (
    MultipleResponseTest,
    multi_by_multi_test,
    single_by_multi_test,
    single_by_multi_test_from_counts,
)
from analytics.numbers import SortedAnswers, kruskal_wallis, sorted_descriptives
from analytics.ordinal import ordinal_association
from analytics.power import PairPower, share_precision, table_power
from analytics.results import (
    Analysis,
    AnalysisOptions,
    ChoiceFrequency,
    ItemResult,
    MultipleResponsePair,
    NumberPair,
    NumberResult,
    Pair,
    QuestionResult,
    TwoWayPair,
)
from analytics.stats import TwoWayTest, adjust_p_values, choice_frequencies, two_way_test
from analytics.weighted import design_size, pairs_weighted, question_shares
from analytics.weights import Weights
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec


def analysis_build(
    spec: QuestionnaireSpec,
    counts: Counts,
    options: AnalysisOptions,
    answers: dict[str, np.ndarray] | None = None,
    *,
    watermark: int,
    anytime: dict[str, float] | None = None,
    weights: Weights | None = None,
    numbers: dict[str, np.ndarray] | None = None,
) -> Analysis:
    """The analysis of these counts, of the responses up to ``watermark``. ``answers`` maps
    each choice question to its columns of the encoded matrix (−1 where unanswered, −2
    where not asked); only multi × multi pairs, bootstrap p-values and number pairs need
    the respondents' answers rather than counts. ``numbers`` maps each number question to
    its answers (NaN where none), needed when the questionnaire has one. ``anytime``: the
    snapshot's running minimum of each pair's anytime-valid p ("a:b" → p; a pair not in it
    has seen no response, p = 1), None where it does not apply (a filtered view): then every
    ``p_anytime`` is None. ``weights`` (per cell of the weighting questions,
    analytics/weighting.py) add the weighted shares and tests, whose p is then the one shown
    (analytics/weighted.py); number questions stay unweighted."""
    tested = [_pair(spec, counts, i, j, options, answers) for i, j in Shape.of(spec).pairs()]
    if weights is not None:
        tested = _weighted_pairs(spec, counts, tested, weights, options)
    described, number_tested = _numbers(spec, counts, answers or {}, numbers or {})
    # One family: the p of every cell of the dependence matrix is adjusted together.
    shown = [pair.shown_p for pair in (*tested, *number_tested)]
    adjusted = adjust_p_values(shown, options.adjust)
    pairs = tuple(
        replace(
            pair,
            p_adjusted=adjusted_p,
            significant=_significant(shown_p, adjusted_p, options),
            p_anytime=None if anytime is None else anytime.get(f"{pair.a}:{pair.b}", 1.0),
        )
        for pair, shown_p, adjusted_p in zip(
            tested, shown[: len(tested)], adjusted[: len(tested)], strict=True
        )
    )
    number_pairs = tuple(
        replace(pair, p_adjusted=p, significant=_significant(pair.shown_p, p, options))
        for pair, p in zip(number_tested, adjusted[len(tested) :], strict=True)
    )
    return Analysis(
        survey=spec.slug,
        watermark=watermark,
        n=counts.n,
        options=options,
        questions=tuple(_question(q, counts, weights) for q in spec.choice_questions),
        pairs=pairs,
        weights=weights,
        numbers=described,
        number_pairs=number_pairs,
    )


def _numbers(
    spec: QuestionnaireSpec, counts: Counts, answers: dict, numbers: dict
) -> tuple[tuple[NumberResult, ...], list[NumberPair]]:
    """Each number question's descriptives and its Kruskal–Wallis pairs (not yet adjusted),
    from its answers sorted once."""
    ordered = {code: SortedAnswers.of(values) for code, values in numbers.items()}
    described = tuple(_number(q, counts, ordered) for q in spec.questions if q.is_number)
    tested = [_number_pair(a, b, counts, answers, ordered) for a, b in _number_pairs(spec)]
    return described, tested


def _not_asked(counts: Counts, code: str) -> int:
    """Respondents not asked the question (skipped by design); 0 without a condition."""
    skipped = counts.tables.get(f"skipped:{code}")
    return 0 if skipped is None else int(skipped[0])


def _number(question: QuestionSpec, counts: Counts, ordered: dict) -> NumberResult:
    answers = ordered.get(question.code, SortedAnswers.of(np.zeros(0)))
    answered = int(counts.tables[f"answered:{question.code}"][0])
    not_asked = _not_asked(counts, question.code)
    return NumberResult(
        code=question.code,
        n_answered=answered,
        n_unanswered=counts.n - answered - not_asked,
        n_not_asked=not_asked,
        descriptives=sorted_descriptives(answers.values),
    )


def _number_pairs(spec: QuestionnaireSpec) -> list[tuple[QuestionSpec, QuestionSpec]]:
    """The pairs of a number question with a single-choice or ordinal one, in
    questionnaire order (numbers are not tested against multi-choice or number questions:
    analytics/numbers.py)."""
    tested = [q for q in spec.questions if q.is_number or q.kind in ("single", "ordinal")]
    return [(a, b) for a, b in combinations(tested, 2) if a.is_number != b.is_number]


def _number_pair(
    a: QuestionSpec, b: QuestionSpec, counts: Counts, answers: dict, ordered: dict
) -> NumberPair:
    number, single = (a, b) if a.is_number else (b, a)
    values = ordered.get(number.code, SortedAnswers.of(np.zeros(0)))
    groups = answers.get(single.code, np.zeros((0, 1), np.int8))[:, 0]
    return NumberPair(
        a=a.code,
        b=b.code,
        number=number.code,
        test=kruskal_wallis(values, groups, len(single.choices)),
        groups=tuple(single.choice_codes),
        not_asked=(_not_asked(counts, a.code), _not_asked(counts, b.code)),
    )


def _weighted_pairs(spec, counts: Counts, tested: list, weights: Weights, options) -> list:
    n = design_size(counts, weights.cells)
    questions = {q.code: q for q in spec.questions}
    pairs = [(questions[pair.a], questions[pair.b]) for pair in tested]
    found = []
    for pair, weighted in zip(tested, pairs_weighted(pairs, counts, weights.cells, n), strict=True):
        weighted_pair = replace(pair, weighted=weighted)
        kept = weighted_pair.weighted_kept() if isinstance(pair, TwoWayPair) else None
        if kept is not None:
            letters = column_letters(
                kept.totals, adjust=options.letters_adjust, alpha=options.alpha, weighted=kept
            )
            weighted_pair = replace(weighted_pair, letters=letters)
        found.append(weighted_pair)
    return found


def _significant(
    shown_p: float | None, adjusted_p: float | None, options: AnalysisOptions
) -> bool | None:
    judged = adjusted_p if options.significance_adjusted else shown_p
    return None if judged is None else bool(judged < options.alpha)


def _question(question: QuestionSpec, counts: Counts, weights: Weights | None) -> QuestionResult:
    freq = counts.tables.get(f"freq:{question.code}", np.zeros(len(question.choices), int))
    multi = question.is_multi
    answered = int(counts.tables[f"answered:{question.code}"][0]) if multi else int(freq.sum())
    rows = choice_frequencies(freq, answered, multi=multi)
    shares: tuple = (None,) * len(question.choices)
    if weights is not None:
        n = design_size(counts, weights.cells)
        shares = question_shares(question, counts, weights.cells, n)
    not_asked = _not_asked(counts, question.code)
    return QuestionResult(
        code=question.code,
        kind=question.kind,
        n_answered=answered,
        n_unanswered=counts.n - answered - not_asked,
        n_not_asked=not_asked,
        frequencies=tuple(
            ChoiceFrequency(
                choice.code,
                row.count,
                row.percent,
                row.ci_low,
                row.ci_high,
                row.percent_of_mentions,
                share_precision(row.count, answered, _interval(row.ci_low, row.ci_high)),
                share,
            )
            for choice, row, share in zip(question.choices, rows, shares, strict=True)
        ),
    )


def _interval(low: float | None, high: float | None) -> tuple[float, float] | None:
    return None if low is None or high is None else (low, high)


def _pair(spec, counts: Counts, i: int, j: int, options: AnalysisOptions, answers) -> Pair:
    a, b = spec.choice_questions[i], spec.choice_questions[j]
    if not a.is_multi and not b.is_multi:
        tested: Pair = _two_way_pair(a, b, counts.tables[f"pair:{a.code}:{b.code}"], options)
    elif a.is_multi and b.is_multi:
        tested = _multi_by_multi_pair(a, b, answers, options)
    else:
        tested = _single_by_multi_pair(a, b, counts, answers, options)
    return replace(tested, not_asked=(_not_asked(counts, a.code), _not_asked(counts, b.code)))


def _two_way_pair(
    a: QuestionSpec, b: QuestionSpec, table: np.ndarray, options: AnalysisOptions
) -> TwoWayPair:
    test = two_way_test(table, permutations=options.permutations, seed=options.seed)
    ordinal = ordinal_association(table) if a.is_ordinal and b.is_ordinal else None
    return TwoWayPair(
        a=a.code,
        b=b.code,
        kind="single×single",
        test=test,
        power=pair_power(test, options.alpha),
        rows=_kept(a, test.dropped_rows),
        columns=_kept(b, test.dropped_columns),
        dropped_rows=_codes(a, test.dropped_rows),
        dropped_columns=_codes(b, test.dropped_columns),
        # Weighted, the letters come from the weighted table (_weighted_letters).
        letters=None
        if options.weighted
        else column_letters(test.table, adjust=options.letters_adjust, alpha=options.alpha),
        ordinal=ordinal,
    )


def _codes(question: QuestionSpec, indices: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(question.choices[k].code for k in indices)


def _kept(question: QuestionSpec, dropped: tuple[int, ...]) -> tuple[str, ...]:
    """The codes of the question's choices that are rows (or columns) of its table."""
    return tuple(c.code for k, c in enumerate(question.choices) if k not in dropped)


def _multi_by_multi_pair(
    a: QuestionSpec, b: QuestionSpec, answers, options: AnalysisOptions
) -> MultipleResponsePair:
    test = _multi_by_multi(answers[a.code], answers[b.code], options)
    items = tuple(
        ItemResult(item, b.choices[item.b_item].code, a_choice=a.choices[item.a_item].code)
        for item in test.items
        if item.a_item is not None  # always, in multi × multi: tells mypy so
    )
    power = pair_power(test, options.alpha)
    return MultipleResponsePair(
        a=a.code, b=b.code, kind="multi×multi", test=test, power=power, items=items
    )


def _single_by_multi_pair(
    a: QuestionSpec, b: QuestionSpec, counts: Counts, answers, options: AnalysisOptions
) -> MultipleResponsePair:
    single, multi = (b, a) if a.is_multi else (a, b)
    if options.bootstrap:
        test = _single_by_multi(answers[single.code], answers[multi.code], single, options)
    else:
        key = f"{a.code}:{b.code}"
        test = single_by_multi_test_from_counts(
            counts.tables[f"joint:{key}"], counts.tables[f"sizes:{key}"]
        )
    items = tuple(ItemResult(item, multi.choices[item.b_item].code) for item in test.items)
    power = pair_power(test, options.alpha)
    return MultipleResponsePair(
        a=a.code, b=b.code, kind="single×multi", test=test, power=power, items=items
    )


def pair_power(test: TwoWayTest | MultipleResponseTest, alpha: float) -> PairPower:
    """The power of a pair's χ² test (power.table_power): of its table, with empty rows and
    columns dropped; for a multiple-response pair, of its Bonferroni test, one option's
    table (all have the same n and shape) at α/m."""
    if isinstance(test, TwoWayTest):
        rows, columns = test.table.shape
        return table_power(test.n, rows, columns, alpha)
    if test.n == 0 or not test.items:  # no respondents: no table of any shape
        return PairPower(n=test.n)
    rows, columns = np.shape(test.items[0].table)
    return table_power(test.n, rows, columns, alpha, tests=len(test.items))


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
