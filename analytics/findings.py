"""The plain-language summary of an analysis, in the style of the article's Results section,
in the staff member's language."""

import json
from pathlib import Path

from django.utils.translation import gettext as _

from analytics.charts import Labels

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "surveys" / "questionnaires"
RESIDUAL_CUTOFF = 1.96


def shown_p(pair: dict) -> float | None:
    """The p the dashboards show: Monte Carlo where Cochran's rule fails, else asymptotic
    (Rao–Scott, or Bonferroni when that is missing, for multiple-response pairs)."""
    for key in ("p_exact", "p", "p_bonferroni"):
        if pair.get(key) is not None:
            return pair[key]
    return None


def p_text(p: float) -> str:
    """p as a researcher writes it: "< 0.001" rather than "0.000"."""
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


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


def pair_sentence(pair: dict, labels: Labels) -> str:
    """One sentence saying what the pair's test means."""
    a, b = labels.questions[pair["a"]], labels.questions[pair["b"]]
    p = shown_p(pair)
    if p is None:
        return _("There are not enough answers to test “%(a)s” against “%(b)s”.") % {"a": a, "b": b}
    if not pair["significant"]:
        return _("Answers to “%(a)s” and “%(b)s” do not depend on each other (p %(p)s).") % {
            "a": a,
            "b": b,
            "p": p_text(p),
        }
    if pair["kind"] == "single×single":
        return _strongest_cell_sentence(pair, labels)
    item = min(pair["items"], key=lambda entry: entry["p"])
    multi = pair["b"] if labels.kinds[pair["b"]] == "multi" else pair["a"]
    option = labels.choice(multi, item.get("choice") or item["b_choice"])
    return _(
        "Answers to “%(a)s” and “%(b)s” depend on each other (p %(p)s); the option "
        "“%(option)s” differs most between groups (p %(item_p)s)."
    ) % {"a": a, "b": b, "p": p_text(p), "option": option, "item_p": p_text(item["p"])}


def _strongest_cell_sentence(pair: dict, labels: Labels) -> str:
    residuals = pair["adjusted_residuals"]
    i, j = max(
        ((i, j) for i in range(len(pair["rows"])) for j in range(len(pair["columns"]))),
        key=lambda cell: residuals[cell[0]][cell[1]],
    )
    return _(
        "Respondents who answered “%(row)s” to %(a)s more often answer “%(column)s” to %(b)s "
        "(adjusted residual %(residual).1f); the association is %(effect)s (Ṽ = %(v).2f)."
    ) % {
        "row": labels.choice(pair["a"], pair["rows"][i]),
        "a": pair["a"].upper(),
        "column": labels.choice(pair["b"], pair["columns"][j]),
        "b": pair["b"].upper(),
        "residual": residuals[i][j],
        "effect": effect_in_words(pair["cramers_v_corrected"]),
        "v": pair["cramers_v_corrected"] or 0.0,
    }


def findings_write(analysis: dict, labels: Labels) -> dict:
    """Headline shares, dependent and independent pairs, and caveats, as sentences."""
    pairs = analysis["pairs"]
    dependent = sorted(
        (pair for pair in pairs if pair["significant"]),
        key=lambda pair: -(pair.get("cramers_v_corrected") or 0.0),
    )
    return {
        "headlines": [_headline(question, labels) for question in analysis["questions"]],
        "dependent": [_dependence(pair, labels) for pair in dependent],
        "independent": [
            f"{pair['a'].upper()} – {pair['b'].upper()}"
            for pair in pairs
            if not pair["significant"] and shown_p(pair) is not None
        ],
        "caveats": [
            _(
                "%(a)s – %(b)s: expected counts are too small for the χ² approximation; the "
                "Monte Carlo p is shown instead."
            )
            % {"a": pair["a"].upper(), "b": pair["b"].upper()}
            for pair in pairs
            if pair.get("cochran_ok") is False
        ],
    }


def _headline(question: dict, labels: Labels) -> str:
    top = max(question["frequencies"], key=lambda row: row["count"], default=None)
    if top is None or not question["n_answered"]:
        return _("%(q)s: no answers yet.") % {"q": labels.questions[question["code"]]}
    return _("%(q)s — “%(choice)s”: %(percent).0f %% of %(n)d respondents.") % {
        "q": labels.questions[question["code"]],
        "choice": labels.choice(question["code"], top["choice"]),
        "percent": top["percent"],
        "n": question["n_answered"],
    }


def _dependence(pair: dict, labels: Labels) -> str:
    return _("%(a)s and %(b)s depend on each other: %(effect)s (Ṽ = %(v)s, p %(p)s).") % {
        "a": pair["a"].upper(),
        "b": pair["b"].upper(),
        "effect": effect_in_words(pair.get("cramers_v_corrected")),
        "v": "–"
        if pair.get("cramers_v_corrected") is None
        else f"{pair['cramers_v_corrected']:.2f}",
        "p": p_text(shown_p(pair) or 1.0),
    }


def paper_comparison(slug: str, analysis: dict) -> list[dict] | None:
    """What the article reported vs what the current data show, pair by pair; None when the
    survey has no published findings to compare with."""
    path = QUESTIONNAIRES / f"{slug}.paper-findings.json"
    if not path.exists():
        return None
    reported = json.loads(path.read_text(encoding="utf-8"))["pearson_chi_square_findings"]
    pairs = {(pair["a"], pair["b"]): pair for pair in analysis["pairs"]}
    rows = []
    for verdict, listed in (("dependent", True), ("independent", False)):
        for a, b in reported[verdict]:
            pair = pairs.get((a, b)) or pairs.get((b, a))
            if pair is None:
                continue
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "article_dependent": listed,
                    "now_dependent": pair["significant"],
                    "p": shown_p(pair),
                    "v": pair.get("cramers_v_corrected"),
                    "agrees": pair["significant"] == listed,
                }
            )
    return rows
