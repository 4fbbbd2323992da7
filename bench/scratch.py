"""What every benchmark needs: a scratch PostgreSQL database and Django set up on it."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2

SERVER = "postgres://postgres@127.0.0.1:5432"


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """A fresh database on the local server (its URL), dropped afterwards."""
    _server_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        _server_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup(url: str, *, debug: bool = False) -> None:
    """Django on this database; production settings unless ``debug`` (the test client's
    host and plain HTTP then need no extra settings)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1" if debug else "0")  # "0": no per-query SQL log
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    import django

    django.setup()


def _server_execute(*statements: str) -> None:
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()
