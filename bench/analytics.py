"""Full chi-square analysis of the default questionnaire: the engine against a naive pandas loop.

Prints, for each size N, the median wall-clock time of
  naive   pd.read_sql of the answers JSON → DataFrame of codes → for each of the 45 question
          pairs pd.crosstab + scipy.stats.chi2_contingency (q03 exploded, i.e. stacked);
  engine  responses_encode (SQL-side coding streamed by COPY) → counts_compute → analysis_build;
  COPY    a bare COPY of the response rows into a sink that drops them;
then the peak RSS of a fresh process doing the engine's end-to-end run, and the incremental
snapshot refresh after 1,000 new responses at the largest size: the snapshot alone, the
analysis a dashboard then shows (snapshot + analysis_build), and the part of that analysis
the power and precision monitor takes (analytics/power.py: every pair's power and n for
80 %, every share's precision), and the part of the refresh that updates every pair's
running minimum of the anytime-valid p (analytics/anytime.py, from the counts alone).

Uses its own PostgreSQL database, created and dropped here. Up to 100,000 responses are made by
demo_responses_create; larger sizes copy existing rows in SQL with fresh client tokens.

    .venv/bin/python bench/analytics.py --sizes 10000,100000,1000000
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg2
from scipy.stats import chi2_contingency

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path, where "analytics" would be this file.
sys.path[0] = str(ROOT)

from bench.scratch import django_setup, scratch_database  # noqa: E402

QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
SEEDED_AT_MOST = 100_000
REFRESH_BATCH = 1_000

TARGETS = (
    "compute ≥ 50× faster than naive",
    "full analysis from PostgreSQL within 3× of bare COPY",
    f"refresh after {REFRESH_BATCH:,} new responses ≤ 50 ms (worse of the two medians)",
    "peak RSS of the engine's end-to-end run ≤ 300 MB",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated N")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement")
    parser.add_argument("--naive-repeat", type=int, default=1, help="timed naive runs")
    parser.add_argument("--refreshes", type=int, default=5, help="timed snapshot refreshes")
    parser.add_argument("--database", default="bench_analytics", help="created, then dropped")
    parser.add_argument("--peak-memory-of", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak_memory_of:
        _peak_memory_child(args.peak_memory_of)
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    with scratch_database(args.database) as url:
        django_setup(url)
        _run(url, sizes, args)


def _run(url: str, sizes: list[int], args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from surveys.models import Survey

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(QUESTIONNAIRE), stdout=open(os.devnull, "w"))
    survey = Survey.objects.get(slug="us-russia-kz")
    rows = []
    for n in sizes:
        how, seconds = _responses_grow(survey, n)
        print(f"N = {n:,}: {how} in {seconds:.1f} s; measuring…", file=sys.stderr, flush=True)
        rows.append(
            {
                "n": n,
                "made": how,
                **_measure(survey, args.repeat, args.naive_repeat),
                **_peak_memory(url),
            }
        )
    _print_machine(args.repeat, args.naive_repeat)
    _print_rows(rows)
    refresh = _refresh(survey, args.refreshes)
    _print_refresh(refresh, sizes[-1])
    _print_targets(rows[-1], refresh)


def _responses_grow(survey, n: int) -> tuple[str, float]:
    """Bring the survey to n responses: demo_responses_create up to SEEDED_AT_MOST, then
    copies of the oldest rows (same answers, new ids and client tokens) made in SQL."""
    from django.db import connection

    from surveys.services import demo_responses_create

    started = time.perf_counter()
    seeded = min(n, SEEDED_AT_MOST)
    if seeded > survey.responses.count():
        demo_responses_create(survey=survey, n=seeded - survey.responses.count(), seed=n)
    _copies_insert(survey, n - survey.responses.count())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_response")
    how = f"{seeded:,} made by demo_responses_create"
    if n > seeded:
        how += f" + {n - seeded:,} copies of them by INSERT … SELECT (new ids, client tokens)"
    return how, time.perf_counter() - started


def _copies_insert(survey, count: int) -> None:
    """Insert count copies of the oldest responses, doubling the table at most each time."""
    from django.db import connection

    with connection.cursor() as cursor:
        while count > 0:
            cursor.execute(_COPY_ROWS, [survey.pk, count])
            count -= cursor.rowcount


_COPY_ROWS = """
    INSERT INTO surveys_response
        (survey_id, answers, language, submitted_at, client_token, duration_ms, provenance)
    SELECT survey_id, answers, language, submitted_at, gen_random_uuid(), duration_ms, provenance
    FROM surveys_response WHERE survey_id = %s ORDER BY id LIMIT %s
"""


def _measure(survey, repeat: int, naive_repeat: int) -> dict:
    """Median seconds of each measurement, interleaved round by round; the naive run, a
    minute at 1M, only in the first naive_repeat rounds."""
    _copy_seconds(survey)  # warm the page cache for everyone alike
    runs: dict[str, list[float]] = {}
    for round_ in range(max(repeat, naive_repeat)):
        timings = {}
        if round_ < repeat:
            timings = {"copy": _copy_seconds(survey), **_engine(survey)}
        if round_ < naive_repeat:
            timings.update(_naive(survey))
        for name, seconds in timings.items():
            runs.setdefault(name, []).append(seconds)
    return {name: statistics.median(values) for name, values in runs.items()}


class _NullSink:
    def write(self, data) -> int:
        return len(data)


def _copy_seconds(survey) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY (SELECT id, answers, language, submitted_at, provenance FROM surveys_response"
            f" WHERE survey_id = {int(survey.pk)}) TO STDOUT",
            _NullSink(),
        )
    return time.perf_counter() - started


def _engine(survey) -> dict[str, float]:
    """A full analysis from PostgreSQL, timed by phase; compute = counts + analysis."""
    from analytics.analysis import analysis_build
    from analytics.counts import Shape, counts_compute
    from analytics.encode import Layout, responses_encode
    from analytics.results import AnalysisOptions
    from surveys.selectors import survey_questionnaire, survey_watermark

    watermark = survey_watermark(survey)

    started = time.perf_counter()
    spec = survey_questionnaire(survey)
    encoded = responses_encode(survey, spec)
    encoded_at = time.perf_counter()
    counts = counts_compute(Shape.of(spec), Layout.of(spec), encoded)
    counted_at = time.perf_counter()
    analysis_build(spec, counts, AnalysisOptions(), watermark=watermark)
    done_at = time.perf_counter()
    return {
        "engine_encode": encoded_at - started,
        "engine_counts": counted_at - encoded_at,
        "engine_analysis": done_at - counted_at,
        "engine_compute": done_at - encoded_at,
        "engine_total": done_at - started,
    }


def _naive(survey) -> dict[str, float]:
    """What a pandas user writes: read the JSON, make a frame of codes, loop over pairs."""
    from surveys.selectors import survey_questionnaire

    spec = survey_questionnaire(survey)
    codes = [q.code for q in spec.questions]
    multi = [q.code for q in spec.questions if q.kind == "multi"]
    started = time.perf_counter()
    connection = psycopg2.connect(os.environ["DATABASE_URL"])  # its own, parsing JSON to dicts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy; not needed
        raw = pd.read_sql(
            "SELECT answers FROM surveys_response WHERE survey_id = %(survey)s",
            connection,
            params={"survey": survey.pk},
        )
    connection.close()
    read_at = time.perf_counter()
    frame = pd.DataFrame(raw["answers"].tolist(), columns=codes)
    framed_at = time.perf_counter()
    _naive_tests(frame, codes, multi)
    done_at = time.perf_counter()
    return {
        "naive_read": read_at - started,
        "naive_frame": framed_at - read_at,
        "naive_compute": done_at - framed_at,
        "naive_total": done_at - started,
    }


def _naive_tests(frame: pd.DataFrame, codes: list[str], multi: list[str]) -> list:
    stacked = {code: frame.explode(code) for code in multi}  # one row per ticked option
    results = []
    for a, b in combinations(codes, 2):
        source = frame
        for code in (a, b):
            if code in multi:
                source = stacked[code] if source is frame else source.explode(code)
        table = pd.crosstab(source[a], source[b])
        results.append(chi2_contingency(table, correction=False))
    return results


def _peak_memory(url: str) -> dict[str, float]:
    """Peak RSS of a fresh process running the engine's end-to-end analysis once."""
    completed = subprocess.run(
        [sys.executable, __file__, "--peak-memory-of", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def _peak_memory_child(url: str) -> None:
    django_setup(url)
    from surveys.models import Survey

    survey = Survey.objects.get(slug="us-russia-kz")
    before = _high_water_mb()
    _engine(survey)
    print(json.dumps({"rss_before": before, "rss_peak": _high_water_mb()}))


def _high_water_mb() -> float:
    """This process's peak RSS (VmHWM). Not getrusage's ru_maxrss: Linux carries that over
    exec from the parent, which here holds a million rows of its own."""
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _refresh(survey, refreshes: int) -> dict:
    """Build the snapshot, then time snapshot_current after each batch of new responses:
    first just after a matrix chunk boundary, then with the newest chunk nearly full."""
    from analytics.snapshot import snapshot_current

    started = time.perf_counter()
    snapshot_current(survey)
    built = time.perf_counter() - started
    fresh = _refreshes_timed(survey, refreshes, seed=10_000)
    _newest_chunk_fill(survey, refreshes)
    near_full = _refreshes_timed(survey, refreshes, seed=20_000)
    cold = _monitor_cold_seconds(survey)
    return {"built": built, "fresh": fresh, "near_full": near_full, "monitor_cold": cold}


def _refreshes_timed(survey, refreshes: int, seed: int) -> dict:
    """Seconds of each refresh, of the analysis shown after it and of the monitor's part of
    that analysis, and the rows of the newest matrix chunk it rewrote."""
    from django.core.cache import cache

    from analytics.selectors import survey_analysis
    from analytics.snapshot import snapshot_current
    from surveys.services import demo_responses_create

    timed: dict[str, list] = {
        "timings": [],
        "analysis": [],
        "monitor": [],
        "anytime": [],
        "chunk_rows": [],
    }
    for round_ in range(refreshes):
        demo_responses_create(survey=survey, n=REFRESH_BATCH, seed=seed + round_)
        started = time.perf_counter()
        snapshot_current(survey)
        refreshed = time.perf_counter()
        cache.clear()
        analysis = survey_analysis(survey)
        timed["timings"].append(refreshed - started)
        timed["analysis"].append(time.perf_counter() - started)
        timed["monitor"].append(_monitor_seconds(analysis))
        timed["anytime"].append(_anytime_seconds(survey))
        timed["chunk_rows"].append(_newest_chunk_rows(survey))
    return timed


def _monitor_seconds(analysis) -> float:
    """What analysis_build spends on the power and precision monitor, done again on its
    result: every pair's power (the λ for 80 % power cached per df and α, as in a running
    server) and every share's precision."""
    from analytics.analysis import pair_power
    from analytics.power import share_precision

    started = time.perf_counter()
    for pair in analysis.pairs:
        pair_power(pair.test, analysis.options.alpha)
    for question in analysis.questions:
        for row in question.frequencies:
            interval = None if row.ci_low is None else (row.ci_low, row.ci_high)
            share_precision(row.count, question.n_answered, interval)
    return time.perf_counter() - started


def _anytime_seconds(survey) -> float:
    """What snapshot_refresh spends on the running minimum of every pair's anytime-valid p,
    done again on the refreshed counts."""
    from analytics.anytime import anytime_minimum_update
    from analytics.counts import Shape
    from analytics.snapshot import snapshot_current

    current = snapshot_current(survey)
    shape, tables = Shape.of(current.spec), current.counts.tables
    started = time.perf_counter()
    anytime_minimum_update(shape.codes, shape.kinds, tables, current.anytime_minimum)
    return time.perf_counter() - started


def _monitor_cold_seconds(survey) -> float:
    """The monitor in a fresh process: the λ for 80 % power found anew for each df and α."""
    from analytics.power import _noncentrality_for_power
    from analytics.selectors import survey_analysis

    analysis = survey_analysis(survey)
    _noncentrality_for_power.cache_clear()
    return _monitor_seconds(analysis)


def _newest_chunk_rows(survey) -> int:
    from analytics.models import MatrixChunk

    newest = MatrixChunk.objects.filter(survey=survey).order_by("-first_id").first()
    return newest.rows if newest else 0


def _newest_chunk_fill(survey, refreshes: int) -> None:
    """Add responses (copies, in SQL) until the newest chunk lacks only the rows of the
    coming refreshes, so that each of them rewrites a chunk of 45,000–50,000 rows."""
    from analytics.snapshot import CHUNK_ROWS, snapshot_current

    missing = CHUNK_ROWS - refreshes * REFRESH_BATCH - _newest_chunk_rows(survey)
    if missing > 0:
        _copies_insert(survey, missing)
        snapshot_current(survey)


def _print_machine(repeat: int, naive_repeat: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"\nMachine: {os.cpu_count()} CPUs, {memory:.1f} GiB RAM, Python {sys.version.split()[0]},"
        f" PostgreSQL {version}, numpy {np.__version__}, pandas {pd.__version__}."
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Load average (1, 5, 15 min) after the timed runs: {load}. DEBUG off.")
    print(
        f"Times in seconds: engine and COPY median of {repeat} runs, naive median of"
        f" {naive_repeat}, interleaved.\n"
    )


def _print_rows(rows: list[dict]) -> None:
    _table(
        "Full analysis of 45 question pairs",
        ["N", "naive compute", "engine compute", "×", "naive e2e", "engine e2e", "×"],
        [
            [
                f"{r['n']:,}",
                _s(r["naive_compute"]),
                _s(r["engine_compute"]),
                _ratio(r["naive_compute"], r["engine_compute"]),
                _s(r["naive_total"]),
                _s(r["engine_total"]),
                _ratio(r["naive_total"], r["engine_total"]),
            ]
            for r in rows
        ],
    )
    _table(
        "Engine end to end against a bare COPY of the rows; peak RSS of a fresh process",
        ["N", "COPY", "engine e2e", "e2e / COPY", "RSS before", "RSS peak"],
        [
            [
                f"{r['n']:,}",
                _s(r["copy"]),
                _s(r["engine_total"]),
                f"{r['engine_total'] / r['copy']:.2f}",
                f"{r['rss_before']:.0f} MB",
                f"{r['rss_peak']:.0f} MB",
            ]
            for r in rows
        ],
    )
    _table(
        "Phases (engine: encode = COPY of coded CSV + parse; naive: read_sql, frame, 45 tests)",
        ["N", "encode", "counts", "analysis", "read_sql", "frame", "tests"],
        [
            [f"{r['n']:,}"]
            + [_s(r[f"engine_{phase}"]) for phase in ("encode", "counts", "analysis")]
            + [_s(r[f"naive_{phase}"]) for phase in ("read", "frame", "compute")]
            for r in rows
        ],
    )
    print("How the responses were made:")
    for r in rows:
        print(f"  N = {r['n']:,}: {r['made']}")


def _print_refresh(refresh: dict, n: int) -> None:
    print(
        f"\nSnapshot at N = {n:,}: first build (encode all, count, store matrix chunks)"
        f" {refresh['built']:.2f} s. snapshot_current after {REFRESH_BATCH:,} new responses:"
    )
    for name in ("fresh", "near_full"):
        timings = [seconds * 1000 for seconds in refresh[name]["timings"]]
        rows = refresh[name]["chunk_rows"]
        anytime = statistics.median(refresh[name]["anytime"]) * 1000
        print(
            f"  newest chunk {min(rows):>6,}–{max(rows):>6,} rows:"
            f" median {statistics.median(timings):.0f} ms over {len(timings)}"
            f" (min {min(timings):.0f}, max {max(timings):.0f} ms), of which the running"
            f" minimum of p_anytime {anytime:.1f} ms"
        )
    print("Snapshot + the analysis shown after it, and the power and precision monitor's part:")
    for name in ("fresh", "near_full"):
        analysis = statistics.median(refresh[name]["analysis"]) * 1000
        monitor = statistics.median(refresh[name]["monitor"]) * 1000
        print(
            f"  {name:>9}: median {analysis:.0f} ms, of which the monitor {monitor:.1f} ms"
            f" (without it {analysis - monitor:.0f} ms)"
        )
    print(
        "  monitor in a fresh process (λ for 80 % found anew):"
        f" {refresh['monitor_cold'] * 1000:.1f} ms"
    )


def _print_targets(largest: dict, refresh: dict) -> None:
    measured = (
        (largest["naive_compute"] / largest["engine_compute"], 50, "≥", "×"),
        (largest["engine_total"] / largest["copy"], 3, "≤", "×"),
        (
            max(statistics.median(refresh[k]["timings"]) for k in ("fresh", "near_full")) * 1000,
            50,
            "≤",
            " ms",
        ),
        (largest["rss_peak"], 300, "≤", " MB"),
    )
    print(f"\nTargets (reported, not asserted), at N = {largest['n']:,}:")
    for target, (value, bound, sense, unit) in zip(TARGETS, measured, strict=True):
        met = value >= bound if sense == "≥" else value <= bound
        print(f"  {'met   ' if met else 'MISSED'}  {target}: {value:.1f}{unit}")


def _table(title: str, header: list[str], body: list[list[str]]) -> None:
    widths = [max(len(row[k]) for row in [header, *body]) for k in range(len(header))]
    print(f"{title}\n")
    print(_line(header, widths))
    print("|" + "|".join(["-" * (widths[0] + 2)] + ["-" * (w + 1) + ":" for w in widths[1:]]) + "|")
    for row in body:
        print(_line(row, widths))
    print()


def _line(cells: list[str], widths: list[int]) -> str:
    """A markdown table row: the first cell aligned left, the numbers right."""
    (first, width), *rest = zip(cells, widths, strict=True)
    return "| " + " | ".join([first.ljust(width)] + [c.rjust(w) for c, w in rest]) + " |"


def _s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def _ratio(slow: float, fast: float) -> str:
    return f"{slow / fast:.0f}×" if slow / fast >= 10 else f"{slow / fast:.1f}×"


if __name__ == "__main__":
    main()
