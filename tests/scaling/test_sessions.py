"""Staff sessions with Redis (core.sessions): read from Redis, kept in the database, and the
copy in Redis kept a minute at most, so that a sign-out Redis missed does not last."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from core import sessions
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db

PAGE = "password_change"  # a page for signed-in users only, cheap to draw


@pytest.fixture
def redis_sessions(node, settings):
    settings.SESSION_ENGINE = "core.sessions"
    return node


def test_it_keeps_the_sessions_copy_in_redis_a_minute_at_most(redis_sessions, client):
    client.force_login(user_in_role("staff"))
    assert client.get(reverse(PAGE)).status_code == 200
    (key,) = redis_sessions.keys("*sessions.cached_db*")
    assert 0 < redis_sessions.ttl(key) <= sessions.CACHED_SECONDS
    assert Session.objects.get().get_decoded()  # and in the database, for its whole life


def test_it_reads_a_session_redis_lost_from_the_database(redis_sessions, client):
    client.force_login(user_in_role("staff"))
    redis_sessions.flushdb()
    assert client.get(reverse(PAGE)).status_code == 200
    assert redis_sessions.keys("*sessions.cached_db*")  # and keeps it in Redis again


def test_it_ends_a_sign_out_that_redis_missed_once_the_copy_expires(
    redis_sessions, client, monkeypatch
):
    """A sign-out while Redis is away deletes the session from the database only. The copy
    in Redis signs the cookie in until it expires: CACHED_SECONDS, not the session's day."""
    monkeypatch.setattr(sessions, "CACHED_SECONDS", 2)
    client.force_login(user_in_role("staff"))
    Session.objects.all().delete()  # signed out; Redis did not hear of it
    assert client.get(reverse(PAGE)).status_code == 200  # the copy, for now
    time.sleep(2.2)
    signed_out = client.get(reverse(PAGE))
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("login"))


def test_it_signs_out_of_redis_and_the_database(redis_sessions, client):
    client.force_login(user_in_role("staff"))
    assert client.get(reverse(PAGE)).status_code == 200
    client.post(reverse("logout"))
    assert not redis_sessions.keys("*sessions.cached_db*")
    assert not Session.objects.exists()
    assert client.get(reverse(PAGE)).status_code == 302
