"""A clean throttle cache and language per test, and the records of the "security" logger."""

import logging

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
