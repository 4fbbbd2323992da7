"""Settings come from the environment; a malformed value stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ImproperEnvironment, envbool, envdatabase, envtimezone

ROOT = Path(__file__).parent.parent


def manage_check(**environment) -> subprocess.CompletedProcess:
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.startup
@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://nobody@localhost/x"),
        ("DATABASE_URL", "not a url"),
        ("TIME_ZONE", "Mars/Olympus"),
        ("LANGUAGE_CODE", "de"),
    ],
)
def test_it_stops_start_up_naming_the_malformed_variable(variable, value):
    result = manage_check(**{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.startup
def test_it_requires_a_secret_key_when_debug_is_off():
    result = manage_check(DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


@pytest.mark.startup
def test_it_starts_with_debug_off_and_a_secret_key():
    result = manage_check(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("0", False), ("off", False)]
)
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert envbool("SOME_FLAG", not expected) is expected


def test_it_defaults_to_sqlite_under_var():
    config = envdatabase("UNSET_DATABASE_URL_FOR_TEST", "sqlite:////tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_it_accepts_postgres_urls(monkeypatch):
    monkeypatch.setenv("SOME_DATABASE_URL", "postgres://u:p@db:5432/survey")
    config = envdatabase("SOME_DATABASE_URL", "sqlite:///x")
    assert (config["ENGINE"], config["HOST"], config["NAME"]) == (
        "core.postgresql",
        "db",
        "survey",
    )


def test_it_refuses_an_unknown_time_zone(monkeypatch):
    monkeypatch.setenv("SOME_TZ", "Nowhere/City")
    with pytest.raises(ImproperEnvironment, match="SOME_TZ"):
        envtimezone("SOME_TZ", "Asia/Almaty")


@pytest.mark.startup
def test_it_opens_the_default_sqlite_database_in_wal_mode(tmp_path):
    code = "from django.db import connection; c = connection.cursor(); "
    code += "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def session_engine(**environment) -> str:
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.startup
def test_it_reads_sessions_from_redis_when_there_is_one():
    assert session_engine(REDIS_URL="redis://127.0.0.1:6379/0") == "core.sessions"
    assert session_engine(REDIS_URL="") == "django.contrib.sessions.backends.db"
