"""Dashboard pages and data endpoints at N responses: p50/p95 per URL, against baselines.

For each URL: `served` = the page as staff see it (snapshot and caches warm, the usual case),
`uncached` = the analysis and figures cache cleared before every request (the snapshot is
kept: the first view after a new response), and for the overview the `naive` baseline =
snapshot and cache dropped before every request (a full recount from PostgreSQL each time).
Requests go through Django's test client in this process (the full middleware and view
stack, no network), as the logged-in superuser. Uses its own PostgreSQL database, created
and dropped here.

    .venv/bin/python bench/dashboards.py --n 100000
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench.scratch import django_setup, scratch_database  # noqa: E402

SLUG = "us-russia-kz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="responses (default 100000)")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per URL")
    parser.add_argument("--database", default="bench_dashboards", help="created, then dropped")
    args = parser.parse_args()
    with scratch_database(args.database) as url:
        django_setup(url, debug=True)
        _run(args)


def _run(args) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from surveys.models import Survey
    from surveys.services import demo_responses_create

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(ROOT / "surveys/questionnaires/us-russia-kz.json"))
    survey = Survey.objects.get(slug=SLUG)
    started = time.perf_counter()
    demo_responses_create(survey=survey, n=args.n, seed=0)
    print(f"seeded {args.n:,} responses in {time.perf_counter() - started:.1f} s")
    user = get_user_model().objects.create_superuser("bench", password="bench-password-1")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    print(f"\nN = {args.n:,} responses; {args.requests} requests per URL; times in ms\n")
    print(f"{'URL':<48} {'mode':<9} {'p50':>8} {'p95':>8} {'max':>8}")
    for url, modes in _urls():
        for mode in modes:
            times = _timed(client, url, mode, survey, args.requests if mode != "naive" else 5)
            print(
                f"{url:<48} {mode:<9} {_p(times, 50):8.1f} {_p(times, 95):8.1f} {max(times):8.1f}"
            )
    _change_check(client, args.requests)


def _urls() -> list[tuple[str, tuple[str, ...]]]:
    base = f"/dashboard/{SLUG}/"
    return [
        (base, ("served", "uncached", "naive")),
        (f"{base}data/", ("served", "uncached")),
        (f"{base}matrix/", ("served", "uncached")),
        (f"{base}matrix/data/", ("served",)),
        (f"{base}pairs/q01/q04/", ("served", "uncached")),
        (f"{base}pairs/q01/q03/", ("served",)),
        (f"{base}pairs/q01/q04/data/", ("served",)),
        (f"{base}findings/", ("served", "uncached")),
        (f"{base}?q01=teacher&language=kk", ("served", "uncached")),
        (f"/api/v1/surveys/{SLUG}/analytics/matrix/", ("served",)),
    ]


def _timed(client, url: str, mode: str, survey, count: int) -> list[float]:
    from django.core.cache import cache

    from analytics.models import MatrixChunk, Snapshot

    _get(client, url)  # warm-up: builds the snapshot and caches
    times = []
    for _ in range(count):
        if mode in ("uncached", "naive"):
            cache.clear()
        if mode == "naive":
            Snapshot.objects.filter(survey=survey).delete()
            MatrixChunk.objects.filter(survey=survey).delete()
        started = time.perf_counter()
        _get(client, url)
        times.append(1000 * (time.perf_counter() - started))
    return times


def _change_check(client, count: int) -> None:
    url = f"/dashboard/{SLUG}/changes/"
    etag = _get(client, url)["ETag"]
    times = []
    for _ in range(count * 5):
        started = time.perf_counter()
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        times.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 304, response.status_code
    print(f"{url:<48} {'304':<9} {_p(times, 50):8.1f} {_p(times, 95):8.1f} {max(times):8.1f}")


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


def _p(times: list[float], percentile: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[percentile - 1]


if __name__ == "__main__":
    main()
