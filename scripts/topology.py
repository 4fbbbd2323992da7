"""The multi-node topology of docker-compose.yml, from local binaries on loopback ports:

    nginx → 2 respondent nodes (gunicorn, gthread) → PgBouncer → PostgreSQL
          → 1 staff node (gunicorn, gthread) ─────────────────────↗
                       ↘ Redis (cache, locks, throttle, Celery broker) ← 1 Celery worker
                                                                      ← Celery beat (periodic)

nginx sends the staff's pages (STAFF_PATHS) to the staff node and everything else, the
respondents' form and the API, to the respondent nodes; each pool is the other's backup. A
stream of submissions then takes the respondent nodes' cores and interpreter locks, not the
ones a dashboard is rendered with (KoboToolbox splits kpi from kobocat for the same reason).
The staff node also runs at a higher CPU priority than the other services, the respondent
nodes at a lower one (NICE): on shared cores the pages go first. PgBouncer pools the
transactions of the respondent nodes and the worker; the staff node's few connections go
straight to PostgreSQL, without waiting behind the submissions in PgBouncer.

Debian's nginx, pgbouncer and redis-server; the app's own gunicorn and celery from the
venv; PostgreSQL is the one at DATABASE_URL (the machine's, by default). Every process
writes its log under the run directory, where nginx's and PgBouncer's configuration files
are written from deploy/ (scripts/service_files.py). Used by scripts/cluster
(start/stop/status), the tests in tests/cluster and bench/cluster.py.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scripts.service_files import nginx_conf, pgbouncer_ini, upstream

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
BINARIES = {
    "nginx": ("/usr/sbin/nginx", "nginx"),
    "pgbouncer": ("/usr/sbin/pgbouncer", "pgbouncer"),
    "redis-server": ("/usr/bin/redis-server", "redis-server"),
}
RESPONDENT_NODES = ("web-a", "web-b")
STAFF_NODE = "web-staff"
WEB_NODES = (*RESPONDENT_NODES, STAFF_NODE)
# What the staff node serves (an nginx location's regular expression); deploy/nginx.conf.
STAFF_PATHS = "^/(dashboard|exports|editor|admin|accounts)/"
# CPU priorities (nice values) for each process and its session (start_service;
# docker-compose.yml gives the same order as cpu_shares): the staff node above nginx,
# PgBouncer, PostgreSQL and Redis (0), the respondent nodes below them, the worker lowest.
# When cores are short, the staff's few pages, each about a dozen ms of CPU, go ahead of the
# stream of submissions and of the services busy with it (a submission waits a little
# longer, and is still stored); the analyses wait for both. Raising a priority needs root
# (or CAP_SYS_NICE): without, `nice` says so in the staff node's log and it runs at 0.
# At -10 rather than -5 the dashboards' p95 under load fell by about a fifth
# (docs/benchmarks.md, "The staff node at nice -10").
STAFF_NICE = -10
RESPONDENT_NICE = 5
WORKER_NICE = 10
NICE = {
    STAFF_NODE: STAFF_NICE,
    **dict.fromkeys(RESPONDENT_NODES, RESPONDENT_NICE),
    "worker": WORKER_NICE,
}
SERVICES = ("redis", "pgbouncer", *WEB_NODES, "worker", "beat", "nginx")  # in the order they start


class TopologyError(Exception):
    """Something the cluster needs is missing or did not start; the message says what."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session_niced(pid: int, nice: int) -> None:
    """Give the session that ``pid`` leads the nice value ``nice``. Where Linux schedules by
    autogroup (/proc/sys/kernel/sched_autogroup_enabled), each session shares one weight
    with the others and a process's own nice value counts only inside its session; without
    autogroups (no /proc/<pid>/autogroup) the process's nice value is all there is."""
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:
        return


def binary(name: str) -> str:
    path, package = BINARIES[name]
    found = shutil.which(name) or (path if os.access(path, os.X_OK) else None)
    if found is None:
        raise TopologyError(f"{name} is missing: install it with `apt-get install {package}`.")
    return found


def answers(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status == 200
    except OSError:
        return False


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Cluster:
    """The ports and processes of one topology, kept in ``run/state.json`` between calls."""

    run: Path
    database_url: str
    workers: int = 2
    threads: int = 4
    settings: dict[str, str] = field(default_factory=dict)  # more for the app's processes
    ports: dict[str, int] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict, repr=False)
    log_starts: dict[str, int] = field(default_factory=dict, repr=False)  # this start's log

    @classmethod
    def load(cls, run: Path) -> "Cluster":
        state = json.loads((run / "state.json").read_text())
        return cls(run=run, **state)

    def save(self) -> None:
        state = {
            "database_url": self.database_url,
            "workers": self.workers,
            "threads": self.threads,
            "settings": self.settings,
            "ports": self.ports,
            "pids": self.pids,
        }
        (self.run / "state.json").write_text(json.dumps(state, indent=1))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}/0"

    def node_url(self, node: str) -> str:
        return f"http://127.0.0.1:{self.ports[node]}"

    def direct_environment(self) -> dict[str, str]:
        """The staff node's settings (and the preparation's): its few connections go straight
        to PostgreSQL. In PgBouncer, one process busy with every submission, each of a page's
        queries waited under load (docs/benchmarks.md, "One round trip fewer")."""
        return {
            **self.app_environment(),
            "DATABASE_URL": self.database_url,
            "DATABASE_TRANSACTION_POOLING": "0",
        }

    def app_environment(self) -> dict[str, str]:
        """The respondent nodes' and the worker's settings: through PgBouncer, sharing Redis."""
        database = urlsplit(self.database_url)
        pooler = f"127.0.0.1:{self.ports['pgbouncer']}"
        pooled = database._replace(netloc=f"{database.username}@{pooler}")
        return {
            **os.environ,
            "DATABASE_URL": pooled.geturl(),
            "DATABASE_TRANSACTION_POOLING": "1",
            "REDIS_URL": self.redis_url,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "cluster-only-" + "k" * 50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "TRUSTED_PROXY_COUNT": "1",
            # Background exports: written by the worker, served by either node.
            "MEDIA_ROOT": str(self.run / "media"),
            **self.settings,
        }

    # Starting and stopping

    def start(self) -> None:
        """Prepare the database, then start every service and wait until each answers."""
        for name in BINARIES:
            binary(name)
        self.run.mkdir(parents=True, exist_ok=True)
        names = ("redis", "pgbouncer", *WEB_NODES, "nginx")
        self.ports = {name: free_port() for name in names}
        self.save()
        self._prepare()
        for name in SERVICES:
            self.start_service(name)
        self.save()

    def _prepare(self) -> None:
        """Create the database if needed, migrate, import the questionnaire, make the admin
        (its password goes to run/admin.txt) and collect the static files, straight to
        PostgreSQL (not through the pooler)."""
        direct = self.direct_environment()
        _database_create(self.database_url)
        for command in (
            ["migrate", "--noinput"],
            ["import_questionnaire", str(QUESTIONNAIRE)],
            ["ensure_admin"],
            ["collectstatic", "--noinput"],
        ):
            done = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=direct,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise TopologyError(f"manage.py {command[0]} failed:\n{done.stderr[-2000:]}")
            if command == ["ensure_admin"]:
                (self.run / "admin.txt").write_text(done.stdout)

    def start_service(self, name: str) -> None:
        argv, as_postgres = self._command(name)
        if name in NICE:  # the process's own priority; its session's is set once it starts
            argv = ["nice", "-n", str(NICE[name]), *argv]
        log = (self.run / f"{name}.log").open("a")
        self.log_starts[name] = log.tell()
        process = subprocess.Popen(
            (["runuser", "-u", "postgres", "--"] if as_postgres else []) + argv,
            cwd=ROOT,
            env=self.direct_environment() if name == STAFF_NODE else self.app_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if name in NICE:
            _session_niced(process.pid, NICE[name])
        self.pids[name] = process.pid
        self.processes[name] = process
        self.save()
        self._wait_ready(name, process)

    def _wait_ready(self, name: str, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while not self.ready(name):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = (self.run / f"{name}.log").read_text()[-1500:]
                raise TopologyError(f"{name} did not start; its log ends:\n{tail}")
            time.sleep(0.2)

    def ready(self, name: str) -> bool:
        if name in WEB_NODES:
            return answers(f"{self.node_url(name)}/healthz/")
        if name == "nginx":
            return answers(f"{self.url}/healthz/")
        if name in ("worker", "beat"):
            text = (self.run / f"{name}.log").read_bytes()[self.log_starts.get(name, 0) :]
            return (b" ready." if name == "worker" else b"beat: Starting") in text
        return port_open(self.ports[name])

    def restart(self, name: str) -> None:
        """Stop one service (TERM, then KILL after 10 s) and start it again."""
        self._signal(name, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while self.alive(name) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.kill(name)
        self.start_service(name)

    def kill(self, name: str) -> None:
        """kill -9, as a crash would."""
        self._signal(name, signal.SIGKILL)
        self.pids.pop(name, None)
        self.save()

    def stop(self) -> None:
        """TERM every service, front to back, and KILL what is still there after 10 s."""
        for name in ("nginx", *WEB_NODES, "beat", "worker", "pgbouncer", "redis"):
            self._signal(name, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while any(self.alive(name) for name in list(self.pids)) and time.monotonic() < deadline:
            time.sleep(0.1)
        for name in list(self.pids):
            self._signal(name, signal.SIGKILL)
        self.pids = {}
        self.save()

    def alive(self, name: str) -> bool:
        pid = self.pids.get(name)
        if pid is None:
            return False
        if name in self.processes:  # started by this process: reap it
            return self.processes[name].poll() is None
        return self._ours(pid)

    def _signal(self, name: str, sent: signal.Signals) -> None:
        pid = self.pids.get(name)
        if pid is not None and self._ours(pid):
            try:
                os.killpg(pid, sent)  # each service leads its own process group
            except ProcessLookupError:
                pass

    def _ours(self, pid: int) -> bool:
        """Whether ``pid`` still runs a command of this run directory's cluster (not a
        process that reused the number after a reboot)."""
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            environment = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            return False
        marks = (str(self.run), self.redis_url, f"127.0.0.1:{self.ports.get('redis')}")
        # (redis-server rewrites its command line to "redis-server 127.0.0.1:<port>")
        return any(mark.encode() in command + environment for mark in marks)

    # What each service runs

    def _command(self, name: str) -> tuple[list[str], bool]:
        python = sys.executable
        if name in WEB_NODES:
            return [
                python, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{self.ports[name]}",
                "--worker-class", "gthread", "--workers", str(self.workers),
                "--threads", str(self.threads), "--timeout", "30", "--graceful-timeout", "5",
                "-c", "config/gunicorn.py",
            ], False  # fmt: skip
        if name == "worker":
            return [
                python, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                "--loglevel", "INFO", "--without-gossip", "--without-mingle",
            ], False  # fmt: skip
        if name == "beat":
            return [
                python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                "--schedule", str(self.run / "celerybeat-schedule"),
            ], False  # fmt: skip
        if name == "redis":
            return [
                binary("redis-server"), "--bind", "127.0.0.1", "--port", str(self.ports[name]),
                "--save", "", "--appendonly", "no", "--dir", str(self.run),
            ], False  # fmt: skip
        if name == "pgbouncer":
            ini = pgbouncer_ini(self.run, self.database_url, self.ports["pgbouncer"])
            return [binary("pgbouncer"), str(ini)], os.geteuid() == 0
        conf = nginx_conf(
            self.run,
            self.ports["nginx"],
            STAFF_PATHS,
            respondents=upstream(self.ports, RESPONDENT_NODES, [STAFF_NODE]),
            staff=upstream(self.ports, [STAFF_NODE], RESPONDENT_NODES),
        )
        return [binary("nginx"), "-p", str(self.run), "-c", str(conf)], False


def _database_create(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        connection = psycopg2.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
        )
    except psycopg2.OperationalError as error:
        where = f"{parts.hostname}:{parts.port or 5432}"
        raise TopologyError(f"PostgreSQL at {where} answers no: {error}") from None
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
