"""Two web nodes behind nginx share one analysis per watermark, one throttle and one lock
(tests/cluster/conftest.py starts the topology of scripts/cluster)."""

import json
import os
import socket
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from scripts.topology import RESPONDENT_NODES, STAFF_NODE, WEB_NODES
from tests.cluster.conftest import database_ids, staff_cookie
from tests.factories import SLUG, SUBMIT
from tests.reliability.respondent import api_submit, request

CHANGES = f"/dashboard/{SLUG}/changes/"
DATA = f"/dashboard/{SLUG}/data/"


def changes(port: int, cookie: str) -> dict:
    reply = request(port, "GET", CHANGES, headers={"Cookie": cookie})
    assert reply.status == 200, reply.body[:300]
    return reply.json()


def test_it_shows_a_response_sent_to_node_a_on_node_b_within_3_seconds(cluster):
    node_a, node_b = cluster.ports["web-a"], cluster.ports["web-b"]
    cookie = staff_cookie(cluster, node_b)
    before = request(node_b, "GET", DATA, headers={"Cookie": cookie}).json()["n"]
    stored = api_submit(node_a, uuid.uuid4().hex)
    assert stored.status == 201
    watermark = database_ids(cluster)[stored.json()["id"]]
    seen = None
    for _poll in range(30):  # what live.js does, every 100 ms here: 3 s at most
        if changes(node_b, cookie)["ready"] >= watermark:
            seen = request(node_b, "GET", DATA, headers={"Cookie": cookie}).json()
            break
        time.sleep(0.1)
    assert seen is not None, "node B did not show the response within 3 s"
    assert seen["n"] == before + 1
    assert seen["watermark"] >= watermark


def test_it_computes_one_analysis_per_watermark_for_both_nodes(cluster):
    node_a, node_b = cluster.ports["web-a"], cluster.ports["web-b"]
    cookies = {node_a: staff_cookie(cluster, node_a), node_b: staff_cookie(cluster, node_b)}
    tokens = [api_submit(node_a, uuid.uuid4().hex).json()["id"] for _ in range(3)]
    stored = database_ids(cluster)
    newest = max(stored[token] for token in tokens)
    ready: dict[int, dict] = {}
    for _poll in range(50):
        ready = {port: changes(port, cookie) for port, cookie in cookies.items()}
        if all(answer["ready"] >= newest for answer in ready.values()):
            break
        time.sleep(0.1)
    answers = list(ready.values())
    assert answers[0]["ready"] == answers[1]["ready"] >= newest
    # The same computation (its end time to the microsecond), not one per node.
    assert answers[0]["finished_at"] == answers[1]["finished_at"]


def requests_served(
    cluster, since: dict[str, int], asked: set[str], count: int
) -> dict[str, list[str]]:
    """Which of the ``asked`` requests ("METHOD /path") each web node answered after byte
    ``since[node]`` of its log (gunicorn's access log, config/gunicorn.py), once ``count``
    of them are there: a line is written after its response is sent, 2 s at most."""
    served: dict[str, list[str]] = {}
    for _poll in range(20):
        served = {}
        for node, start in since.items():
            text = (cluster.run / f"{node}.log").read_bytes()[start:].decode()
            lines = (line.split('"')[1] for line in text.splitlines() if line.count('"') >= 2)
            served[node] = [line for line in lines if line in asked]
        if sum(map(len, served.values())) >= count:
            break
        time.sleep(0.1)
    return served


def test_it_serves_the_staff_pages_on_the_staff_node_and_the_respondents_on_the_others(cluster):
    nginx = cluster.ports["nginx"]
    cookie = staff_cookie(cluster, nginx)
    since = {node: (cluster.run / f"{node}.log").stat().st_size for node in WEB_NODES}
    for _round in range(3):
        page = request(nginx, "GET", f"/dashboard/{SLUG}/", headers={"Cookie": cookie})
        assert page.status == 200
        assert api_submit(nginx, uuid.uuid4().hex).status == 201
    dashboard, submission = f"GET /dashboard/{SLUG}/", f"POST {SUBMIT}"
    served = requests_served(cluster, since, {dashboard, submission}, count=6)
    assert served[STAFF_NODE] == [dashboard] * 3
    assert served["web-a"] + served["web-b"] == [submission] * 3
    assert served["web-a"] and served["web-b"]  # the respondent nodes take turns


def connected_ports(pid: int) -> set[int]:
    """The remote ports of the TCP connections held by a process and its children."""
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    sockets = set()
    for each in pids:
        for descriptor in Path(f"/proc/{each}/fd").iterdir():
            target = os.readlink(descriptor)
            if target.startswith("socket:["):
                sockets.add(target[len("socket:[") : -1])
    ports = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[9] in sockets:
            ports.add(int(fields[2].rsplit(":", 1)[1], 16))
    return ports


def test_it_connects_the_staff_node_to_postgresql_and_the_others_through_pgbouncer(cluster):
    nginx = cluster.ports["nginx"]
    cookie = staff_cookie(cluster, nginx)
    assert request(nginx, "GET", f"/dashboard/{SLUG}/", headers={"Cookie": cookie}).status == 200
    for _round in range(4):
        assert api_submit(nginx, uuid.uuid4().hex).status == 201
    postgresql = urlsplit(cluster.database_url).port or 5432
    pgbouncer = cluster.ports["pgbouncer"]
    staff = connected_ports(cluster.pids[STAFF_NODE])
    assert postgresql in staff and pgbouncer not in staff
    for node in RESPONDENT_NODES:
        respondents = connected_ports(cluster.pids[node])
        assert pgbouncer in respondents and postgresql not in respondents


def nice(pid: int) -> int:
    """A process's nice value (/proc/<pid>/stat, field 19; the command name, field 2, is in
    parentheses and may hold spaces)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])


def test_it_runs_the_respondent_nodes_below_the_staff_nodes_cpu_priority(cluster):
    staff = nice(cluster.pids[STAFF_NODE])
    respondents = [nice(cluster.pids[node]) for node in RESPONDENT_NODES]
    assert all(staff < theirs < nice(cluster.pids["worker"]) for theirs in respondents)
    if os.geteuid() == 0:  # only root may raise a priority: the staff node above the rest
        assert staff < min(nice(cluster.pids[name]) for name in ("nginx", "pgbouncer", "redis"))


def test_it_makes_a_report_on_the_worker_and_serves_it_from_either_node(cluster):
    node_a, node_b = cluster.ports["web-a"], cluster.ports["web-b"]
    cookies = {node_a: staff_cookie(cluster, node_a), node_b: staff_cookie(cluster, node_b)}
    asked = request(
        node_a, "GET", f"/api/v1/surveys/{SLUG}/report.docx?lang=en",
        headers={"Cookie": cookies[node_a]}, timeout=30,
    )  # fmt: skip
    assert asked.status == 202, asked.body[:300]
    status = urlsplit(asked.headers["Location"]).path
    job = asked.json()
    for _poll in range(300):  # the worker renders it: 30 s at most
        job = request(node_b, "GET", status, headers={"Cookie": cookies[node_b]}).json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    file = request(node_b, "GET", f"{status}file", headers={"Cookie": cookies[node_b]})
    assert file.status == 200
    assert file.body.startswith(b"PK")  # a .docx is a ZIP
    assert "beat: Starting" in (cluster.run / "beat.log").read_text()


def test_it_limits_clients_over_two_nodes_as_one(cluster):
    cluster.settings["API_SUBMISSION_RATE"] = "10/day"
    try:
        cluster.restart("web-a")
        cluster.restart("web-b")
        nodes = [cluster.ports["web-a"], cluster.ports["web-b"]]
        body = json.dumps({"language": "en", "answers": {}}).encode()
        # One client (its address as nginx would forward it) alternating between the nodes.
        headers = {"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.9"}
        statuses = [
            request(nodes[k % 2], "POST", f"/api/v1/surveys/{SLUG}/responses/", body=body,
                    headers={**headers, "Idempotency-Key": uuid.uuid4().hex}).status
            for k in range(24)
        ]  # fmt: skip
    finally:
        cluster.settings["API_SUBMISSION_RATE"] = "1000000/min"
        cluster.restart("web-a")
        cluster.restart("web-b")
    assert statuses.count(429) == 14
    assert set(statuses[:10]) == {400}  # let through (then refused for the empty answers)


def _slow_body(port: int, stop: threading.Event, started: threading.Barrier) -> bool:
    """POST a body one byte at a time; True if nginx still had the connection open when
    told to stop."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        head = (
            f"POST /api/v1/surveys/{SLUG}/responses/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        )
        connection.sendall(head.encode())
        started.wait()
        try:
            while not stop.wait(0.5):
                connection.sendall(b" ")
        except OSError:
            return False
        return True


def test_it_answers_a_normal_request_while_slow_clients_trickle_their_bodies(cluster):
    """More slow clients than the web nodes have threads together: a normal request is still
    answered while every one of them is stuck in the middle of its body."""
    slow = len(WEB_NODES) * cluster.workers * cluster.threads + 8
    stop, started = threading.Event(), threading.Barrier(slow + 1)
    held: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: held.append(_slow_body(cluster.ports["nginx"], stop, started))
        )
        for _ in range(slow)
    ]
    for thread in threads:
        thread.start()
    started.wait()
    time.sleep(1)  # every slow client is now inside its body
    normal = request(cluster.ports["nginx"], "GET", "/healthz/", timeout=1)
    stop.set()
    for thread in threads:
        thread.join()
    assert normal.status == 200
    assert held == [True] * slow
