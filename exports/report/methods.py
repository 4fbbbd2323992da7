"""The Methods section: sample and mode, the questions, and the tests used and why, each with
its reference. Called inside ``translation.override(language)``."""

from django.utils.translation import gettext as _

from analytics.charts import Labels
from analytics.results import Analysis
from exports.report.model import Section, Table
from exports.report.numbers import count, day, number
from exports.report.weighted import WEIGHTED_REFERENCES, weights_section
from exports.selectors import Collection
from surveys.questionnaire import QuestionnaireSpec

REFERENCES = (
    "Agresti, A. (2013). Categorical Data Analysis (3rd ed.). Wiley.",
    "Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. Journal of "
    "the Royal Statistical Society B, 57, 289–300.",
    "Bergsma, W. (2013). A bias-correction for Cramér's V and Tschuprow's T. Journal of the "
    "Korean Statistical Society, 42, 323–328.",
    "Bilder, C. R., & Loughin, T. M. (2004). Testing for marginal independence between two "
    "categorical variables with multiple responses. Biometrics, 60, 241–248.",
    "Cochran, W. G. (1954). Some methods for strengthening the common χ² tests. Biometrics, "
    "10, 417–451.",
    "Haberman, S. J. (1973). The analysis of residuals in cross-classified tables. "
    "Biometrics, 29, 205–220.",
    "Hope, A. C. A. (1968). A simplified Monte Carlo significance test procedure. Journal of "
    "the Royal Statistical Society B, 30, 582–598.",
    "Wilson, E. B. (1927). Probable inference, the law of succession, and statistical "
    "inference. Journal of the American Statistical Association, 22, 209–212.",
)


def _language_name(code: str) -> str:
    names = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}
    return names.get(code, code)


def references(weighted: bool) -> tuple[str, ...]:
    """The references, with those of the weights in a weighted report."""
    return tuple(sorted(REFERENCES + WEIGHTED_REFERENCES)) if weighted else REFERENCES


def methods_sections(
    spec: QuestionnaireSpec,
    labels: Labels,
    analysis: Analysis,
    collection: Collection,
    language: str,
) -> tuple[Section, ...]:
    sections = (
        _sample(analysis, collection, language),
        _questions(spec, labels),
        _tests(analysis, language),
    )
    if analysis.weights is None or collection.weighting is None:
        return sections
    return (*sections, weights_section(analysis, collection.weighting, labels, language))


def _sample(analysis: Analysis, collection: Collection, language: str) -> Section:
    total = sum(collection.languages.values()) or 1
    shares = ", ".join(
        f"{_language_name(code)} {number(100 * n / total, 0, language)} %"
        for code, n in sorted(collection.languages.items(), key=lambda item: -item[1])
    )
    return Section(
        _("Sample and mode"),
        (
            _(
                "The questionnaire was completed online (a web form in Kazakh, Russian or "
                "English, chosen by the respondent). %(n)s responses were collected from "
                "%(first)s to %(last)s and are analysed here."
            )
            % {
                "n": count(analysis.n, language),
                "first": day(collection.first),
                "last": day(collection.last),
            },
            _("Languages of the responses: %(shares)s.") % {"shares": shares or "–"},
            _weighting(analysis, collection),
        ),
    )


def _weighting(analysis: Analysis, collection: Collection) -> str:
    if analysis.weights is not None:
        return _("The results are weighted (see Weights below).")
    if collection.weighting is not None:
        return _(
            "The survey has a weighting scheme; this report shows the unweighted analysis "
            "(the weighted one is on the dashboards)."
        )
    return _("The responses are not weighted.")


def _questions(spec: QuestionnaireSpec, labels: Labels) -> Section:
    kinds = {
        "single": _("one answer"),
        "ordinal": _("one answer, ordered"),
        "multi": _("several answers"),
        "number": _("a number"),
        "text": _("free text"),
    }
    table = Table(
        caption=_("The questions"),
        header=(_("Code"), _("Question"), _("Answers"), _("Choices")),
        rows=tuple(
            (
                q.code.upper(),
                labels.questions[q.code],
                kinds[q.kind],
                str(len(q.choices)) if q.is_choice else "–",
            )
            for q in spec.answered_questions
        ),
    )
    return Section(_("Questions"), (), table)


def _tests(analysis: Analysis, language: str) -> Section:
    options = analysis.options
    adjustment = {
        "bh": _("the Benjamini–Hochberg false discovery rate (Benjamini & Hochberg, 1995)"),
        "holm": _("Holm's step-down method"),
        "none": _("no adjustment"),
    }[options.adjust]
    judged = _("the adjusted p") if options.significance_adjusted else _("the unadjusted p")
    alpha = number(options.alpha, 2, language)
    return Section(
        _("Statistical tests"),
        (
            _(
                "Each pair of single-choice questions was tested for independence with "
                "Pearson's χ² test (Agresti, 2013); the strength of a dependence is given as "
                "the bias-corrected Cramér's Ṽ (Bergsma, 2013), and the cells that depart from "
                "independence by adjusted residuals beyond ±1.96 (Haberman, 1973). 2×2 tables "
                "also have Yates' corrected χ² and Fisher's exact p."
            ),
            _(
                "Where more than 20 %% of the expected counts are below 5 or any is below 1 "
                "(Cochran's rule; Cochran, 1954), the χ² approximation is not trusted and a "
                "Monte Carlo p over %(b)s random tables with the observed margins is used "
                "instead (Hope, 1968)."
            )
            % {"b": count(options.permutations, language)},
            _(
                "Two questions with ordered answers were also tested for a trend with the "
                "linear-by-linear statistic M² = (n − 1)r² on 1 df (Agresti, 2013), whose p is "
                "reported for them."
            ),
            _(
                "Pairs with a multiple-choice question were tested for marginal independence "
                "with the modified Pearson statistic X²_S of Bilder & Loughin (2004), with its "
                "Bonferroni p and the second-order Rao–Scott correction, whose p is reported."
            ),
            _(
                "The p-values of all pairs were adjusted for multiple testing by %(method)s; a "
                "pair is called dependent when %(judged)s is below %(alpha)s. Shares are given "
                "with 95 %% Wilson intervals (Wilson, 1927)."
            )
            % {"method": adjustment, "judged": judged, "alpha": alpha},
        ),
    )
