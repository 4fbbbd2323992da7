import json as jsonlib

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.dashboards import response_counts
from analytics.filters import ResponseFilter, filter_default
from analytics.results import ADJUST_METHODS, LETTER_ADJUSTMENTS, Analysis, AnalysisOptions
from analytics.selectors import survey_analysis
from analytics.weighting import WeightsUnavailable
from surveys.management.arguments import survey_named, whole_number
from surveys.models import Provenance


class Command(BaseCommand):
    help = "Print the chi-square analysis of every question pair (frequencies and matrix)."
    # A read-only report: the system checks (which load every URL module and the API schema
    # generator) would be a third of its run; `manage.py check` and every server run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="survey slug")
        parser.add_argument("--json", action="store_true", help="print the full analysis as JSON")
        parser.add_argument(
            "--seed", type=whole_number(0), default=0, help="Monte Carlo seed (default 0)"
        )
        parser.add_argument(
            "--permutations",
            type=whole_number(1),
            default=10_000,
            help="Monte Carlo tables (default 10000)",
        )
        parser.add_argument(
            "--adjust", choices=ADJUST_METHODS, default="bh", help="multiple-testing adjustment"
        )
        parser.add_argument(
            "--significance",
            choices=["unadjusted", "adjusted"],
            default="unadjusted",
            help="judge 'significant' on the shown p (as the article did) or the adjusted p",
        )
        parser.add_argument(
            "--provenance",
            action="append",
            choices=Provenance.values,
            help="count responses of this provenance (repeatable); default: real only once "
            "the survey has a real response, else all",
        )
        parser.add_argument(
            "--bootstrap",
            type=whole_number(0),
            default=0,
            metavar="B",
            help="also a bootstrap p (B resamples) for multiple-response pairs",
        )
        parser.add_argument(
            "--weighted",
            action="store_true",
            help="with the survey's weighting scheme: weighted shares, Rao–Scott tests",
        )
        parser.add_argument(
            "--letters",
            choices=LETTER_ADJUSTMENTS,
            default="bh",
            help="adjustment of the column-proportion letters within a row (default bh)",
        )

    def handle(
        self, *args, slug: str, json: bool, seed: int, permutations: int, adjust: str, **options
    ) -> None:
        survey = survey_named(slug)
        chosen = AnalysisOptions(
            permutations=permutations,
            seed=seed,
            adjust=adjust,
            significance_adjusted=options["significance"] == "adjusted",
            bootstrap=options["bootstrap"],
            weighted=options["weighted"],
            letters_adjust=options["letters"],
        )
        provenances = options["provenance"]
        counted = (
            ResponseFilter(provenances=tuple(p for p in Provenance.values if p in provenances))
            if provenances
            else filter_default(survey)
        )
        try:
            analysis = survey_analysis(survey, counted, options=chosen)
        except WeightsUnavailable as error:
            raise CommandError(str(error.message)) from None
        # On stderr with --json, so that the JSON stays the whole of stdout.
        (self.stderr if json else self.stdout).write(_counted(survey, counted, analysis.n))
        self.stdout.write(_dumps(analysis) if json else _table(analysis))


def _counted(survey, counted: ResponseFilter, n: int) -> str:
    """What the analysis counted and what it left out, e.g. "Counted 613 responses:
    real only (left out: 600 demo, 4 test)." """
    counts = response_counts(survey)
    left_out = [
        f"{counts[p]} {p}" for p in Provenance.values if p not in counted.provenances and counts[p]
    ]
    kept = ", ".join(counted.provenances)
    tail = f" (left out: {', '.join(left_out)})" if left_out else ""
    return f"Counted {n} responses: {kept}{tail}."


def _dumps(analysis: Analysis) -> str:
    return jsonlib.dumps(analysis.to_json(), ensure_ascii=False, allow_nan=False, indent=1)


def _table(analysis: Analysis) -> str:
    """One line per pair, with the p the dashboards show."""
    lines = [f"{analysis.survey}: {analysis.n} responses"]
    if analysis.weights is not None:
        weights = analysis.weights
        lines.append(
            f"weighted: effective n {weights.n_effective:.1f}, design effect "
            f"{weights.design_effect:.3f}; p is the Rao–Scott F p"
        )
    lines.append("pair      kind           n      X²        df     p          p_adj      V~     ")
    for pair in analysis.pairs:
        lines.append(
            f"{pair.a}×{pair.b:<5} {pair.kind:<14} {pair.test.n:<6} "
            f"{_number(pair.test.statistic, '.2f'):<9} {_number(pair.df, '.1f'):<6} "
            f"{_number(pair.shown_p, '.3g'):<10} {_number(pair.p_adjusted, '.3g'):<10} "
            f"{_number(pair.cramers_v_corrected, '.3f'):<6}"
            f"{'  *' if pair.significant else ''}"
        )
    for kw in analysis.number_pairs:  # Kruskal–Wallis: H in the X² column, ε² in the V~ one
        lines.append(
            f"{kw.a}×{kw.b:<5} {kw.kind:<14} {kw.test.n:<6} "
            f"{_number(kw.test.statistic, '.2f'):<9} {_number(kw.df, '.1f'):<6} "
            f"{_number(kw.shown_p, '.3g'):<10} {_number(kw.p_adjusted, '.3g'):<10} "
            f"{_number(kw.test.epsilon_squared, '.3f'):<6}"
            f"{'  *' if kw.significant else ''}"
        )
    return "\n".join(lines)


def _number(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)
