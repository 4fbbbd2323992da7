"""Start-up: `manage.py check` against a bare Django project, and `analyze --json` end to end.

Prints, in one run,
  check    wall-clock seconds of `python manage.py check` of this project and of a project
           made by `django-admin startproject` in a temporary folder, with the same Python,
           median and min of N runs each after one warm-up, byte-code caching on
           (PYTHONDONTWRITEBYTECODE is removed from the children's environment);
  imports  optionally, `python -X importtime manage.py check`: the top-level imports that take
           the most time, cumulative, to show where the start-up goes;
  analyze  `manage.py analyze us-russia-kz --json` as a fresh process (start-up included) at
           N responses, with the snapshot stored (as every run after the first) and rebuilt
           (the snapshot dropped first), against bench/analytics.py's naive pandas loop in this
           process, on a scratch PostgreSQL database created and dropped here.

    .venv/bin/python bench/startup.py --runs 7 --n 200000 --imports
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script, this folder would come first on sys.path

from bench.analytics import QUESTIONNAIRE, _naive, _ratio, _responses_grow, _s, _table  # noqa: E402
from bench.scratch import django_setup, scratch_database  # noqa: E402

CHECK_TARGET = 2.5  # this project's check at most this many times the bare project's
ANALYZE_TARGET = 12  # analyze end to end at least this many times faster than naive
# Set by this machine or by django_setup below; a child must not inherit them.
NOT_INHERITED = ("PYTHONDONTWRITEBYTECODE", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each check")
    parser.add_argument("--n", type=int, default=200_000, help="responses for analyze")
    parser.add_argument("--analyze-runs", type=int, default=5, help="timed analyze runs")
    parser.add_argument("--naive-runs", type=int, default=3, help="timed naive runs")
    parser.add_argument("--imports", action="store_true", help="also list the slowest imports")
    parser.add_argument("--database", default="bench_startup", help="created, then dropped")
    args = parser.parse_args()
    checks = _checks(args.runs)
    imports = _imports() if args.imports else None
    with scratch_database(args.database) as url:
        django_setup(url)
        analyses = _analyses(url, args)
    _print_machine()
    _print_checks(checks, args.runs)
    if imports:
        _print_imports(*imports)
    _print_analyses(analyses, args)


def _environment(**extra: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return {**kept, **extra}


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _checks(runs: int) -> dict[str, list[float]]:
    """Seconds of each timed `manage.py check`, this project's and a bare one's, interleaved."""
    check = [sys.executable, "manage.py", "check"]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        bare = Path(folder)
        subprocess.run(
            [sys.executable, "-m", "django", "startproject", "bare", str(bare)], check=True
        )
        projects = {"bare startproject": bare, "this project": ROOT}
        env = _environment()
        for cwd in projects.values():
            _timed(check, cwd, env)  # warm-up: writes the byte-code both then read
        timings: dict[str, list[float]] = {name: [] for name in projects}
        for _round in range(runs):
            for name, cwd in projects.items():
                timings[name].append(_timed(check, cwd, env))
    return timings


def _imports(top: int = 10) -> tuple[list[tuple[float, str]], float]:
    """(cumulative ms, module) of the top-level imports that take longest in this project's
    check, from `python -X importtime`, and the milliseconds of all its imports."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "manage.py", "check"],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line.removeprefix("import time:").split("|")
        if not name[1:].startswith(" "):  # top level: no indentation after the bar's space
            rows.append((int(cumulative) / 1000, name.strip()))
    return sorted(rows, reverse=True)[:top], sum(milliseconds for milliseconds, _name in rows)


def _analyses(url: str, args: argparse.Namespace) -> dict[str, list[float]]:
    """Seconds of each timed run: analyze with the snapshot stored and rebuilt, and naive."""
    from django.core.management import call_command

    from surveys.models import Survey

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(QUESTIONNAIRE), stdout=open(os.devnull, "w"))
    survey = Survey.objects.get(slug="us-russia-kz")
    how, seconds = _responses_grow(survey, args.n)
    print(f"N = {args.n:,}: {how} in {seconds:.1f} s; measuring…", file=sys.stderr, flush=True)
    analyze = [sys.executable, "manage.py", "analyze", survey.slug, "--json"]
    env = _environment(DATABASE_URL=url, DEBUG="0")

    def stored() -> float:
        return _timed(analyze, ROOT, env)

    def rebuilt() -> float:
        _snapshot_dropped(survey)
        return _timed(analyze, ROOT, env)

    def naive() -> float:
        return _naive(survey)["naive_total"]

    stored()  # warm-up: builds the snapshot and fills the page cache
    return _interleaved(
        {
            "naive": (naive, args.naive_runs),
            "stored": (stored, args.analyze_runs),
            "rebuilt": (rebuilt, args.analyze_runs),
        }
    )


def _snapshot_dropped(survey) -> None:
    from analytics.models import MatrixChunk, Snapshot

    MatrixChunk.objects.filter(survey=survey).delete()
    Snapshot.objects.filter(survey=survey).delete()


def _interleaved(runs: dict[str, tuple[Callable[[], float], int]]) -> dict[str, list[float]]:
    """Each measurement's timings, taken round by round so that load hits all alike."""
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(max(count for _measure, count in runs.values())):
        for name, (measure, count) in runs.items():
            if round_ < count:
                timings[name].append(measure())
    return timings


def _print_machine() -> None:
    import django

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nMachine: {os.cpu_count()} CPUs, {memory:.1f} GiB RAM, Python"
        f" {sys.version.split()[0]}, Django {django.__version__}."
        f" Load average (1, 5, 15 min) after the runs: {load}.\n"
    )


def _print_checks(checks: dict[str, list[float]], runs: int) -> None:
    bare = statistics.median(checks["bare startproject"])
    _table(
        f"manage.py check, {runs} runs each after one warm-up, byte-code caching on (seconds)",
        ["project", "median", "min", "× bare"],
        [
            [name, _s(statistics.median(t)), _s(min(t)), f"{statistics.median(t) / bare:.2f}×"]
            for name, t in checks.items()
        ],
    )
    ratio = statistics.median(checks["this project"]) / bare
    met = "met" if ratio <= CHECK_TARGET else "MISSED"
    print(f"Target: check ≤ {CHECK_TARGET}× the bare project's (medians) — {met} ({ratio:.2f}×)\n")


def _print_imports(imports: list[tuple[float, str]], total: float) -> None:
    print("Where this project's check spends its start-up: python -X importtime manage.py check,")
    print("top-level imports by cumulative time (each includes what it imports)\n")
    for milliseconds, name in imports:
        print(f"  {milliseconds:7.0f} ms  {name}")
    print(f"  {total:7.0f} ms  all imports together\n")


def _print_analyses(analyses: dict[str, list[float]], args: argparse.Namespace) -> None:
    naive = statistics.median(analyses["naive"])
    labels = {
        "naive": "naive pandas loop, in this process (bench/analytics.py)",
        "stored": "analyze --json, a fresh process, snapshot stored",
        "rebuilt": "analyze --json, a fresh process, snapshot rebuilt",
    }
    _table(
        f"Full analysis of us-russia-kz at N = {args.n:,}: median and min of"
        f" {args.analyze_runs} analyze and {args.naive_runs} naive runs, interleaved (seconds)",
        ["run", "median", "min", "naive ÷ this"],
        [
            [
                labels[name],
                _s(statistics.median(t)),
                _s(min(t)),
                _ratio(naive, statistics.median(t)),
            ]
            for name, t in analyses.items()
        ],
    )
    # The target is the usual run: the snapshot lives in the database and is shared, so only
    # the first analysis of a survey ever rebuilds it (shown above for comparison).
    ratio = naive / statistics.median(analyses["stored"])
    met = "met" if ratio >= ANALYZE_TARGET else "MISSED"
    print(f"Target: analyze ≥ {ANALYZE_TARGET}× faster than naive — {met} ({ratio:.1f}×)")


if __name__ == "__main__":
    main()
