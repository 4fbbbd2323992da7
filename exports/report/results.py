"""The Results part of the report: a table and a chart per question, the dependence matrix,
and for each dependent pair its APA-style sentence, its statistics and its crosstab.

Called inside ``translation.override(language)``: every gettext is in the report's language.
"""

import hashlib
import json

from django.core.cache import cache
from django.utils.translation import gettext as _

from analytics.charts import Labels
from analytics.findings import effect_in_words
from analytics.multiple_response import MultipleResponseTest
from analytics.ordinal import OrdinalAssociation
from analytics.results import Analysis, MultipleResponsePair, Pair, QuestionResult, TwoWayPair
from analytics.stats import TwoWayTest
from exports.report.charts import frequency_png
from exports.report.model import Figure, PairSection, QuestionSection, Table
from exports.report.numbers import count, number, p_cell, p_value, share
from exports.report.weighted import rao_scott_sentence, rao_scott_statistics

RESIDUAL_MARK = 1.96  # |adjusted residual| beyond which a cell differs at the 5 % level
CHART_CACHE_SECONDS = 3600


def question_section(question: QuestionResult, labels: Labels, language: str) -> QuestionSection:
    text = labels.questions[question.code]
    rows = list(question.frequencies)
    # In a weighted analysis, the weighted share and its logit interval (analytics/rao_scott.py).
    weighted = bool(rows) and rows[0].weighted is not None
    if question.kind == "multi":  # as the article's Picture 1: most chosen first
        rows.sort(key=lambda row: -(_shown(row)[0] or 0.0))
    names = [labels.choice(question.code, row.choice) for row in rows]
    shown = [_shown(row) for row in rows]
    percents = [percent or 0.0 for percent, _low, _high in shown]
    table = Table(
        caption=_("Answers to %(q)s (n = %(n)s)")
        % {"q": question.code.upper(), "n": count(question.n_answered, language)},
        header=(
            _("Answer"),
            _("Count"),
            _("Weighted percent") if weighted else _("Percent"),
            _("95 % interval"),
        ),
        rows=tuple(
            (
                name,
                count(row.count, language),
                number(percent, 1, language),
                f"{number(low, 1, language)} – {number(high, 1, language)}",
            )
            for name, row, (percent, low, high) in zip(names, rows, shown, strict=True)
        ),
        note=_("Several answers could be chosen: percentages add up to more than 100.")
        if question.kind == "multi"
        else "",
    )
    alt = _("Bar chart of the answers to “%(q)s”: %(shares)s.") % {
        "q": text,
        "shares": "; ".join(
            f"{name} {number(percent, 0, language)} %"
            for name, percent in zip(names, percents, strict=True)
        ),
    }
    caption = _("Figure: %(q)s") % {"q": text}
    axis = _("weighted percent of respondents") if weighted else _("percent of respondents")
    png = _chart(names, percents, axis)
    return QuestionSection(f"{question.code.upper()}. {text}", table, Figure(png, alt, caption))


def _shown(row) -> tuple[float | None, float | None, float | None]:
    """The share shown and its interval: weighted in a weighted analysis."""
    if row.weighted is not None:
        return row.weighted.percent, row.weighted.ci_low, row.weighted.ci_high
    return row.percent, row.ci_low, row.ci_high


def _chart(names: list[str], percents: list[float], axis_label: str) -> bytes:
    """The bar chart, drawn once for the same bars (the Word and the printable report of one
    view, or views whose filters keep the same responses): keyed by what it shows."""
    drawn = json.dumps([names, [round(p, 6) for p in percents], axis_label])
    key = "report-chart:" + hashlib.sha256(drawn.encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        png = frequency_png(names, percents, axis_label)
        cache.set(key, png, timeout=CHART_CACHE_SECONDS)
    return png


def matrix_table(analysis: Analysis, language: str) -> Table:
    """One row per pair: the test, its numbers, the shown and adjusted p, the verdict."""
    rows = []
    for pair in analysis.pairs:
        rows.append(
            (
                f"{pair.a.upper()} – {pair.b.upper()}",
                _test_name(pair),
                *_statistic_and_df(pair, language),
                p_cell(pair.shown_p, language),
                p_cell(pair.p_adjusted, language),
                share(pair.cramers_v_corrected, 2, language),
                _verdict(pair),
            )
        )
    return Table(
        caption=_("Dependence of every pair of questions (n = %(n)s)")
        % {"n": count(analysis.n, language)},
        header=(
            _("Pair"),
            _("Test"),
            "F" if analysis.weights is not None else "X²",
            "df",
            "p",
            _("adjusted p"),
            "Ṽ",
            _("Verdict"),
        ),
        rows=tuple(rows),
        note=_(
            "†: Monte Carlo p (expected counts too small for the χ² approximation). M²: two "
            "questions with ordered answers, the linear-by-linear p."
        ),
    )


def _statistic_and_df(pair: Pair, language: str) -> tuple[str, str]:
    """X² and its df, or weighted the Rao–Scott F and its numerator df (– for a pair with a
    multi-choice question, tested option by option)."""
    if pair.weighted is not None:
        test = pair.weighted.test
        if test is None:
            return "–", "–"
        return number(test.f, 2, language), number(test.ndf, 2, language)
    digits = 0 if isinstance(pair, TwoWayPair) else 2
    return number(pair.test.statistic, 2, language), number(pair.df, digits, language)


def _test_name(pair: Pair) -> str:
    if pair.weighted is not None:
        return _("Rao–Scott F") if pair.weighted.test is not None else _("Rao–Scott F, options")
    if isinstance(pair, MultipleResponsePair):
        return _("Rao–Scott X²_S")
    if _trend(pair) is not None:
        return "M²"
    return "χ² †" if pair.test.p_exact is not None else "χ²"


def _verdict(pair: Pair) -> str:
    if pair.shown_p is None:
        return _("not tested")
    return _("dependent") if pair.significant else _("independent")


def _trend(pair: TwoWayPair) -> float | None:
    """The linear-by-linear M² of two ordinal questions, when its p is the one shown."""
    trend = pair.ordinal
    return None if trend is None or trend.linear_by_linear_p is None else trend.linear_by_linear


def apa_sentence(pair: Pair, language: str) -> str:
    """The test as a paper reports it: "χ²(12, N = 613) = 41.20, p < .001, Ṽ = .26"."""
    test = pair.test
    if pair.weighted is not None:
        return rao_scott_sentence(pair, language)
    if isinstance(pair, TwoWayPair) and _trend(pair) is not None:
        return (
            f"M²(1, N = {count(test.n, language)}) = {number(_trend(pair), 2, language)}, "
            f"{p_value(pair.shown_p, language)}, Ṽ = {share(pair.cramers_v_corrected, 2, language)}"
        )
    if isinstance(pair, TwoWayPair):
        monte_carlo = _(" (Monte Carlo)") if pair.test.p_exact is not None else ""
        return (
            f"χ²({pair.df}, N = {count(test.n, language)}) = {number(test.statistic, 2, language)}"
            f", {p_value(pair.shown_p, language)}{monte_carlo}"
            f", Ṽ = {share(pair.cramers_v_corrected, 2, language)}"
        )
    assert isinstance(pair, MultipleResponsePair)
    stated = f"X²_S = {number(pair.test.statistic, 2, language)}"
    if pair.test.rs2_statistic is None:
        bonferroni = _("Bonferroni %(p)s") % {"p": p_value(pair.test.p_bonferroni, language)}
        return f"{stated}, {bonferroni}"
    return (
        f"{stated}; χ²_RS2({number(pair.test.rs2_df, 2, language)}, "
        f"N = {count(pair.test.n, language)}) = {number(pair.test.rs2_statistic, 2, language)}, "
        f"{p_value(pair.shown_p, language)}"
    )


def pair_section(pair: Pair, labels: Labels, language: str) -> PairSection:
    heading = (
        f"{pair.a.upper()} – {pair.b.upper()}: "
        f"{labels.questions[pair.a]} × {labels.questions[pair.b]}"
    )
    caveat = ""
    if pair.cochran_ok is False and pair.weighted is None:  # weighted: the Rao–Scott p
        caveat = _(
            "Expected counts are too small for the χ² approximation (Cochran's rule): the p "
            "shown is the Monte Carlo p."
        )
    if isinstance(pair, TwoWayPair):
        crosstab = _crosstab(pair, labels, language)
    else:
        crosstab = _options_table(pair, labels, language)
    meaning = _meaning(pair, labels, language)
    return PairSection(
        heading,
        apa_sentence(pair, language),
        meaning,
        _statistics(pair, language),
        crosstab,
        caveat,
    )


def _statistics(pair: Pair, language: str) -> Table:
    """The pair's statistics as (name, value) rows: its test's, then the adjusted p and the
    power, which every pair has."""
    if isinstance(pair, TwoWayPair):
        rows = _two_way_statistics(pair.test, pair.ordinal, language)
    else:
        assert isinstance(pair, MultipleResponsePair)
        rows = _multiple_response_statistics(pair.test, language)
    if pair.weighted is not None:
        rows = rao_scott_statistics(pair, language) + rows
    rows.append((_("adjusted p (across all pairs)"), p_cell(pair.p_adjusted, language)))
    if pair.power.power is not None:
        power = share(pair.power.power[0], 2, language)
        rows.append((_("power for a small dependence (V = 0.1)"), power))
    return Table(
        _("The test of %(a)s and %(b)s (n = %(n)s)")
        % {"a": pair.a.upper(), "b": pair.b.upper(), "n": count(pair.test.n, language)},
        (_("Statistic"), _("Value")),
        tuple(rows),
    )


def _two_way_statistics(
    test: TwoWayTest, ordinal: OrdinalAssociation | None, language: str
) -> list[tuple[str, str]]:
    rows = [
        (_("Pearson's X²"), number(test.statistic, 2, language)),
        ("df", str(test.df)),
        (_("asymptotic p"), p_cell(test.p, language)),
        (_("likelihood ratio G²"), number(test.g2, 2, language)),
        (_("Cramér's V"), share(test.cramers_v, 3, language)),
        (_("bias-corrected Ṽ"), share(test.cramers_v_corrected, 3, language)),
        (_("smallest expected count"), number(test.min_expected, 2, language)),
    ]
    if ordinal is not None and ordinal.linear_by_linear is not None:
        rows.append(
            (_("linear-by-linear M² (1 df)"), number(ordinal.linear_by_linear, 2, language))
        )
        rows.append((_("linear-by-linear p"), p_cell(ordinal.linear_by_linear_p, language)))
    if test.p_exact is not None:
        simulated = _("Monte Carlo p (%(b)s tables)") % {
            "b": number(test.permutations, 0, language)
        }
        rows.append((simulated, p_cell(test.p_exact, language)))
    if test.fisher_p is not None:
        rows.append((_("Yates' X²"), number(test.yates_statistic, 2, language)))
        rows.append((_("Fisher's exact p"), p_cell(test.fisher_p, language)))
    return rows


def _multiple_response_statistics(
    test: MultipleResponseTest, language: str
) -> list[tuple[str, str]]:
    return [
        ("X²_S", number(test.statistic, 2, language)),
        (_("Bonferroni p"), p_cell(test.p_bonferroni, language)),
        (_("Rao–Scott X²_RS2"), number(test.rs2_statistic, 2, language)),
        (_("Rao–Scott df"), number(test.rs2_df, 2, language)),
        (_("Rao–Scott p"), p_cell(test.rs2_p, language)),
    ]


def _crosstab(pair: TwoWayPair, labels: Labels, language: str) -> Table:
    """Counts with row percentages (weighted in a weighted analysis); cells whose adjusted
    residual is beyond ±1.96 marked."""
    test = pair.test
    assert test.row_percent is not None and test.adjusted_residuals is not None
    kept = pair.weighted_kept()
    percents = test.row_percent
    if kept is not None:
        percents = 100 * kept.totals / kept.totals.sum(axis=1, keepdims=True)
    rows, marked = [], set()
    for i, row in enumerate(pair.rows):
        cells = [labels.choice(pair.a, row)]
        for j in range(len(pair.columns)):
            residual = float(test.adjusted_residuals[i, j])
            sign = "+" if residual > RESIDUAL_MARK else "−" if residual < -RESIDUAL_MARK else ""
            if sign:
                marked.add((i, j + 1))
            cells.append(
                f"{count(int(test.table[i, j]), language)} "
                f"({number(float(percents[i, j]), 1, language)} %){sign}"
            )
        rows.append(tuple(cells))
    caption = (
        _("%(a)s by %(b)s: counts and weighted row percentages")
        if kept is not None
        else _("%(a)s by %(b)s: counts and row percentages")
    )
    return Table(
        caption=caption % {"a": pair.a.upper(), "b": pair.b.upper()},
        header=("", *(labels.choice(pair.b, column) for column in pair.columns)),
        rows=tuple(rows),
        marked=frozenset(marked),
        note=_(
            "+ / −: more / fewer answers than independence predicts (adjusted residual "
            "beyond ±1.96)."
        ),
    )


def _options_table(pair: MultipleResponsePair, labels: Labels, language: str) -> Table:
    """One row per option (or option pair) of a multiple-response pair: its own X² and p
    and its Bonferroni p, the tables X²_S sums."""
    rows = []
    for item in pair.items:
        multi = pair.b if labels.kinds[pair.b] == "multi" else pair.a
        name = labels.choice(multi, item.choice)
        if item.a_choice is not None:
            name = f"{labels.choice(pair.a, item.a_choice)} × {name}"
        test = item.test
        rows.append(
            (
                name,
                number(test.statistic, 2, language),
                p_cell(test.p, language),
                p_cell(test.p_adjusted, language),
            )
        )
    return Table(
        caption=_("%(a)s and %(b)s: the test of each option")
        % {"a": pair.a.upper(), "b": pair.b.upper()},
        header=(_("Option"), "X²", "p", _("Bonferroni p")),
        rows=tuple(rows),
    )


def _meaning(pair: Pair, labels: Labels, language: str) -> str:
    if isinstance(pair, TwoWayPair):
        residuals = pair.test.adjusted_residuals
        assert residuals is not None
        i, j = divmod(int(residuals.argmax()), residuals.shape[1])
        return _(
            "Respondents who answered “%(row)s” to %(a)s more often answer “%(column)s” to "
            "%(b)s (adjusted residual %(residual)s); the association is %(effect)s."
        ) % {
            "row": labels.choice(pair.a, pair.rows[i]),
            "a": pair.a.upper(),
            "column": labels.choice(pair.b, pair.columns[j]),
            "b": pair.b.upper(),
            "residual": number(float(residuals[i, j]), 1, language),
            "effect": effect_in_words(pair.cramers_v_corrected),
        }
    tested = [item for item in pair.items if item.test.p is not None]
    if not tested:
        return ""
    item = min(tested, key=lambda item: item.test.p or 1.0)
    multi = pair.b if labels.kinds[pair.b] == "multi" else pair.a
    return _("The option “%(option)s” of %(q)s differs most between groups (%(p)s).") % {
        "option": labels.choice(multi, item.choice),
        "q": multi.upper(),
        "p": p_value(item.test.p, language),
    }
