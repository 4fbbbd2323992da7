"""What survey teams cost the most frequent staff requests: the change check every open
dashboard sends every 2 s, a served dashboard page and the analysis API, as a superuser
(no team check: the baseline, measured in the same run), a member of the site-wide "staff"
group and a survey's viewer (the team lookup). p50/p95 in ms, queries per request.

    .venv/bin/python bench/teams.py --n 20000
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
URLS = (
    f"/dashboard/{SLUG}/changes/",
    f"/dashboard/{SLUG}/",
    f"/api/v1/surveys/{SLUG}/analytics/matrix/",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="responses (default 20000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per cell")
    parser.add_argument("--database", default="bench_teams", help="created, then dropped")
    args = parser.parse_args()
    with scratch_database(args.database) as url:
        django_setup(url, debug=True)
        _run(args)


def _clients(survey) -> dict:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from surveys.models import SurveyMember

    root = User.objects.create_superuser("root", password="bench-password-1")
    staff = User.objects.create_user("staff", password="bench-password-1")
    staff.groups.add(Group.objects.get(name="staff"))
    viewer = User.objects.create_user("viewer", password="bench-password-1")
    SurveyMember.objects.create(survey=survey, user=viewer, role=SurveyMember.VIEWER)
    clients = {}
    for name, user in (("superuser", root), ("staff group", staff), ("team viewer", viewer)):
        clients[name] = Client(HTTP_HOST="127.0.0.1")
        clients[name].force_login(user)
    return clients


def _run(args) -> None:
    from django.core.management import call_command

    from surveys.models import Survey
    from surveys.services import demo_responses_create

    call_command("migrate", verbosity=0)
    call_command("import_questionnaire", str(ROOT / "surveys/questionnaires/us-russia-kz.json"))
    survey = Survey.objects.get(slug=SLUG)
    demo_responses_create(survey=survey, n=args.n, seed=0)
    clients = _clients(survey)
    print(f"\nN = {args.n:,} responses; {args.requests} requests per cell; times in ms\n")
    print(f"{'URL':<46} {'who':<12} {'queries':>7} {'p50':>7} {'p95':>7} {'p50 ratio':>9}")
    for url in URLS:
        queries, times = _timed(clients, url, args.requests)
        baseline = _p(times["superuser"], 50)
        for who in clients:
            p50 = _p(times[who], 50)
            print(
                f"{url:<46} {who:<12} {queries[who]:>7} {p50:7.2f} "
                f"{_p(times[who], 95):7.2f} {p50 / baseline:9.2f}"
            )


def _timed(clients: dict, url: str, count: int) -> tuple[dict, dict]:
    """Each client's query count and times; the clients take turns, so that the machine's
    load drifting during the run weighs on all of them alike."""
    headers, queries, times = {}, {}, {who: [] for who in clients}
    for who, client in clients.items():
        first = client.get(url)  # warm-up: snapshot and caches
        assert first.status_code == 200, first.status_code
        headers[who] = {"HTTP_IF_NONE_MATCH": first["ETag"]} if first.has_header("ETag") else {}
        queries[who] = _queries_of(client, url, headers[who])
    for _ in range(count):
        for who, client in clients.items():
            started = time.perf_counter()
            client.get(url, **headers[who])
            times[who].append(1000 * (time.perf_counter() - started))
    return queries, times


def _queries_of(client, url: str, headers: dict) -> int:
    from django.db import connection

    executed: list[str] = []

    def counted(run, sql, *rest):
        executed.append(sql)
        return run(sql, *rest)

    with connection.execute_wrapper(counted):
        client.get(url, **headers)
    return len(executed)


def _p(times: list[float], percentile: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[percentile - 1]


if __name__ == "__main__":
    main()
