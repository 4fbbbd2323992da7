"""The weighted report's own parts: the Methods section on the weights and, per pair, the
Rao–Scott sentence and statistics. Called inside ``translation.override(language)``."""

from django.utils.translation import gettext as _

from analytics.charts import Labels
from analytics.rao_scott import RaoScottTest
from analytics.results import Analysis, Pair
from exports.report.model import Section, Table
from exports.report.numbers import count, number, p_cell, p_value

WEIGHTED_REFERENCES = (
    "Deville, J.-C., & Särndal, C.-E. (1992). Calibration estimators in survey sampling. "
    "Journal of the American Statistical Association, 87, 376–382.",
    "Kish, L. (1965). Survey Sampling. Wiley.",
    "Korn, E. L., & Graubard, B. I. (1998). Confidence intervals for proportions with small "
    "expected number of positive counts estimated from survey data. Survey Methodology, 24, "
    "193–201.",
    "Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R. Wiley (R package survey).",
    "Rao, J. N. K., & Scott, A. J. (1984). On chi-squared tests for multiway contingency "
    "tables with cell proportions estimated from survey data. The Annals of Statistics, 12, "
    "46–60.",
)


def weights_section(analysis: Analysis, scheme: dict, labels: Labels, language: str) -> Section:
    """How the responses were weighted: raking to the scheme's margins, trimming, Kish's
    effective n, the design effect and the weights' range, and the tests that follow."""
    weights = analysis.weights
    assert weights is not None
    questions = ", ".join(code.upper() for code in scheme["margins"])
    paragraphs = [
        _(
            "The responses were weighted to known population shares of %(questions)s by raking "
            "(iterative proportional fitting; Deville & Särndal, 1992), as R's survey package "
            "does (Lumley, 2010); respondents who skipped a weighting question have no weight "
            "and are left out of the weighted results."
        )
        % {"questions": questions}
    ]
    if scheme.get("trim"):
        low, high = scheme["trim"]
        paragraphs.append(
            _(
                "The weights were trimmed to between %(low)s and %(high)s times the mean weight "
                "and raked again until both the margins and the bounds held."
            )
            % {"low": number(low, 2, language), "high": number(high, 2, language)}
        )
    paragraphs.append(
        _(
            "Kish's effective sample size is %(n_eff)s of %(n)s weighted respondents (design "
            "effect %(deff)s); the weights range from %(min)s to %(max)s (median %(median)s)."
        )
        % {
            "n_eff": number(weights.n_effective, 1, language),
            "n": count(weights.n, language),
            "deff": number(weights.design_effect, 2, language),
            "min": number(weights.minimum, 3, language),
            "max": number(weights.maximum, 3, language),
            "median": number(weights.median, 3, language),
        }
    )
    paragraphs.append(
        _(
            "Shares are weighted, with linearised standard errors and 95 %% intervals on the "
            "logit scale (Korn & Graubard, 1998). Each pair of single-choice questions was "
            "tested with the Rao–Scott corrections of Pearson's χ² (Rao & Scott, 1984): the "
            "second-order F, whose p is reported and adjusted, with the first-order χ² beside "
            "it. A pair with a multiple-choice question was tested option by option so, with "
            "a Bonferroni p over the options; the Bilder–Loughin tests stay unweighted."
        )
    )
    return Section(_("Weights"), tuple(paragraphs), _margins(scheme, labels, language))


def _margins(scheme: dict, labels: Labels, language: str) -> Table:
    return Table(
        caption=_("Population margins the responses were raked to"),
        header=(_("Question"), _("Answer"), _("Population share or total")),
        rows=tuple(
            (code.upper(), labels.choice(code, choice), number(target, 3, language))
            for code, margin in scheme["margins"].items()
            for choice, target in margin.items()
        ),
    )


def rao_scott_sentence(pair: Pair, language: str) -> str:
    """ "F(2.87, 1144.9) = 5.12, p = .002; first order χ²(12) = 30.50, p = .003", or for a
    pair with a multi-choice question the Bonferroni p of its options' Rao–Scott F tests."""
    assert pair.weighted is not None
    test = pair.weighted.test
    if test is None:
        return _("Rao–Scott F of each option, Bonferroni %(p)s") % {
            "p": p_value(pair.weighted.p_bonferroni, language)
        }
    if test.f is None:
        return _("Rao–Scott test not possible: %(reason)s") % {"reason": test.reason}
    first_order = _("first order")
    return (
        f"F({number(test.ndf, 2, language)}, {number(test.ddf, 1, language)}) = "
        f"{number(test.f, 2, language)}, {p_value(test.p_f, language)}; {first_order} "
        f"χ²({test.df}) = {number(test.chisq, 2, language)}, {p_value(test.p_chisq, language)}"
    )


def rao_scott_statistics(pair: Pair, language: str) -> list[tuple[str, str]]:
    """The weighted test's rows of a pair's statistics table."""
    assert pair.weighted is not None
    test = pair.weighted.test
    if test is None:
        bonferroni = p_cell(pair.weighted.p_bonferroni, language)
        return [(_("Bonferroni p of the options' Rao–Scott F"), bonferroni)]
    return _test_rows(test, language)


def _test_rows(test: RaoScottTest, language: str) -> list[tuple[str, str]]:
    return [
        (_("Rao–Scott F (second order)"), number(test.f, 2, language)),
        (
            _("its df"),
            f"{number(test.ndf, 2, language)}; {number(test.ddf, 1, language)}",
        ),
        (_("Rao–Scott p"), p_cell(test.p_f, language)),
        (_("first-order Rao–Scott χ²"), number(test.chisq, 2, language)),
        (_("first-order p"), p_cell(test.p_chisq, language)),
        (_("mean design effect"), number(test.mean_design_effect, 2, language)),
    ]
