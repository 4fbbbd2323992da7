"""Shared builders: the default questionnaire imported, and a complete set of answers."""

import json
import uuid
from pathlib import Path

import pytest
from django.db import connection

from surveys.models import Survey
from surveys.questionnaire import questionnaire_load
from surveys.services import questionnaire_import
from tests.reliability.respondent import ANSWERS

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
def copy_survey(survey, tmp_path) -> Survey:
    """A second survey with the default questionnaire, for round trips."""
    document = json.loads(DEFAULT_QUESTIONNAIRE.read_text())
    document["slug"] = "copy"
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    questionnaire_import(spec=questionnaire_load(path))
    return Survey.objects.get(slug="copy")


@pytest.fixture
def answers() -> dict:
    """A complete, valid answer document for the default questionnaire."""
    return dict(ANSWERS)


def form_data(answers: dict, token: uuid.UUID | None = None) -> dict:
    """POST data for the respondent form carrying these answers."""
    data: dict = {"client_token": str(token or uuid.uuid4())}
    for key, value in answers.items():
        data[key] = value
    return data
