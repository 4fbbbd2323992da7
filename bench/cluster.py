"""Dashboards on the scripts/cluster topology while submissions arrive, against the same page
with no load, in one run; and how long a response takes to show on an open dashboard.

    .venv/bin/python bench/cluster.py                    # about a minute
    .venv/bin/python bench/cluster.py --rate 300 --seconds 20

The topology (nginx, two gthread respondent nodes and a staff node, PgBouncer, Redis, one
Celery worker) gets its own database on the PostgreSQL at 127.0.0.1:5432 (created, then
dropped) with --demo responses. Phases, each bounded in time and count, traffic to 127.0.0.1 only:

  idle        signed-in staff reload the overview, nothing else happens
  load        the same while API submissions arrive at --rate per second (paced), and a
              probe submits one response every half second and polls the change check
              (as live.js does) until the dashboard's analysis includes it: the staleness.
              The dashboards are measured after --warmup seconds of it (the web nodes'
              first submissions and the worker's first refresh, on cold processes), which
              are reported on their own line

Staff reload the overview --dashboard-rate times a second in all (paced, like the
submissions: a page that answers late does not make the next reload wait), so both phases
ask the same of the dashboards and the ratio is what the submissions cost them. With
--dashboard-rate 0 one client reloads back to back instead: the dashboards then take every
core they can get in both phases, and the ratio is how two loads that each saturate the
machine share it. The submissions' own latency is in the table too: the respondent nodes
run at a lower CPU priority than the staff node (scripts/topology.py), so on shared cores a
submission waits while a page is drawn.

The staff, the respondents and the probe each run in a process of their own, as they would on
separate machines: in one interpreter a dashboard's reply would wait for the submitting
threads' turns at the interpreter lock, a delay of the load generator, not of the server.
The staff's and the respondents' processes also each start a session of their own (apart).
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench.load import Tally, manage  # noqa: E402
from bench.scratch import scratch_database  # noqa: E402
from scripts.topology import Cluster  # noqa: E402
from tests.reliability.respondent import SLUG, api_submit, request  # noqa: E402

OVERVIEW = f"/dashboard/{SLUG}/"
DASHBOARD_CLIENTS = 4
CHANGES = f"/dashboard/{SLUG}/changes/"
PASSWORD = uuid.uuid4().hex
PROCESSES = multiprocessing.get_context("fork")


def staff_cookie(port: int) -> str:
    page = request(port, "GET", "/accounts/login/")
    token = page.body.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    body = f"username=admin&password={PASSWORD}&csrfmiddlewaretoken={token}".encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={page.cookies['csrftoken']}",
    }
    signed_in = request(port, "POST", "/accounts/login/", body=body, headers=headers)
    if signed_in.status != 302:
        raise RuntimeError(f"could not sign in as admin (HTTP {signed_in.status})")
    return f"sessionid={signed_in.cookies['sessionid']}"


def watch_dashboard(port: int, cookie: str, stop: threading.Event, args) -> Tally:
    """Reload the overview until ``stop``: paced at --dashboard-rate, or back to back (at
    most --max-requests reloads)."""

    def reload() -> int:
        return request(port, "GET", OVERVIEW, headers={"Cookie": cookie}, timeout=30).status

    if args.dashboard_rate > 0:
        return paced(args.dashboard_rate, stop, DASHBOARD_CLIENTS, reload)
    tally = Tally()
    started = time.perf_counter()
    while not stop.is_set() and len(tally.latencies) < args.max_requests:
        sent = time.perf_counter()
        tally.add(sent, reload())
    tally.seconds = time.perf_counter() - started
    return tally


def paced(rate: float, stop: threading.Event, clients: int, send: Callable[[], int]) -> Tally:
    """``send()`` at ``rate`` per second in all, from ``clients`` threads, until ``stop``."""
    tally = Tally()
    every = clients / rate

    def client(offset: float) -> None:
        due = time.perf_counter() + offset
        while not stop.is_set():
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            sent = time.perf_counter()
            try:
                tally.add(sent, send())
            except OSError as error:
                tally.add(sent, type(error).__name__)
            due += every

    threads = [threading.Thread(target=client, args=(k * every / clients,)) for k in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds = time.perf_counter() - started
    return tally


def probe_staleness(port: int, cookie: str, stop: threading.Event, url: str) -> list[float]:
    """Seconds from a stored response to the change check saying an analysis with it is
    ready (polled every 100 ms). The API tells its client the response's public id; the
    change check counts in database ids, read here from the database."""
    seen: list[float] = []
    database = psycopg2.connect(url)
    database.autocommit = True
    while not stop.is_set():
        sent = time.perf_counter()
        stored = api_submit(port, uuid.uuid4().hex, timeout=30)
        if stored.status != 201:
            continue
        with database.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM surveys_response WHERE client_token = %s", [stored.json()["id"]]
            )
            mine = cursor.fetchone()[0]
        while time.perf_counter() - sent < 30:
            answer = request(port, "GET", CHANGES, headers={"Cookie": cookie}, timeout=30)
            if answer.status == 200 and answer.json()["ready"] >= mine:
                seen.append(time.perf_counter() - sent)
                break
            time.sleep(0.1)
        time.sleep(max(0.0, 0.5 - (time.perf_counter() - sent)))
    database.close()
    return seen


def submit(port: int) -> int:
    return api_submit(port, uuid.uuid4().hex, timeout=30).status


def p(values: list[float], cut: int) -> float:
    return statistics.quantiles(values, n=100)[cut - 1] if len(values) > 1 else values[0]


def measure(cluster: Cluster, url: str, args) -> None:
    port = cluster.ports["nginx"]
    cookie = staff_cookie(port)
    request(port, "GET", OVERVIEW, headers={"Cookie": cookie}, timeout=60)  # first analysis
    stop = PROCESSES.Event()
    staff = apart(lambda: watch_dashboard(port, cookie, stop, args))
    time.sleep(args.seconds)
    stop.set()
    idle = staff()
    warm, stop = PROCESSES.Event(), PROCESSES.Event()
    staff = apart(lambda: [watch_dashboard(port, cookie, phase, args) for phase in (warm, stop)])
    respondents = apart(lambda: paced(args.rate, stop, args.clients, lambda: submit(port)))
    stale: list[float] = []
    probe = threading.Thread(target=lambda: stale.extend(probe_staleness(port, cookie, stop, url)))
    probe.start()
    time.sleep(args.warmup)
    warm.set()
    time.sleep(args.seconds)
    stop.set()
    probe.join()
    warmup, load = staff()
    results = {"warm-up": warmup, "load": load, "submitted": respondents(), "stale": stale}
    report(idle, results, args)


def apart(clients: Callable[[], Any]) -> Callable[[], Any]:
    """Start ``clients()`` in a process of its own, in a session of its own; the function
    returned waits for what it returns (or raises what it raised). With Linux's autogroup
    scheduling (/proc/sys/kernel/sched_autogroup_enabled) the processes of one session share
    one weight on the cores: in the bench's own session the respondents' busy threads would
    hold up the staff's browsers, which on separate machines wait for nobody."""
    results = PROCESSES.SimpleQueue()

    def run() -> None:
        os.setsid()
        try:
            results.put(clients())
        except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
            results.put(error)

    child = PROCESSES.Process(target=run, daemon=True)
    child.start()

    def result() -> Any:
        value = results.get()
        child.join()
        if isinstance(value, BaseException):
            raise value
        return value

    return result


def report(idle: Tally, results: dict, args) -> None:
    load, submitted, stale = results["load"], results["submitted"], results["stale"]
    idle95, load95 = p(idle.latencies, 95) * 1000, p(load.latencies, 95) * 1000
    errors = sum(n for status, n in submitted.outcomes.items() if status != 201)
    print(f"\nsubmissions: {len(submitted.latencies) / submitted.seconds:.0f}/s asked {args.rate}/s"
          f", {errors} not 201 {dict(submitted.outcomes)}")  # fmt: skip
    reloads = (
        f"{args.dashboard_rate:g}/s from {DASHBOARD_CLIENTS} clients"
        if args.dashboard_rate > 0
        else "back to back, one client"
    )
    print(f"dashboard reloads ({reloads}): idle {dict(idle.outcomes)}, "
          f"under load {dict(load.outcomes)}\n")  # fmt: skip
    print("| measure | idle | under load | ratio | target |\n|---|---|---|---|---|")
    print(f"| dashboard p50 ms | {p(idle.latencies, 50) * 1000:.0f} | "
          f"{p(load.latencies, 50) * 1000:.0f} | | |")  # fmt: skip
    print(f"| dashboard p95 ms | {idle95:.0f} | {load95:.0f} | {load95 / idle95:.2f}× | ≤ 2× |")
    waited = " / ".join(f"{p(submitted.latencies, cut) * 1000:.0f}" for cut in (50, 95, 99))
    print(f"| submission p50 / p95 / p99 ms (warm-up included) | | {waited} | | |")
    print(f"| staleness p50 / p95 s ({len(stale)} probes, warm-up included) | | "
          f"{p(stale, 50):.2f} / {p(stale, 95):.2f} | | p95 ≤ 3 s |")  # fmt: skip
    warm = results["warm-up"]
    if warm.latencies:
        print(f"\nthe first {args.warmup:g} s of load, not in the table (the web nodes' first "
              f"submissions, the worker's first refresh): dashboard p50 / p95 ms "
              f"{p(warm.latencies, 50) * 1000:.0f} / {p(warm.latencies, 95) * 1000:.0f}, "
              f"{dict(warm.outcomes)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="per phase (default 20)")
    parser.add_argument("--rate", type=float, default=300, help="submissions per second")
    parser.add_argument(
        "--warmup",
        type=float,
        default=5,
        help="seconds of load before the dashboards are measured (default 5; reported apart)",
    )
    parser.add_argument("--clients", type=int, default=16, help="submitting threads")
    parser.add_argument(
        "--dashboard-rate",
        type=float,
        default=10,
        help="overview reloads per second in all (default 10); 0: one client, back to back",
    )
    parser.add_argument(
        "--max-requests", type=int, default=20_000, help="back-to-back reloads per phase, most"
    )
    parser.add_argument("--demo", type=int, default=3000, help="demo responses beforehand")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per web node")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--database", default="bench_cluster", help="created, then dropped")
    args = parser.parse_args()
    run = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}; logs: {run}; "
          f"web nodes of {args.workers} workers × {args.threads} threads")  # fmt: skip
    with scratch_database(args.database) as url:
        cluster = Cluster(
            run,
            url,
            workers=args.workers,
            threads=args.threads,
            settings={"ADMIN_PASSWORD": PASSWORD, "API_SUBMISSION_RATE": "10000000/min"},
        )
        try:
            cluster.start()
            manage(url, "seed_demo", "--n", str(args.demo))
            measure(cluster, url, args)
        finally:
            cluster.stop()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
