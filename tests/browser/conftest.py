"""Debian's Chromium driven by Playwright (its own browser download does not work here), and
a transactional database for the live server. conftest.py marks this folder `browser`."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def committed_rows(transactional_db):
    """The live server answers from another thread, which sees only committed rows."""


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists() and os.environ.get("REQUIRE_BROWSER") != "1":
        pytest.skip(
            "Chromium is not installed at /usr/bin/chromium (set REQUIRE_BROWSER=1 to fail)"
        )
    # Playwright's sync API runs an event loop in this thread; Django must allow ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # With that loop running, Django keeps this thread's connections apart from the ones
        # pytest-django closes (asgiref's Local, per context in a thread with a running loop):
        # the test body's queries open a connection of their own, which would still hold the
        # test database when the session ends and stop pytest-django from dropping it.
        connections.close_all()
