"""A clean throttle cache and language per test, the records of the "security" logger, and
gunicorn started as the Docker image starts it."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def throttle_history_cleared():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def language_reset():
    """LocaleMiddleware leaves the request's language active in the test's thread; later
    tests expect the default."""
    yield
    translation.deactivate()


@pytest.fixture
def security_log(caplog):
    """The security events logged during the test, as (event, fields) pairs. The "security"
    logger does not propagate to the root, so caplog's handler is attached to it."""
    logger = logging.getLogger("security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="security")
    yield lambda: [
        (record.getMessage(), getattr(record, "fields", {}))
        for record in caplog.records
        if record.name == "security"
    ]
    logger.removeHandler(caplog.handler)


ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = "config/gunicorn.py"


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen

    def output(self) -> str:
        """Stop the server; what it printed (its access log among it)."""
        self.process.terminate()
        printed, _ = self.process.communicate(timeout=20)
        return printed.decode()


@pytest.fixture
def gunicorn():
    """gunicorn with the image's settings (config/gunicorn.py), one worker, on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "-c", GUNICORN_CONFIG,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    server = Gunicorn(f"http://127.0.0.1:{port}", process)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{server.url}/api/schema/", timeout=5)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    yield server
    if process.poll() is None:
        server.output()
