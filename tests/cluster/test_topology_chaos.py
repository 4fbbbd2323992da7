"""kill -9 a respondent node, the staff node, the Celery worker and Redis, one after the
other, while submissions arrive through nginx and a dashboard is watched: no acknowledged
response is lost, nobody gets a 500, and the dashboard keeps answering with the analysis it
has and its age, to a staff member who stays signed in."""

import http.client
import threading
import time
import uuid
from collections import Counter

from tests.cluster.conftest import database_ids, staff_cookie
from tests.factories import SLUG
from tests.reliability.respondent import Reply, api_submit, request

OVERVIEW = f"/dashboard/{SLUG}/"
CRASHES = ("web-a", "web-staff", "worker", "redis")


class Watch:
    """What the clients were told, gathered from their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.submissions: Counter = Counter()
        self.dashboard: Counter = Counter()
        self.acknowledged: list[str] = []
        self.unavailable_without_retry_after = 0
        self.pages_without_age = 0
        self.stop = threading.Event()

    def told(self, tally: Counter, reply: Reply) -> None:
        with self.lock:
            tally[reply.status] += 1
            if reply.status == 503 and "Retry-After" not in reply.headers:
                self.unavailable_without_retry_after += 1


def submitter(port: int, watch: Watch) -> None:
    """A client that retries with the same Idempotency-Key until its response is stored."""
    while not watch.stop.is_set():
        key = uuid.uuid4().hex
        for _attempt in range(50):
            try:
                reply = api_submit(port, key, timeout=15)
            except (OSError, http.client.HTTPException):  # cut off by a dying node: retry
                time.sleep(0.2)
                continue
            watch.told(watch.submissions, reply)
            if reply.status in (200, 201):
                with watch.lock:
                    watch.acknowledged.append(reply.json()["id"])
                break
            time.sleep(0.2)


def watcher(port: int, cookie: str, watch: Watch) -> None:
    while not watch.stop.is_set():
        try:
            reply = request(port, "GET", OVERVIEW, headers={"Cookie": cookie}, timeout=15)
        except (OSError, http.client.HTTPException):
            continue
        watch.told(watch.dashboard, reply)
        if reply.status == 200 and 'id="updated-at"' not in reply.body.decode():
            watch.pages_without_age += 1
        time.sleep(0.3)


def test_it_loses_nothing_acknowledged_and_answers_no_500_while_services_crash(cluster):
    port = cluster.ports["nginx"]
    watch = Watch()
    cookie = staff_cookie(cluster, port)
    clients = [threading.Thread(target=submitter, args=(port, watch)) for _ in range(3)]
    clients.append(threading.Thread(target=watcher, args=(port, cookie, watch)))
    for client in clients:
        client.start()
    try:
        time.sleep(2)
        for name in CRASHES:
            cluster.kill(name)
            time.sleep(2)
            cluster.start_service(name)
            time.sleep(2)
    finally:
        watch.stop.set()
        for client in clients:
            client.join()
    told = watch.submissions + watch.dashboard
    assert [status for status in told if status >= 500 and status != 503] == []
    assert watch.unavailable_without_retry_after == 0
    assert set(watch.acknowledged) <= database_ids(cluster).keys()
    assert len(set(watch.acknowledged)) == len(watch.acknowledged) > 0
    assert watch.dashboard[200] > 0
    assert watch.dashboard[302] == 0  # nobody was signed out: sessions are in PostgreSQL too
    assert watch.pages_without_age == 0
