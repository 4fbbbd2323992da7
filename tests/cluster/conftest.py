"""One running topology (scripts/topology.py) for the tests of this folder, with its own
database beside the test database; skipped without nginx, pgbouncer, redis-server or
PostgreSQL unless REQUIRE_CLUSTER=1 (CI)."""

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from scripts.topology import BINARIES, Cluster, TopologyError
from tests.reliability.respondent import request


def _missing() -> str | None:
    for name, (path, package) in BINARIES.items():
        if not (shutil.which(name) or os.access(path, os.X_OK)):
            return f"{name} is missing (apt-get install {package})"
    if connection.vendor != "postgresql":
        return "the cluster needs PostgreSQL (DATABASE_URL)"
    return None


def _database_url() -> str:
    database = settings.DATABASES["default"]
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    where = f"{database['USER']}{password}@{database['HOST']}:{database['PORT'] or 5432}"
    return f"postgres://{where}/{database['NAME']}_cluster"


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    missing = _missing()
    if missing:
        if os.environ.get("REQUIRE_CLUSTER") == "1":
            pytest.fail(f"REQUIRE_CLUSTER=1 but {missing}")
        pytest.skip(missing)
    # Not under pytest's own temporary folder: PgBouncer runs as postgres and must read it.
    run = Path(tempfile.mkdtemp(prefix="cluster-"))
    topology = Cluster(
        run,
        _database_url(),
        settings={"ADMIN_PASSWORD": uuid.uuid4().hex, "API_SUBMISSION_RATE": "1000000/min"},
    )
    _database_drop(topology.database_url)  # left over by an interrupted run
    try:
        topology.start()
    except TopologyError as error:
        topology.stop()
        _database_drop(topology.database_url)
        pytest.fail(str(error))
    yield topology
    topology.stop()
    _database_drop(topology.database_url)
    shutil.rmtree(run, ignore_errors=True)


def _database_drop(url: str) -> None:
    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port, user=parts.username, dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
    connection.close()


def staff_cookie(cluster: Cluster, port: int) -> str:
    """Sign in as the cluster's admin through ``port``: the Cookie header to send."""
    password = cluster.settings["ADMIN_PASSWORD"]
    page = request(port, "GET", "/accounts/login/")
    token = page.body.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    body = f"username=admin&password={password}&csrfmiddlewaretoken={token}".encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={page.cookies['csrftoken']}",
    }
    signed_in = request(port, "POST", "/accounts/login/", body=body, headers=headers)
    assert signed_in.status == 302, signed_in.body[:500]
    return f"sessionid={signed_in.cookies['sessionid']}"


def database_ids(cluster: Cluster) -> dict[str, int]:
    """Every stored response's id by its public id (the client token the API answers
    with), read straight from PostgreSQL."""
    parts = urlsplit(cluster.database_url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port, user=parts.username, dbname=parts.path[1:]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_token::text, id FROM surveys_response")
        ids = {token: id for token, id in cursor.fetchall()}
    connection.close()
    return ids
