"""The Results report and the reproducible bundle against the analysis alone.

Prints, for N responses of the default survey, the seconds of each of these in a fresh
process (so the lazy imports of scipy, matplotlib and python-docx are counted), after the
snapshot has been brought up to date once (as any dashboard view leaves it):
  analysis     survey_analysis, the baseline: what every dashboard page needs
  report docx  export_make(format="report-docx"): the analysis, ten charts, the Word file
  report html  export_make(format="report-html"): the same as a printable page
  filtered     the Word report with the filter q01=teacher (decodes the stored matrix)
  bundle       export_make(format="bundle"): the responses CSV, codebook, analysis, scripts
then with the raking scheme of tests/analytics/test_weighted_analysis.py on q01 and q10 (the
snapshot recounts once per weighting cell, as after weights_set):
  weighted analysis  survey_analysis weighted: the baseline of the weighted report
  weighted docx      the weighted Word report (Rao–Scott sentences, weighted shares)

Uses its own PostgreSQL database, created and dropped here. The first 100,000 responses are
made by demo_responses_create; larger sizes copy them in SQL (as bench/export.py does).

    .venv/bin/python bench/report.py --sizes 100000,1000000
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench.export import _responses_grow  # noqa: E402
from bench.scratch import django_setup, scratch_database  # noqa: E402

QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
TARGET_SECONDS = 10.0
TASKS = ("analysis", "report-docx", "report-html", "filtered", "bundle")
WEIGHTED_TASKS = ("weighted-analysis", "weighted-docx")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated N")
    parser.add_argument("--database", default="bench_report", help="created, then dropped")
    parser.add_argument("--child", nargs=2, metavar=("URL", "TASK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    with scratch_database(args.database) as url:
        django_setup(url)
        _run(url, sizes)


def _run(url: str, sizes: list[int]) -> None:
    from django.core.management import call_command

    from analytics.results import AnalysisOptions
    from analytics.selectors import survey_analysis
    from analytics.weighting import weights_clear, weights_set
    from surveys.models import Survey

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(QUESTIONNAIRE), stdout=open(os.devnull, "w"))
    survey = Survey.objects.get(slug="us-russia-kz")
    rows = []
    for n in sizes:
        seconds = _responses_grow(survey, n)
        survey_analysis(survey)  # the snapshot counts the new responses once
        print(f"N = {n:,}: made in {seconds:.1f} s; timing…", file=sys.stderr, flush=True)
        row = {"n": n, **{task: _timed(url, task) for task in TASKS}}
        weights_set(survey=survey, document=SCHEME)
        survey_analysis(survey, options=AnalysisOptions(weighted=True))  # recounts by cell
        row |= {task: _timed(url, task) for task in WEIGHTED_TASKS}
        weights_clear(survey=survey)
        rows.append(row)
    _print(rows)


def _timed(url: str, task: str) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", url, task],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _child(url: str, task: str) -> None:
    django_setup(url)
    from analytics.filters import ResponseFilter
    from analytics.results import AnalysisOptions
    from analytics.selectors import survey_analysis
    from exports.services import export_make
    from surveys.models import Survey

    survey = Survey.objects.get(slug="us-russia-kz")
    started = time.perf_counter()
    if task.endswith("analysis"):
        options = AnalysisOptions(weighted=task.startswith("weighted"))
        size = len(json.dumps(survey_analysis(survey, options=options).to_json()))
    else:
        chosen = ResponseFilter(answers={"q01": ("teacher",)}) if task == "filtered" else None
        made = "report-docx" if task in ("filtered", "weighted-docx") else task
        weighted = True if task == "weighted-docx" else None
        size = sum(
            len(part)
            for part in export_make(
                survey=survey, format=made, chosen=chosen, language="en", weighted=weighted
            ).content
        )
    print(json.dumps({"seconds": time.perf_counter() - started, "bytes": size}))


def _print(rows: list[dict]) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; load average "
        f"after the runs {load}. One run per cell, each in a fresh process.\n"
    )
    names = ("analysis", "report docx", "report html", "filtered docx", "bundle")
    print(f"{'N':>9}  " + "  ".join(f"{name:>13}" for name in names))
    for row in rows:
        cells = [f"{row[task]['seconds']:>11.2f} s" for task in TASKS]
        print(f"{row['n']:>9,}  " + "  ".join(cells))
    print()
    for row in rows:
        base = row["analysis"]["seconds"]
        ratios = ", ".join(
            f"{name} {row[task]['seconds'] / base:.1f}×"
            for name, task in zip(names[1:], TASKS[1:], strict=True)
        )
        print(f"N = {row['n']:,}: against the analysis alone: {ratios}.")
        weighted = row["weighted-docx"]["seconds"] / row["weighted-analysis"]["seconds"]
        print(
            f"N = {row['n']:,}, weighted: analysis {row['weighted-analysis']['seconds']:.2f} s, "
            f"Word report {row['weighted-docx']['seconds']:.2f} s ({weighted:.1f}× the "
            f"weighted analysis, {row['weighted-docx']['seconds'] / base:.1f}× the unweighted)."
        )
    largest = rows[-1]
    worst = max(
        largest["report-docx"]["seconds"],
        largest["report-html"]["seconds"],
        largest["weighted-docx"]["seconds"],
    )
    verdict = "met" if worst < TARGET_SECONDS else "NOT met"
    print(
        f"Target at N = {largest['n']:,}: the report in under {TARGET_SECONDS:.0f} s — "
        f"{verdict} ({worst:.2f} s)."
    )


if __name__ == "__main__":
    main()
