"""This process as one node of the cluster sees it: the cache and Celery's broker on a
Redis server of the tests' own (a free port; skipped without redis-server unless
REQUIRE_CLUSTER=1), and tasks queued for a worker instead of run at once."""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from config.celery import app as celery_app
from config.env import redis_cache
from scripts.topology import BINARIES, free_port


@pytest.fixture(scope="session")
def redis_port() -> Iterator[int]:
    path, package = BINARIES["redis-server"]
    server = shutil.which("redis-server") or (path if os.access(path, os.X_OK) else None)
    if server is None:
        if os.environ.get("REQUIRE_CLUSTER") == "1":
            pytest.fail(
                f"REQUIRE_CLUSTER=1 but redis-server is missing (apt-get install {package})"
            )
        pytest.skip(f"redis-server is missing (apt-get install {package})")
    port = free_port()
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _wait in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


def broker_at(url: str, *, eager: bool = False) -> None:
    """Send tasks to ``url`` from now on (or run them at once: ``eager``)."""
    celery_app.conf.update(broker_url=url, task_always_eager=eager)
    celery_app.amqp._producer_pool = None  # the next task opens a connection to ``url``


@pytest.fixture
def node(settings, redis_port) -> Iterator[redis.Redis]:
    """The shared cache and a broker with no worker: queued tasks wait in Redis (the list
    "celery"), where the tests look at them. Yields a client of that Redis."""
    url = f"redis://127.0.0.1:{redis_port}/0"
    client = redis.Redis(port=redis_port)
    client.flushdb()
    settings.CACHES = settings.CACHES | {"default": redis_cache(url)}
    broker_at(url, eager=False)
    yield client
    broker_at("memory://", eager=True)


@pytest.fixture
def redis_away(settings) -> Iterator[None]:
    """Cache and broker at an address where nothing answers."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = settings.CACHES | {"default": redis_cache(url)}
    broker_at(url, eager=False)
    yield
    broker_at("memory://", eager=True)
