"""Test group 9: the database stops under a running server, then comes back.

The app runs under gunicorn (2 workers, as in production) against its own PostgreSQL,
started on a free port, so stopping it disturbs nobody. One scenario runs once per module:
submit, stop the database, submit (503), start it, submit again; the tests below each
check one thing it recorded.
"""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from api.submissions import IDEMPOTENCY_NAMESPACE
from tests.reliability.pgcluster import PostgresCluster, free_port, postgres_bindir
from tests.reliability.respondent import (
    SLUG,
    Reply,
    api_submit,
    form_open,
    is_thanked,
    request,
)

ROOT = Path(__file__).resolve().parent.parent.parent
QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
# The bound on the first request after the database is back, not a benchmark.
RECOVERY_TIMEOUT_SECONDS = 2


@pytest.fixture(scope="module")
def cluster():
    bindir = postgres_bindir()
    if bindir is None:
        reason = "PostgreSQL server binaries (initdb, pg_ctl) not found; set PG_BINDIR"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason} (REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    with PostgresCluster(bindir) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def port(cluster):
    """gunicorn serving the app on that cluster; its port."""
    environment = {**os.environ, "DATABASE_URL": cluster.url, "API_SUBMISSION_RATE": "1000/min"}
    for command in (["migrate", "--noinput"], ["import_questionnaire", str(QUESTIONNAIRE)]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
            timeout=60,
        )
    port = free_port()
    log = (cluster.directory / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-w", "2"]
        + ["--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_serving(port)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            request(port, "GET", f"/s/{SLUG}/", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start serving within 20 s")


@dataclass
class Outage:
    during: dict[str, list[Reply]] = field(default_factory=dict)
    after: list[Reply | str] = field(default_factory=list)
    acknowledged: set[uuid.UUID] = field(default_factory=set)
    stored: dict[uuid.UUID, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def outage(cluster, port) -> Outage:
    record = Outage()
    form = form_open(port, "ru")
    _submit(port, record, form, "before")

    cluster.stop()
    record.during["api"] = [api_submit(port, f"during-{i}", language="kk") for i in range(4)]
    record.during["form"] = [form.post(port, uuid.uuid4()) for _ in range(4)]
    # A signed-in member of staff: the session and the user are loaded from the database.
    staff = {"Cookie": f"sessionid={uuid.uuid4().hex}", "Accept-Language": "kk"}
    record.during["staff"] = [
        request(port, "GET", f"/dashboard/{SLUG}/", headers=staff) for _ in range(4)
    ]

    cluster.start()
    for attempt in range(4):
        try:
            _submit(port, record, form, f"after-{attempt}", timeout=RECOVERY_TIMEOUT_SECONDS)
        except TimeoutError as error:
            record.after.append(f"no answer within {RECOVERY_TIMEOUT_SECONDS} s: {error}")

    connection = psycopg2.connect(cluster.url)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT client_token, count(*) FROM surveys_response GROUP BY 1")
        record.stored = {uuid.UUID(str(token)): count for token, count in cursor.fetchall()}
    connection.close()
    return record


def _submit(port: int, record: Outage, form, key: str, timeout: float = 5) -> None:
    """One API submission and one form submission; remembers what was acknowledged."""
    api = api_submit(port, key, timeout=timeout)
    record.after.append(api)
    if api.status in (200, 201):
        record.acknowledged.add(uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{SLUG}\n{key}"))
    token = uuid.uuid4()
    posted = form.post(port, token, timeout=timeout)
    record.after.append(posted)
    if is_thanked(posted):
        record.acknowledged.add(token)


def test_it_answers_the_api_with_a_json_503_and_retry_after(outage):
    for reply in outage.during["api"]:
        assert reply.status == 503
        assert reply.headers["Retry-After"] == "10"
        assert reply.headers["Content-Type"] == "application/json"
        body = reply.json()
        assert body["code"] == "database_unavailable"
        assert "Idempotency-Key" in body["detail"]


def test_it_explains_the_api_503_in_the_clients_language(outage):
    assert "Дерекқор уақытша қолжетімсіз" in outage.during["api"][0].json()["detail"]


def test_it_shows_respondents_a_503_page_in_their_language(outage):
    for reply in outage.during["form"]:
        assert reply.status == 503
        assert reply.headers["Retry-After"] == "10"
        page = reply.body.decode()
        assert '<html lang="ru">' in page
        assert "Опрос временно недоступен" in page


def test_it_answers_503_when_the_session_cannot_be_loaded(outage):
    for reply in outage.during["staff"]:
        assert reply.status == 503
        assert "Сауалнама уақытша қолжетімсіз" in reply.body.decode()


def test_it_accepts_every_submission_once_the_database_is_back(outage):
    answered = [reply.status if isinstance(reply, Reply) else reply for reply in outage.after]
    assert answered == [201, 302] * 5


def test_it_stores_every_acknowledged_response_exactly_once(outage):
    assert len(outage.acknowledged) == 10
    assert {token: outage.stored.get(token) for token in outage.acknowledged} == {
        token: 1 for token in outage.acknowledged
    }
    assert sum(outage.stored.values()) == 10
