"""Finding 4: API tokens are stored hashed, named, and expire; the tokens of the first
version (plain text) became hashed ones that still work, and their plain keys are gone."""

import importlib
from datetime import timedelta

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import ApiToken
from tests.factories import api_token, user_in_group

FREQUENCIES = "/api/v1/surveys/us-russia-kz/analytics/frequencies/"


def with_token(key: str) -> Client:
    return Client(headers={"Authorization": f"Token {key}"})


def every_stored_text() -> str:
    return "\n".join(str(value) for row in ApiToken.objects.values_list() for value in row)


def test_it_stores_no_key_only_its_digest(survey):
    key = api_token(user_in_group("staff"))
    assert with_token(key).get(FREQUENCIES).status_code == 200
    assert key not in every_stored_text()
    assert key[8:] not in every_stored_text()


def test_it_refuses_an_expired_token_with_401(survey):
    key = api_token(user_in_group("staff"), expiry=timedelta(seconds=-1))
    answer = with_token(key).get(FREQUENCIES)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"


def test_it_gives_a_new_token_the_configured_lifetime(db):
    api_token(user_in_group("staff"))
    lifetime = ApiToken.objects.get().expiry - timezone.now()
    assert timedelta(days=89) < lifetime <= timedelta(days=90)


def test_it_turns_a_plain_first_version_token_into_a_hashed_one_that_still_works(survey):
    user = user_in_group("staff")
    old = Token.objects.create(user=user)
    migration = importlib.import_module("core.migrations.0002_api_token_hashed")
    state = MigrationLoader(connection).project_state(("core", "0002_api_token_hashed"))
    migration.tokens_hashed(state.apps, None)
    assert not Token.objects.exists()
    token = ApiToken.objects.get(user=user)
    assert token.name == migration.MIGRATED_NAME
    assert token.expiry > timezone.now() + timedelta(days=89)
    assert old.key not in every_stored_text()
    assert with_token(old.key).get(FREQUENCIES).status_code == 200
