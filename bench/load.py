"""Submissions and dashboards under load, against gunicorn + PostgreSQL on this machine.

Scenarios, each bounded in time (--seconds) and count (--max-requests), traffic to
127.0.0.1 only, clients are threads opening one connection per request (gunicorn's sync
workers close it after each answer anyway):

  floor       POST to bench/floor_app.py: a bare Django view inserting one row
  api         POST /api/v1/surveys/<slug>/responses/, a fresh Idempotency-Key each
  form        POST the respondent form, a fresh client_token each (one GET per client first)
  dashboards  a signed-in staff poller (page, changes, data) while API submissions run
  restart     API submissions while the database restarts (its own cluster on a free port);
              what clients were told is compared with what is stored

Each row is charged with the CPU the machine spent during it, in ms per request: "client
CPU" is this process's (the load generator, on the same cores), "server CPU" the rest
(gunicorn, PostgreSQL, the kernel's network work).

The app and the floor get their own database on 127.0.0.1:5432 (created, dropped here) with
3000 demo responses; the restart scenario gets a throwaway PostgreSQL cluster.

floor, api and form take turns (--rounds, each a share of --seconds) against servers that
stay up, so that whatever drifts during a run (the machine's neighbours, autovacuum after the
first thousands of rows, a growing table) weighs on the floor and the app alike: the ratio
between them is what the run measures.

    .venv/bin/python bench/load.py            # about 6 minutes
    .venv/bin/python bench/load.py --seconds 5 --only api
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench.scratch import scratch_database  # noqa: E402
from tests.reliability.pgcluster import PostgresCluster, free_port, postgres_bindir  # noqa: E402
from tests.reliability.respondent import (  # noqa: E402
    SLUG,
    FormSession,
    api_submit,
    form_open,
    is_thanked,
    request,
)

QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
SCENARIOS = ("floor", "api", "form", "dashboards", "restart")
ADMIN_PASSWORD = uuid.uuid4().hex


@dataclass
class Tally:
    """Latencies of answered requests and every outcome, per scenario or URL."""

    latencies: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    turn_rates: list[float] = field(default_factory=list)  # req/s of each absorbed turn
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, started: float, outcome: str | int) -> None:
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.append(elapsed)
            self.outcomes[outcome] += 1

    def __getstate__(self) -> dict:
        """Sent from a load generator's own process: everything but the lock."""
        return {name: value for name, value in vars(self).items() if name != "lock"}

    def __setstate__(self, state: dict) -> None:
        vars(self).update(state, lock=threading.Lock())

    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def per_request(self, cpu_seconds: float) -> float:
        """CPU seconds (the tally's server_cpu or client_cpu) per request; 0 with none."""
        return cpu_seconds / len(self.latencies) if self.latencies else 0.0

    def absorb(self, other: "Tally") -> None:
        """Add another round of the same scenario."""
        self.turn_rates.append(other.rate())
        self.latencies += other.latencies
        self.outcomes.update(other.outcomes)
        self.seconds += other.seconds
        self.server_cpu += other.server_cpu
        self.client_cpu += other.client_cpu

    def row(self, name: str, clients: int, good: set) -> str:
        n = len(self.latencies)
        cuts = statistics.quantiles(self.latencies, n=100) if n > 1 else [0.0] * 99
        errors = sum(count for outcome, count in self.outcomes.items() if outcome not in good)
        unavailable = self.outcomes[503]
        other_5xx = sum(
            c for o, c in self.outcomes.items() if isinstance(o, int) and o >= 500 and o != 503
        )
        server, client = (
            f"{self.per_request(cpu) * 1000:.2f}" if n else "-"
            for cpu in (self.server_cpu, self.client_cpu)
        )
        return (
            f"| {name:<26} | {clients:>7} | {n:>8} | {n / self.seconds:>7.0f} | "
            f"{cuts[49] * 1000:>6.1f} | {cuts[94] * 1000:>6.1f} | {cuts[98] * 1000:>6.1f} | "
            f"{errors:>6} | {unavailable:>4} | {other_5xx:>8} | {server:>10} | {client:>10} |"
        )


HEADER = (
    "| scenario                   | clients | requests |   req/s | p50 ms | p95 ms | p99 ms | "
    "errors |  503 | other 5xx | server CPU | client CPU |\n|"
    + "|".join("-" * w for w in (28, 9, 10, 9, 8, 8, 8, 8, 6, 11, 12, 12))
    + "|"
)


def run_clients(clients: int, seconds: float, max_requests: int, one_request) -> Tally:
    """`clients` threads calling one_request(client_number, tally) until time or count is up,
    charged with the CPU the machine spent meanwhile: this process's (the clients') and the
    rest (the servers': gunicorn, PostgreSQL, the kernel's network work)."""
    tally = Tally()
    machine_before, client_before = machine_cpu(), time.process_time()
    deadline = time.perf_counter() + seconds
    budget = iter(range(max_requests))

    def client(number: int) -> None:
        while time.perf_counter() < deadline and next(budget, None) is not None:
            one_request(number, tally)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds = time.perf_counter() - started
    tally.client_cpu = time.process_time() - client_before
    tally.server_cpu = machine_cpu() - machine_before - tally.client_cpu
    return tally


def machine_cpu() -> float:
    """CPU seconds all cores have been busy since boot (/proc/stat: user, nice, system, irq,
    softirq; not idle, I/O wait or time stolen by a hypervisor). Counting the whole machine
    keeps what a PostgreSQL backend spent even when it exits during a run (a persistent
    connection closed at its maximum age), which summing the servers' processes lost."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def timed(tally: Tally, send) -> object:
    started = time.perf_counter()
    try:
        reply = send()
    except OSError as error:
        tally.add(started, type(error).__name__)
        return None
    tally.add(started, reply.status)
    return reply


def manage(database_url: str, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**os.environ, **app_environment(database_url)},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def app_environment(database_url: str) -> dict[str, str]:
    """Production settings over plain HTTP on 127.0.0.1, the API throttle out of the way."""
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-load-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_SUBMISSION_RATE": "1000000/min",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
    }


@contextmanager
def gunicorn(database_url: str, app: str, workers: int, log: Path):
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            # --preload as deployed (config/gunicorn.py), the floor's server alike.
            [sys.executable, "-m", "gunicorn", app, "-w", str(workers), "--preload"]
            + ["--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env={**os.environ, **app_environment(database_url)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    request(port, "GET", "/", timeout=1)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn {app} did not start; see {log}") from None
                    time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def prepare(database_url: str, demo: int) -> None:
    manage(database_url, "migrate", "--noinput")
    manage(database_url, "import_questionnaire", str(QUESTIONNAIRE))
    if demo:
        manage(database_url, "seed_demo", "--n", str(demo))


def staff_cookies(port: int) -> dict[str, str]:
    page = request(port, "GET", "/accounts/login/")
    token = page.body.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    body = f"username=admin&password={ADMIN_PASSWORD}&csrfmiddlewaretoken={token}".encode()
    cookie = f"csrftoken={page.cookies['csrftoken']}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    signed_in = request(port, "POST", "/accounts/login/", body=body, headers=headers)
    if signed_in.status != 302 or "sessionid" not in signed_in.cookies:
        raise RuntimeError(f"could not sign in as admin (HTTP {signed_in.status})")
    return {"sessionid": signed_in.cookies["sessionid"]}


def api_load(port: int, told: list | None = None):
    """API submissions; when `told` is given, (sent at, status, id) for each is kept."""

    def one(_client: int, tally: Tally) -> None:
        sent = time.perf_counter()
        key = uuid.uuid4().hex
        reply = timed(tally, lambda: api_submit(port, key))
        if told is not None:
            acknowledged = reply is not None and reply.status in (200, 201)
            told.append(
                (sent, reply and reply.status, reply.json()["id"] if acknowledged else None)
            )

    return one


def form_load(port: int, clients: int):
    sessions: list[FormSession] = [form_open(port, "en") for _ in range(clients)]

    def one(client: int, tally: Tally) -> None:
        reply = timed(tally, lambda: sessions[client].post(port, uuid.uuid4()))
        if reply is not None and reply.status == 302 and not is_thanked(reply):
            raise RuntimeError("the form redirected somewhere other than the thank-you page")

    return one


def floor_load(port: int):
    body = json.dumps({"language": "en", "answers": {"q01": "teacher"}}).encode()
    headers = {"Content-Type": "application/json"}
    return lambda _client, tally: timed(
        tally, lambda: request(port, "POST", "/floor/", body=body, headers=headers)
    )


def dashboards_while_submitting(port: int, args) -> dict[str, Tally]:
    cookie = "; ".join(f"{k}={v}" for k, v in staff_cookies(port).items())
    urls = {
        "page": f"/dashboard/{SLUG}/",
        "changes": f"/dashboard/{SLUG}/changes/",
        "data": f"/dashboard/{SLUG}/data/",
    }
    polls = {name: Tally() for name in urls}
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for name, url in urls.items():
                headers = {"Cookie": cookie}
                timed(
                    polls[name],
                    lambda u=url, h=headers: request(port, "GET", u, headers=h, timeout=60),
                )

    poller = threading.Thread(target=poll)
    started = time.perf_counter()
    poller.start()
    submissions = run_clients(args.clients, args.seconds, args.max_requests, api_load(port))
    stop.set()
    poller.join()
    for tally in polls.values():
        tally.seconds = time.perf_counter() - started
    return {"submissions": submissions, **polls}


def restart_during_load(args, log: Path) -> tuple[Tally, dict]:
    """API load on a throwaway cluster that is stopped (fast) and started a third of the
    way in; every id a client was given must be stored."""
    bindir = postgres_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found: set PG_BINDIR")
    told: list = []
    moments: dict[str, float] = {}
    with PostgresCluster(bindir) as cluster:
        prepare(cluster.url, demo=0)
        with gunicorn(cluster.url, "config.wsgi:application", args.workers, log) as port:

            def restart() -> None:
                time.sleep(args.seconds / 3)
                moments["stop"] = time.perf_counter()
                cluster.stop()
                time.sleep(1)
                cluster.start()
                moments["start"] = time.perf_counter()

            restarter = threading.Thread(target=restart)
            restarter.start()
            tally = run_clients(args.clients, args.seconds, args.max_requests, api_load(port, told))
            restarter.join()
        connection = psycopg2.connect(cluster.url)
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT client_token::text FROM surveys_response")
            stored = {row[0] for row in cursor.fetchall()}
        connection.close()
    acknowledged = {id for _sent, _status, id in told if id is not None}
    after = [(sent, status) for sent, status, _id in told if sent >= moments["start"]]
    first_ok = min((sent for sent, status in after if status in (200, 201)), default=None)
    return tally, {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "lost": len(acknowledged - stored),
        "stored, not acknowledged": len(stored - acknowledged),
        "outage seconds (stop to start returned)": round(moments["start"] - moments["stop"], 2),
        "failed requests sent after start returned": sum(
            1 for _sent, status in after if status not in (200, 201)
        ),
        "first acknowledged send after start (ms)": None
        if first_ok is None
        else round((first_ok - moments["start"]) * 1000, 1),
    }


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="per scenario (default 60)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--rounds", type=int, default=12, help="turns of floor, api and form (default 12)"
    )
    parser.add_argument(
        "--warmup", type=float, default=3, help="seconds of each, not counted (default 3)"
    )
    parser.add_argument("--workers", type=int, default=2 * cores + 1, help="gunicorn workers")
    parser.add_argument("--max-requests", type=int, default=500_000, help="per scenario")
    parser.add_argument("--demo", type=int, default=3000, help="demo responses for dashboards")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    parser.add_argument("--database", default="bench_load", help="created, then dropped")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    chosen = [name for name in SCENARIOS if name in args.only.split(",")]
    print(f"{cores} cores, gunicorn sync workers: {args.workers}, clients: {args.clients}")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    logs = Path(tempfile.mkdtemp(prefix="bench-load-"))
    with scratch_database(args.database) as database_url:
        rows, notes = _run(chosen, args, database_url, logs)
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"gunicorn logs: {logs}\n")
    print(HEADER)
    for row in rows:
        print(row)
    for name, value in notes.items():
        print(f"{name}: {value}")


def _run(chosen: list[str], args, database_url: str, logs: Path) -> tuple[list[str], dict]:
    prepare(database_url, args.demo)
    manage(database_url, "collectstatic", "--noinput")
    manage(database_url, "ensure_admin")
    rows: list[str] = []
    notes: dict = {}
    with ExitStack() as servers:
        if "floor" in chosen:
            _floor_table(database_url)
            floor_app = "bench.floor_app:application"
            floor = servers.enter_context(
                gunicorn(database_url, floor_app, args.workers, logs / "floor.log")
            )
        if {"api", "form", "dashboards"} & set(chosen):
            app = servers.enter_context(
                gunicorn(database_url, "config.wsgi:application", args.workers, logs / "app.log")
            )
        turns = {
            "floor": lambda: floor_load(floor),
            "api": lambda: api_load(app),
            "form": lambda: form_load(app, args.clients),
        }
        taking_turns = {name: turns[name]() for name in turns if name in chosen}
        tallies = _in_turns(taking_turns, args)
        for name, tally in tallies.items():
            rows.append(tally.row(ROWS[name], args.clients, GOOD[name]))
        notes.update(_against_floor(tallies))
        if "dashboards" in chosen:
            rows += _dashboard_rows(dashboards_while_submitting(app, args), args.clients)
    if "restart" in chosen:
        tally, notes = restart_during_load(args, logs / "restart.log")
        rows.append(tally.row("API across DB restart", args.clients, {200, 201}))
    return rows, notes


ROWS = {"floor": "floor (bare Django view)", "api": "API submissions", "form": "form submissions"}
GOOD = {"floor": {201}, "api": {201}, "form": {302}}


def _against_floor(tallies: dict[str, Tally]) -> dict[str, str]:
    """Each submission scenario's rate as a share of the floor's, measured in the same run,
    with the lowest and highest share in a single round (how far the run's own turns
    spread); and the same share by the servers' CPU per request alone: what the rates would
    be if the clients ran on another machine."""
    if "floor" not in tallies:
        return {}
    floor = tallies["floor"]
    shares = {}
    for name in ("api", "form"):
        if name in tallies:
            tally = tallies[name]
            by_round = [
                its / floor_rate
                for its, floor_rate in zip(tally.turn_rates, floor.turn_rates, strict=True)
            ]
            shares[f"{ROWS[name]} / floor"] = (
                f"{tally.rate() / floor.rate():.2f}× "
                f"(rounds: {min(by_round):.2f}–{max(by_round):.2f})"
            )
            its_cpu = tally.per_request(tally.server_cpu)
            if its_cpu > 0:  # none when no request was answered
                by_cpu = floor.per_request(floor.server_cpu) / its_cpu
                shares[f"{ROWS[name]} / floor, by server CPU per request"] = f"{by_cpu:.2f}×"
    return shares


def _in_turns(scenarios: dict, args) -> dict[str, Tally]:
    """Each scenario (its one_request) for args.seconds in all, in args.rounds turns,
    after args.warmup seconds each, not counted (the processes' first requests)."""
    for one_request in scenarios.values():
        run_clients(args.clients, args.warmup, args.max_requests, one_request)
    tallies = {name: Tally() for name in scenarios}
    share = args.seconds / args.rounds
    most = max(1, args.max_requests // args.rounds)
    for _round in range(args.rounds):
        for name, one_request in scenarios.items():
            turn = run_clients(args.clients, share, most, one_request)
            tallies[name].absorb(turn)
    return tallies


def _dashboard_rows(tallies: dict[str, Tally], clients: int) -> list[str]:
    rows = [tallies.pop("submissions").row("API submissions + staff", clients, {201})]
    for name, tally in tallies.items():
        rows.append(tally.row(f"  staff polling: {name}", 1, {200}))
    return rows


def _floor_table(database_url: str) -> None:
    connection = psycopg2.connect(database_url)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, token uuid, body jsonb)"
        )
    connection.close()


if __name__ == "__main__":
    main()
