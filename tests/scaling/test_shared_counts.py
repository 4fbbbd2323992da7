"""The throttles' fixed-window counter (core.shared.window_count) on the real Redis: one
count for every process, windows that expire, and a request let through with Redis away."""

import pytest
from django.core.cache import cache

from core.shared import window_count

pytestmark = pytest.mark.django_db


def test_it_counts_every_event_of_a_window_in_redis(node):
    counts = [window_count("client-a", 60)[0] for _ in range(3)]
    assert counts == [1, 2, 3]
    (key,) = node.keys("*count:client-a:*")
    assert 0 < node.ttl(key) <= 61
    assert int(node.get(key)) == 3
    assert window_count("client-b", 60)[0] == 1


def test_it_says_how_long_the_window_has_left(node):
    count, left = window_count("client-a", 60)
    assert count == 1
    assert 0 < left <= 60


def test_it_shares_the_count_with_the_cache_api(node):
    """Another process counting through Django's cache API (or reading it) sees the same
    number: the key is the cache's own."""
    window_count("client-a", 3600)
    (key,) = node.keys("*count:client-a:*")
    name = key.decode().split(":", 2)[2]
    assert cache.get(name) == 1


def test_it_lets_the_event_through_with_redis_away(redis_away):
    assert window_count("client-a", 60) == (None, 0.0)
