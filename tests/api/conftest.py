"""A staff user and their token, a closed survey, and a clean throttle cache per test."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from surveys.models import Survey
from tests.factories import api_token, user_in_group


@pytest.fixture(autouse=True)
def throttle_history_cleared():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db) -> User:
    return user_in_group("staff", username="staff")


@pytest.fixture
def staff_token(staff) -> str:
    return api_token(staff)


@pytest.fixture
def closed_survey(survey) -> Survey:
    survey.is_open = False
    survey.save()
    return survey
