"""Weighted against unweighted analysis, side by side in the same run (issue 12's targets).

For each size N (the default questionnaire, a raking scheme on q01 and q10) prints the median
wall-clock seconds of
  compute   counts_compute + analysis_build on the encoded matrix: unweighted (the counts of
            bench/analytics.py) against weighted (the same counts kept per weighting cell,
            raking on those cells, weighted shares and Rao–Scott tests);
  dashboard survey_analysis from the stored snapshot with an empty cache (what a page asks
            for after a new response): unweighted against weighted;
then, at the largest N, the refresh after 1,000 new responses under the scheme: the snapshot
refresh alone and with the weighted analysis a dashboard then shows; and, as the baseline in
the same run, the same refresh without a scheme (the scheme removed, the snapshot recounted).

Targets: weighted within 3× of unweighted at the largest N; the refresh under weights ≤ 100 ms.
Uses its own PostgreSQL database, created and dropped here.

    .venv/bin/python bench/weighted.py --sizes 10000,100000,1000000
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench.analytics import _responses_grow, _table  # noqa: E402
from bench.scratch import django_setup, scratch_database  # noqa: E402

QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
SCHEME = {
    "method": "raking",
    "margins": {
        "q01": {
            "bachelor": 0.40,
            "master_phd": 0.15,
            "teacher": 0.25,
            "researcher": 0.10,
            "admin_staff": 0.10,
        },
        "q10": {"low": 0.5, "medium": 0.3, "high": 0.2},
    },
}
REFRESH_BATCH = 1_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated N")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement")
    parser.add_argument("--refreshes", type=int, default=5, help="timed refreshes")
    parser.add_argument("--database", default="bench_weighted", help="created, then dropped")
    args = parser.parse_args()
    with scratch_database(args.database) as url:
        django_setup(url)
        _run(sorted(int(size) for size in args.sizes.split(",")), args)


def _run(sizes: list[int], args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from analytics.models import WeightingScheme
    from surveys.models import Survey

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(QUESTIONNAIRE), stdout=open(os.devnull, "w"))
    survey = Survey.objects.get(slug="us-russia-kz")
    WeightingScheme.objects.create(survey=survey, document=SCHEME)
    rows = []
    for n in sizes:
        _responses_grow(survey, n)
        print(f"N = {n:,}: measuring…", file=sys.stderr, flush=True)
        rows.append({"n": n, **_measure(survey, args.repeat)})
    refresh = _refresh(survey, args.refreshes)
    WeightingScheme.objects.filter(survey=survey).delete()
    refresh |= _refresh_without_scheme(survey, args.refreshes)
    _print(rows, refresh, sizes[-1], args.repeat)


def _measure(survey, repeat: int) -> dict:
    from analytics.encode import responses_encode
    from analytics.snapshot import snapshot_current

    current = snapshot_current(survey)  # builds the snapshot (per weighting cell) once
    encoded = responses_encode(survey, current.spec)
    runs: dict[str, list[float]] = {}
    for _ in range(repeat):
        for weighted in (False, True):
            suffix = "weighted" if weighted else "unweighted"
            runs.setdefault(f"compute_{suffix}", []).append(_compute(current, encoded, weighted))
            runs.setdefault(f"dashboard_{suffix}", []).append(_dashboard(survey, weighted))
    return {name: statistics.median(values) for name, values in runs.items()}


def _compute(current, encoded, weighted: bool) -> float:
    from analytics.analysis import analysis_build
    from analytics.counts import Shape, counts_compute
    from analytics.results import AnalysisOptions
    from analytics.selectors import current_weights

    started = time.perf_counter()
    shape = current.shape if weighted else Shape.of(current.spec)
    counts = counts_compute(shape, current.layout, encoded)
    weights = None
    if weighted:
        weights = current_weights(current)
    options = AnalysisOptions(weighted=weighted)
    analysis_build(current.spec, counts, options, watermark=current.watermark, weights=weights)
    return time.perf_counter() - started


def _dashboard(survey, weighted: bool) -> float:
    from django.core.cache import cache

    from analytics.results import AnalysisOptions
    from analytics.selectors import survey_analysis

    cache.clear()
    started = time.perf_counter()
    survey_analysis(survey, options=AnalysisOptions(weighted=weighted))
    return time.perf_counter() - started


def _refresh(survey, refreshes: int) -> dict[str, list[float]]:
    from django.core.cache import cache

    from analytics.results import AnalysisOptions
    from analytics.selectors import survey_analysis
    from analytics.snapshot import snapshot_current
    from surveys.services import demo_responses_create

    timed: dict[str, list[float]] = {"snapshot": [], "weighted": [], "unweighted": []}
    for round_ in range(refreshes):
        demo_responses_create(survey=survey, n=REFRESH_BATCH, seed=30_000 + round_)
        cache.clear()
        started = time.perf_counter()
        snapshot_current(survey)
        refreshed = time.perf_counter()
        survey_analysis(survey, options=AnalysisOptions(weighted=True))
        timed["snapshot"].append(refreshed - started)
        timed["weighted"].append(time.perf_counter() - started)
        cache.clear()
        again = time.perf_counter()
        survey_analysis(survey)
        timed["unweighted"].append(time.perf_counter() - again)
    return timed


def _refresh_without_scheme(survey, refreshes: int) -> dict[str, list[float]]:
    from django.core.cache import cache

    from analytics.selectors import survey_analysis
    from analytics.snapshot import snapshot_current
    from surveys.services import demo_responses_create

    snapshot_current(survey)  # the recount without cells, not timed
    timed: dict[str, list[float]] = {"baseline_snapshot": [], "baseline": []}
    for round_ in range(refreshes):
        demo_responses_create(survey=survey, n=REFRESH_BATCH, seed=40_000 + round_)
        cache.clear()
        started = time.perf_counter()
        snapshot_current(survey)
        refreshed = time.perf_counter()
        survey_analysis(survey)
        timed["baseline_snapshot"].append(refreshed - started)
        timed["baseline"].append(time.perf_counter() - started)
    return timed


def _print(rows: list[dict], refresh: dict[str, list[float]], largest: int, repeat: int) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs, load average {load}; medians of {repeat} runs, seconds.\n")
    _table(
        "Weighted (raking on q01 and q10) against unweighted analysis, 45 question pairs",
        ["N", "compute unw.", "compute w.", "×", "dashboard unw.", "dashboard w.", "×"],
        [
            [
                f"{r['n']:,}",
                f"{r['compute_unweighted']:.3f}",
                f"{r['compute_weighted']:.3f}",
                f"{r['compute_weighted'] / r['compute_unweighted']:.2f}",
                f"{r['dashboard_unweighted']:.3f}",
                f"{r['dashboard_weighted']:.3f}",
                f"{r['dashboard_weighted'] / r['dashboard_unweighted']:.2f}",
            ]
            for r in rows
        ],
    )
    milliseconds = {name: [1000 * s for s in values] for name, values in refresh.items()}
    _table(
        f"Refresh after {REFRESH_BATCH:,} new responses at N = {largest:,} under the scheme (ms)",
        ["what", "median", "worst"],
        [
            [name, f"{statistics.median(values):.0f}", f"{max(values):.0f}"]
            for name, values in (
                ("snapshot refresh alone", milliseconds["snapshot"]),
                ("refresh + weighted analysis", milliseconds["weighted"]),
                ("unweighted analysis of the same counts", milliseconds["unweighted"]),
                ("no scheme: snapshot refresh alone", milliseconds["baseline_snapshot"]),
                ("no scheme: refresh + analysis", milliseconds["baseline"]),
            )
        ],
    )
    last = rows[-1]
    refreshed = statistics.median(milliseconds["weighted"])
    for what in ("compute", "dashboard"):
        ratio = last[f"{what}_weighted"] / last[f"{what}_unweighted"]
        print(
            f"Target weighted ≤ 3× unweighted at N = {largest:,} ({what}): {ratio:.2f}× "
            f"({'met' if ratio <= 3 else 'NOT met'})."
        )
    print(
        f"Target refresh + weighted analysis ≤ 100 ms: {refreshed:.0f} ms "
        f"({'met' if refreshed <= 100 else 'NOT met'})."
    )


if __name__ == "__main__":
    main()
