"""A throwaway PostgreSQL server on a free port, for tests and benchmarks that stop and
restart the database: the shared server at 5432 must not be disturbed.

PostgreSQL refuses to run as root; when we are root, its commands run as the postgres
user (runuser) on a directory handed over to it.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg2


def postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl live: $PG_BINDIR, the PATH, or Debian's versioned directory."""
    on_path = shutil.which("pg_ctl")
    candidates = [os.environ.get("PG_BINDIR", ""), os.path.dirname(on_path or "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and all(
            os.access(os.path.join(candidate, tool), os.X_OK) for tool in ("initdb", "pg_ctl")
        ):
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    """initdb, start, stop, restart and remove one cluster under a temporary directory."""

    def __init__(self, bindir: Path, database: str = "survey"):
        self.bindir = bindir
        self.database = database
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="pgcluster-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.database}"')
        connection.close()

    def start(self) -> None:
        """Returns once the server accepts connections."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._pg_ctl("start", "-w", "-t", "30", "-l", str(self.log), "-o", options)

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut, as when the server is restarted for real."""
        self._pg_ctl("stop", "-w", "-m", "fast")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-w", "-m", "immediate", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _pg_ctl(self, *arguments: str, check: bool = True) -> None:
        self._run("pg_ctl", "-D", str(self.data), *arguments, check=check)

    def _run(self, tool: str, *arguments: str, check: bool = True) -> None:
        command = [*self.as_postgres, str(self.bindir / tool), *arguments]
        subprocess.run(command, check=check, capture_output=True, timeout=60)

    def __enter__(self) -> "PostgresCluster":
        try:
            self.create()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()
