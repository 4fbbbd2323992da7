"""Streaming CSV export from PostgreSQL: records made by SQL against Python's csv.writer.

Prints, for N responses, the time of
  streaming  responses_csv (each record built in SQL, read by COPY a page at a time) into a
             sink that drops the bytes, in a fresh process whose peak RSS is reported;
  naive      the Python path (csv_format.row_format + csv.writer over the ORM iterator),
             at the baseline size only, for the ratio of rows per second.

Uses its own PostgreSQL database, created and dropped here. The first 100,000 responses are
made by demo_responses_create; larger sizes copy them in SQL with fresh client tokens.

    .venv/bin/python bench/export.py --sizes 100000,1000000
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench.scratch import django_setup, scratch_database  # noqa: E402

QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
SEEDED_AT_MOST = 100_000
TARGET_ROWS_PER_SECOND = 150_000
TARGET_PEAK_MB = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated N")
    parser.add_argument("--naive-at", type=int, default=100_000, help="N of the Python baseline")
    parser.add_argument("--database", default="bench_export", help="created, then dropped")
    parser.add_argument("--child", nargs=2, metavar=("URL", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    with scratch_database(args.database) as url:
        django_setup(url)
        _run(url, sizes, args.naive_at)


def _run(url: str, sizes: list[int], naive_at: int) -> None:
    from django.core.management import call_command

    from surveys.models import Survey

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(QUESTIONNAIRE), stdout=open(os.devnull, "w"))
    survey = Survey.objects.get(slug="us-russia-kz")
    rows = []
    for n in sorted(set(sizes) | {naive_at}):
        seconds = _responses_grow(survey, n)
        print(f"N = {n:,}: made in {seconds:.1f} s; exporting…", file=sys.stderr, flush=True)
        row = {"n": n, "streaming": _exported(url, "sql"), "labels": _exported(url, "sql-ru")}
        if n == naive_at:
            row["naive"] = _exported(url, "python")
        rows.append(row)
    _print(rows, naive_at)


def _responses_grow(survey, n: int) -> float:
    from django.db import connection

    from surveys.services import demo_responses_create

    started = time.perf_counter()
    have = survey.responses.count()
    if have < min(n, SEEDED_AT_MOST):
        demo_responses_create(survey=survey, n=min(n, SEEDED_AT_MOST) - have, seed=n)
        have = min(n, SEEDED_AT_MOST)
    with connection.cursor() as cursor:
        while have < n:
            batch = min(have, n - have)
            cursor.execute(_COPY_ROWS, [survey.pk, batch])
            have += batch
        cursor.execute("VACUUM ANALYZE surveys_response")
    return time.perf_counter() - started


_COPY_ROWS = """
    INSERT INTO surveys_response
        (survey_id, answers, language, submitted_at, client_token, duration_ms, provenance)
    SELECT survey_id, answers, language, submitted_at, gen_random_uuid(), duration_ms, provenance
    FROM surveys_response WHERE survey_id = %s ORDER BY id LIMIT %s
"""


def _exported(url: str, path: str) -> dict:
    """Time and peak memory of one export in a fresh process."""
    completed = subprocess.run(
        [sys.executable, __file__, "--child", url, path],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def _child(url: str, path: str) -> None:
    django_setup(url)
    from exports.services import records_python, responses_csv
    from surveys.models import Survey
    from surveys.selectors import survey_questionnaire

    survey = Survey.objects.get(slug="us-russia-kz")
    started = time.perf_counter()
    if path == "python":
        spec = survey_questionnaire(survey)
        chunks = records_python(survey.responses.all(), spec, None)
    else:
        chunks = responses_csv(survey, labels="ru" if path == "sql-ru" else None)
    size = sum(len(chunk) for chunk in chunks)  # the null sink
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "bytes": size, "peak_mb": _high_water_mb()}))


def _high_water_mb() -> float:
    """This process's peak RSS (VmHWM); getrusage's ru_maxrss would include the parent's,
    which Linux carries over exec."""
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _print(rows: list[dict], naive_at: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nMachine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, PostgreSQL {version};"
        f" load average after the runs {load}. One run per cell, into a null sink.\n"
    )
    header = ["N", "path", "seconds", "rows/s", "MB out", "peak RSS"]
    lines = []
    for row in rows:
        for name, label in (
            ("streaming", "SQL, codes"),
            ("labels", "SQL, ru labels"),
            ("naive", "Python csv"),
        ):
            if name in row:
                run = row[name]
                lines.append(
                    [
                        f"{row['n']:,}",
                        label,
                        f"{run['seconds']:.2f}",
                        f"{row['n'] / run['seconds']:,.0f}",
                        f"{run['bytes'] / 2**20:.0f}",
                        f"{run['peak_mb']:.0f} MB",
                    ]
                )
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=True)]
    for line in [header, *lines]:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(line, widths, strict=True)))
    baseline = next(r for r in rows if r["n"] == naive_at)
    ratio = baseline["naive"]["seconds"] / baseline["streaming"]["seconds"]
    largest = rows[-1]["streaming"]
    speed = rows[-1]["n"] / largest["seconds"]
    print(f"\nSQL path {ratio:.1f}× the rows/s of the Python path at N = {naive_at:,}.")
    print(
        f"Targets at N = {rows[-1]['n']:,}: ≥ {TARGET_ROWS_PER_SECOND:,} rows/s —"
        f" {'met' if speed >= TARGET_ROWS_PER_SECOND else 'NOT met'} ({speed:,.0f});"
        f" peak RSS ≤ {TARGET_PEAK_MB} MB —"
        f" {'met' if largest['peak_mb'] <= TARGET_PEAK_MB else 'NOT met'}"
        f" ({largest['peak_mb']:.0f} MB)."
    )


if __name__ == "__main__":
    main()
