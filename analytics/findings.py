"""The plain-language summary of an analysis, in the style of the article's Results section,
in the staff member's language."""

import json
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from analytics.charts import Labels
from analytics.results import Analysis, Pair, QuestionResult, TwoWayPair, rounded

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "surveys" / "questionnaires"


def p_text(p: float) -> str:
    """p as a researcher writes it, in the page's language: "< 0.001" rather than "0.000",
    "= 0,042" on a Russian or Kazakh page."""
    return f"< {number_format(0.001, 3)}" if p < 0.001 else f"= {decimal_text(p, 3)}"


def decimal_text(value: float | None, places: int) -> str:
    """A number rounded to ``places`` with the page language's decimal separator; "–" when
    there is none (number_format alone cuts the digits off instead of rounding)."""
    return "–" if value is None else number_format(round(value, places), places)


def apa_report(pair: Pair) -> str | None:
    """The pair's test as APA style reports it (Publication Manual, 7th ed., 6.43–6.46):
    "χ²(4, N = 613) = 23.45, p < .001, Ṽ = .21": no leading zero for values that cannot
    exceed 1, p exact to three decimals or "< .001"; the decimal point whatever the page's
    language, as the Manual writes it. None when the pair has no test."""
    p = pair.shown_p
    if p is None or pair.test.statistic is None:
        return None
    p_apa = "< .001" if p < 0.001 else f"= {_no_leading_zero(p, 3)}"
    if isinstance(pair, TwoWayPair):
        report = f"χ²({pair.test.df}, N = {pair.test.n}) = {pair.test.statistic:.2f}, p {p_apa}"
        v = pair.cramers_v_corrected
        return report if v is None else f"{report}, Ṽ = {_no_leading_zero(v, 2)}"
    if pair.test.rs2_statistic is not None and pair.test.rs2_df is not None:
        rs2 = pair.test.rs2_statistic
        return f"Rao–Scott χ²({pair.test.rs2_df:.2f}, N = {pair.test.n}) = {rs2:.2f}, p {p_apa}"
    return f"χ²S(N = {pair.test.n}) = {pair.test.statistic:.2f}, Bonferroni p {p_apa}"


def _no_leading_zero(value: float, places: int) -> str:
    return f"{value:.{places}f}".replace("0.", ".", 1) if abs(value) < 1 else f"{value:.{places}f}"


def effect_in_words(v: float | None) -> str:
    """Bias-corrected Cramér's V in words (thresholds after Rea & Parker)."""
    if v is None:
        return _("not measured")
    if v < 0.1:
        return _("negligible")
    if v < 0.2:
        return _("weak")
    if v < 0.3:
        return _("moderate")
    return _("strong")


def pair_sentence(pair: Pair, labels: Labels) -> str:
    """One sentence saying what the pair's test means."""
    a, b = labels.questions[pair.a], labels.questions[pair.b]
    p = pair.shown_p
    if p is None:
        return _("There are not enough answers to test “%(a)s” against “%(b)s”.") % {"a": a, "b": b}
    if not pair.significant:
        return _("Answers to “%(a)s” and “%(b)s” do not depend on each other (p %(p)s).") % {
            "a": a,
            "b": b,
            "p": p_text(p),
        }
    if isinstance(pair, TwoWayPair):
        return _strongest_cell_sentence(pair, labels)
    # A significant pair was tested, so every item has its p.
    item_p, item = min(
        ((item.test.p, item) for item in pair.items if item.test.p is not None),
        key=lambda tested: tested[0],
    )
    multi = pair.b if labels.kinds[pair.b] == "multi" else pair.a
    option = labels.choice(multi, item.choice)
    return _(
        "Answers to “%(a)s” and “%(b)s” depend on each other (p %(p)s); the option "
        "“%(option)s” differs most between groups (p %(item_p)s)."
    ) % {"a": a, "b": b, "p": p_text(p), "option": option, "item_p": p_text(item_p)}


def _strongest_cell_sentence(pair: TwoWayPair, labels: Labels) -> str:
    # Rounded as shown, so that cells equal but for float noise (the diagonal of a 2×2 table)
    # tie, and the first of them is named.
    residuals = rounded(pair.test.adjusted_residuals)
    assert residuals is not None, "a significant pair was tested"
    i, j = max(
        ((i, j) for i in range(len(pair.rows)) for j in range(len(pair.columns))),
        key=lambda cell: residuals[cell[0]][cell[1]],
    )
    return _(
        "Respondents who answered “%(row)s” to %(a)s more often answer “%(column)s” to %(b)s "
        "(adjusted residual %(residual).1f); the association is %(effect)s (Ṽ = %(v).2f)."
    ) % {
        "row": labels.choice(pair.a, pair.rows[i]),
        "a": pair.a.upper(),
        "column": labels.choice(pair.b, pair.columns[j]),
        "b": pair.b.upper(),
        "residual": residuals[i][j],
        "effect": effect_in_words(pair.cramers_v_corrected),
        "v": pair.cramers_v_corrected or 0.0,
    }


def findings_write(analysis: Analysis, labels: Labels) -> dict:
    """Headline shares, dependent and independent pairs, and caveats, as sentences."""
    pairs = analysis.pairs
    dependent = sorted(
        (pair for pair in pairs if pair.significant),
        key=lambda pair: -(pair.cramers_v_corrected or 0.0),
    )
    return {
        "headlines": [_headline(question, labels) for question in analysis.questions],
        "dependent": [_dependence(pair, labels) for pair in dependent],
        "independent": [
            f"{pair.a.upper()} – {pair.b.upper()}"
            for pair in pairs
            if not pair.significant and pair.shown_p is not None
        ],
        "caveats": [
            _(
                "%(a)s – %(b)s: expected counts are too small for the χ² approximation; the "
                "Monte Carlo p is shown instead."
            )
            % {"a": pair.a.upper(), "b": pair.b.upper()}
            for pair in pairs
            if pair.cochran_ok is False
        ],
        **_safely_established(dependent, analysis.options.alpha),
    }


def _safely_established(dependent: list[Pair], alpha: float) -> dict:
    """The dependent pairs whose anytime-valid p is already below α (they stay established
    however often the data were looked at, docs/statistics.md) and those that need more
    data before one stops on them; empty lists when the view is filtered (no p_anytime)."""
    if any(pair.p_anytime is None for pair in dependent):
        return {"safe_available": False, "safe": [], "not_yet_safe": []}
    safe, not_yet = [], []
    for pair in dependent:
        words = {"a": pair.a.upper(), "b": pair.b.upper(), "p": p_text(pair.p_anytime or 1.0)}
        if (pair.p_anytime or 1.0) < alpha:
            safe.append(_("%(a)s – %(b)s: established safely (safe-to-watch p %(p)s).") % words)
        else:
            not_yet.append(
                _(
                    "%(a)s – %(b)s: dependent by the classical p, not yet by the safe-to-watch "
                    "p (%(p)s): keep collecting before you stop on it."
                )
                % words
            )
    return {"safe_available": True, "safe": safe, "not_yet_safe": not_yet}


def _headline(question: QuestionResult, labels: Labels) -> str:
    top = max(question.frequencies, key=lambda row: row.count, default=None)
    if top is None or not question.n_answered:
        return _("%(q)s: no answers yet.") % {"q": labels.questions[question.code]}
    return _("%(q)s — “%(choice)s”: %(percent).0f %% of %(n)d respondents.") % {
        "q": labels.questions[question.code],
        "choice": labels.choice(question.code, top.choice),
        "percent": top.percent,
        "n": question.n_answered,
    }


def _dependence(pair: Pair, labels: Labels) -> str:
    v = pair.cramers_v_corrected
    return _("%(a)s and %(b)s depend on each other: %(effect)s (Ṽ = %(v)s, p %(p)s).") % {
        "a": pair.a.upper(),
        "b": pair.b.upper(),
        "effect": effect_in_words(v),
        "v": decimal_text(v, 2),
        "p": p_text(pair.shown_p or 1.0),
    }


def paper_comparison(slug: str, analysis: Analysis) -> list[dict] | None:
    """What the article reported vs what the current data show, pair by pair; None when the
    survey has no published findings to compare with."""
    path = QUESTIONNAIRES / f"{slug}.paper-findings.json"
    if not path.exists():
        return None
    reported = json.loads(path.read_text(encoding="utf-8"))["pearson_chi_square_findings"]
    rows = []
    for verdict, listed in (("dependent", True), ("independent", False)):
        for a, b in reported[verdict]:
            pair = analysis.pair(a, b)
            if pair is None:
                continue
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "article_dependent": listed,
                    "now_dependent": pair.significant,
                    "p": pair.shown_p,
                    "v": pair.cramers_v_corrected,
                    "agrees": pair.significant == listed,
                }
            )
    return rows
