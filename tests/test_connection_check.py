"""A reused PostgreSQL connection is checked without a round trip (core/postgresql/base.py)."""

import time

import pytest
from django.db import connection

from core.postgresql.base import DatabaseWrapper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def reused():
    """A second connection to the test database, as a web worker keeps one between requests."""
    wrapper = DatabaseWrapper(dict(connection.settings_dict), alias="reused")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _backend(wrapper: DatabaseWrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_it_keeps_a_healthy_connection_without_asking_the_server(reused):
    pid = _backend(reused)

    assert all(reused.is_usable() for _ in range(3))
    assert _last_statement(pid) == "SELECT pg_backend_pid()"  # Django's check sends SELECT 1
    reused.health_check_done = False
    reused.close_if_health_check_failed()
    assert _backend(reused) == pid


def test_it_replaces_a_connection_the_server_ended(reused):
    pid = _backend(reused)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while reused.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)

    assert not reused.is_usable()
    reused.health_check_done = False
    reused.close_if_health_check_failed()
    assert _backend(reused) != pid


def test_it_replaces_a_connection_it_saw_fail(reused):
    reused.connection.close()

    assert not reused.is_usable()
