"""Shared builders: the default questionnaire imported, and a complete set of answers."""

import uuid
from pathlib import Path

import pytest
from django.db import connection

from surveys.models import Survey
from surveys.questionnaire import questionnaire_load
from surveys.services import questionnaire_import

DEFAULT_QUESTIONNAIRE = Path(__file__).parent.parent / "surveys/questionnaires/us-russia-kz.json"


requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only (make test fell back to SQLite: see its notice)",
)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def survey(db) -> Survey:
    questionnaire_import(spec=questionnaire_load(DEFAULT_QUESTIONNAIRE))
    return Survey.objects.get(slug="us-russia-kz")


@pytest.fixture
def answers() -> dict:
    """A complete, valid answer document for the default questionnaire."""
    return {
        "q01": "teacher",
        "q02": "full",
        "q03": ["sanctions", "cyber", "other"],
        "q03_other": "Информациялық соғыс — information war",
        "q04": "yes",
        "q05": "yes",
        "q06": "keeps_multivector",
        "q07": "yes",
        "q08": "no",
        "q09": "negative",
        "q10": "medium",
    }


def form_data(answers: dict, token: uuid.UUID | None = None) -> dict:
    """POST data for the respondent form carrying these answers."""
    data: dict = {"client_token": str(token or uuid.uuid4())}
    for key, value in answers.items():
        data[key] = value
    return data
