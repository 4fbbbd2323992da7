"""The report's section on number questions: one table of their descriptives and one of
their Kruskal–Wallis tests against the single-choice and ordinal questions.

Called inside ``translation.override(language)``, as exports/report/results.py."""

from django.utils.translation import gettext as _

from analytics.charts import Labels
from analytics.results import Analysis, NumberResult
from exports.report.model import Section, Table
from exports.report.numbers import count, number, p_value


def numbers_section(analysis: Analysis, labels: Labels, language: str) -> Section | None:
    """None when the questionnaire has no number question."""
    if not analysis.numbers:
        return None
    table = Table(
        caption=_("Number questions (unweighted; quartiles by linear interpolation, R type 7)"),
        header=(
            _("Question"),
            "n",
            _("Mean"),
            _("SD"),
            _("Median"),
            _("Quartiles"),
            _("Minimum – maximum"),
            _("Not asked"),
        ),
        rows=tuple(_row(found, labels, language) for found in analysis.numbers),
    )
    return Section(
        heading=_("Number questions"),
        paragraphs=tuple(_kruskal_paragraphs(analysis, labels, language)),
        table=table,
    )


def _row(found: NumberResult, labels: Labels, language: str) -> tuple[str, ...]:
    described = found.descriptives

    def shown(value: float | None) -> str:
        return number(value, 2, language)

    return (
        f"{found.code.upper()}. {labels.questions[found.code]}",
        count(described.n, language),
        shown(described.mean),
        shown(described.sd),
        shown(described.median),
        f"{shown(described.q1)} – {shown(described.q3)}",
        f"{shown(described.minimum)} – {shown(described.maximum)}",
        count(found.n_not_asked, language),
    )


def _kruskal_paragraphs(analysis: Analysis, labels: Labels, language: str) -> list[str]:
    """One sentence per Kruskal–Wallis pair the adjusted analysis finds significant."""
    found = [
        _(
            "%(number)s differs across the groups of %(groups)s: Kruskal–Wallis "
            "H(%(df)s, N = %(n)s) = %(h)s, %(p)s, ε² = %(e2)s."
        )
        % {
            "number": f"{pair.number.upper()} ({labels.questions[pair.number]})",
            "groups": f"{pair.grouping.upper()} ({labels.questions[pair.grouping]})",
            "df": pair.test.df,
            "n": count(pair.test.n, language),
            "h": number(pair.test.statistic, 2, language),
            "p": p_value(pair.test.p, language),
            "e2": number(pair.test.epsilon_squared, 3, language),
        }
        for pair in analysis.number_pairs
        if pair.significant
    ]
    return found or [
        _("No number question differs significantly across the groups of a single-choice question.")
    ]
