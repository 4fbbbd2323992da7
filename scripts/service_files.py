"""The configuration files of the topology's services (scripts/topology.py), written into
its run directory from the templates in deploy/, which the Docker image uses too: the
placeholders (@PORT@, @RUN@, …) are filled in here with the loopback ports and paths."""

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def pgbouncer_ini(run: Path, database_url: str, port: int) -> Path:
    """PgBouncer on ``port`` in front of the PostgreSQL at ``database_url``, with that URL's
    user in its user list."""
    database = urlsplit(database_url)
    user = database.username or "postgres"
    (run / "userlist.txt").write_text(f'"{user}" "{database.password or ""}"\n')
    ini = run / "pgbouncer.ini"
    ini.write_text(
        (DEPLOY / "pgbouncer.ini")
        .read_text()
        .replace("@DATABASE_HOST@", database.hostname or "127.0.0.1")
        .replace("@DATABASE_PORT@", str(database.port or 5432))
        .replace("@PORT@", str(port))
        .replace("@RUN@", str(run))
    )
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        for path in (run, ini, run / "userlist.txt"):
            shutil.chown(path, "postgres")
    return ini


def nginx_conf(run: Path, port: int, staff_paths: str, *, respondents: str, staff: str) -> Path:
    """nginx on ``port``, sending ``staff_paths`` to the ``staff`` upstream's servers and
    everything else to the ``respondents``' (``upstream``)."""
    conf = run / "nginx.conf"
    conf.write_text(
        (DEPLOY / "nginx.conf")
        .read_text()
        .replace("@RESPONDENT_NODES@", respondents)
        .replace("@STAFF_NODES@", staff)
        .replace("@STAFF_PATHS@", staff_paths)
        .replace("@PORT@", str(port))
        .replace("@RUN@", str(run))
        .replace("@USER@", "user root;" if os.geteuid() == 0 else "")
    )
    return conf


def upstream(ports: Mapping[str, int], nodes: Sequence[str], backups: Sequence[str]) -> str:
    """An nginx upstream's servers: ``nodes``, then ``backups`` for when all are away."""
    return "\n".join(
        f"        server 127.0.0.1:{ports[node]} max_fails=1 fail_timeout=3s{mark};"
        for group, mark in ((nodes, ""), (backups, " backup"))
        for node in group
    )
