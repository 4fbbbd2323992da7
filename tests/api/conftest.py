"""Users in each role, clients signed in as them, and a clean throttle cache per test."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from surveys.models import Survey

SURVEYS = "/api/v1/surveys/"
SUBMIT = "/api/v1/surveys/us-russia-kz/responses/"


@pytest.fixture(autouse=True)
def throttle_history_cleared():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create_user("staff", password="pw")
    user.groups.add(Group.objects.get(name="staff"))
    return user


@pytest.fixture
def staff_token(staff) -> str:
    return Token.objects.create(user=staff).key


def signed_in(user: User, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def submit(client: Client, body, key: str | None = None, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(SUBMIT, body, content_type="application/json", headers=headers)


@pytest.fixture
def closed_survey(survey) -> Survey:
    survey.is_open = False
    survey.save()
    return survey
