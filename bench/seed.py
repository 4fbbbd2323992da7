"""Demo seeding rate: responses per second of demo_responses_create (what seed_demo runs).

Each backend runs in its own process, since settings read DATABASE_URL once: SQLite in a
temporary file (WAL, as the default settings make it) and PostgreSQL in a database created and
dropped here. Also times demo_answers alone (generating the documents, no database), which
shows how much of the time is Python and how much is the insert.

    .venv/bin/python bench/seed.py --n 50000
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script, this folder would come first on sys.path

from bench.scratch import django_setup, scratch_database  # noqa: E402

QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
TARGET_PER_SECOND = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="responses to seed per backend")
    parser.add_argument("--database", default="bench_seed", help="PostgreSQL database to use")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_seed_timed(args.child, args.n)))
        return
    rows = [("SQLite (file, WAL)", _on_sqlite(args.n)), ("PostgreSQL", _on_postgres(args))]
    _print(rows, args.n)


def _on_sqlite(n: int) -> dict:
    folder = tempfile.mkdtemp(prefix="bench-seed-")
    try:
        return _child(f"sqlite:///{folder}/bench.sqlite3", n)
    finally:
        shutil.rmtree(folder)


def _on_postgres(args: argparse.Namespace) -> dict:
    with scratch_database(args.database) as url:
        return _child(url, args.n)


def _child(url: str, n: int) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", url, "--n", str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def _seed_timed(url: str, n: int) -> dict:
    django_setup(url)
    import numpy as np
    from django.core.management import call_command

    from surveys.demo import demo_answers
    from surveys.models import Survey
    from surveys.selectors import survey_questionnaire
    from surveys.services import DEMO_BATCH_SIZE, demo_responses_create

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(QUESTIONNAIRE), stdout=open(os.devnull, "w"))
    survey = Survey.objects.get(slug="us-russia-kz")
    started = time.perf_counter()
    stored = demo_responses_create(survey=survey, n=n, seed=0)
    seeded = time.perf_counter() - started
    spec, rng = survey_questionnaire(survey), np.random.default_rng(0)
    started = time.perf_counter()
    for start in range(0, n, DEMO_BATCH_SIZE):
        demo_answers(spec, min(DEMO_BATCH_SIZE, n - start), rng)
    generated = time.perf_counter() - started
    return {"stored": stored, "seconds": seeded, "answers_seconds": generated}


def _print(rows: list[tuple[str, dict]], n: int) -> None:
    print(f"Seeding {n:,} demo responses of us-russia-kz with demo_responses_create")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    python = sys.version.split()[0]
    print(f"(Python {python}, {os.cpu_count()} CPUs, load average {load}, DEBUG off)\n")
    header = ["backend", "seconds", "responses/s", "demo_answers alone /s", "≥ 10,000/s"]
    body = [
        [
            name,
            f"{r['seconds']:.2f}",
            f"{r['stored'] / r['seconds']:,.0f}",
            f"{n / r['answers_seconds']:,.0f}",
            "met" if r["stored"] / r["seconds"] >= TARGET_PER_SECOND else "MISSED",
        ]
        for name, r in rows
    ]
    widths = [max(len(row[k]) for row in [header, *body]) for k in range(len(header))]
    print(_line(header, widths))
    print("|" + "|".join(["-" * (widths[0] + 2)] + ["-" * (w + 1) + ":" for w in widths[1:]]) + "|")
    for row in body:
        print(_line(row, widths))


def _line(cells: list[str], widths: list[int]) -> str:
    """A markdown table row: the first cell aligned left, the numbers right."""
    (first, width), *rest = zip(cells, widths, strict=True)
    return "| " + " | ".join([first.ljust(width)] + [c.rjust(w) for c, w in rest]) + " |"


if __name__ == "__main__":
    main()
