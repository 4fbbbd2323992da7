"""Fixtures every suite shares, and the markers that sort tests into the fast and slow sets.

The builders behind the fixtures are in tests/factories.py.
"""

from pathlib import Path

import pytest
from django.core import signals
from django.core.cache import caches
from django.db import close_old_connections, connection
from django.utils import translation

from tests import factories

# Whole folders that are slow get their group's marker here; slower single modules and
# tests carry theirs (pyproject.toml registers them all).
SLOW_FOLDERS = ("browser", "reliability", "cluster")
SLOW_GROUPS = {"browser", "reliability", "cluster", "schemathesis", "fuzzing", "matrix", "startup"}
TESTS = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these markers
def pytest_collection_modifyitems(config, items) -> None:
    """Mark each test of a slow folder with the folder's name, mark `slow` every test of a
    slow group (`make test-fast` leaves those out), and skip `postgres` tests on SQLite."""
    on_sqlite = connection.vendor != "postgresql"
    for item in items:
        folder = item.path.parent
        if folder.parent == TESTS and folder.name in SLOW_FOLDERS:
            item.add_marker(folder.name)
        if SLOW_GROUPS & {mark.name for mark in item.iter_markers()}:
            item.add_marker("slow")
        if on_sqlite and item.get_closest_marker("postgres"):
            item.add_marker(
                pytest.mark.skip(
                    reason="PostgreSQL only (make test fell back to SQLite: see its notice)"
                )
            )


@pytest.fixture(autouse=True)
def language_reset():
    """A page asked for in Kazakh leaves Kazakh active in this thread (LocaleMiddleware does
    not switch back); the next test's commands and messages must start in the default."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches: a survey looked up by slug in one test must not
    be found in the next, where the same slug is another row."""
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Background exports write their files here, not under the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def wsgi_calls_keep_the_connection():
    """Like Django's test client: keep the test's transaction open across requests sent
    straight to the WSGI application (their signals would close its connection)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def survey(db):
    return factories.default_survey()


@pytest.fixture
def copy_survey(survey):
    return factories.copy_survey()


@pytest.fixture
def answers() -> dict:
    return factories.answers_complete()
