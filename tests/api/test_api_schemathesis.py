"""The API keeps every promise its OpenAPI schema makes: schemathesis generates requests for
every operation, sent as an admin, and checks each answer against the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from config.wsgi import application
from surveys.models import Response
from surveys.services import demo_responses_create
from tests.factories import api_token, user_in_group

pytestmark = pytest.mark.schemathesis

# Loaded once at collection: generating the schema reads no data.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def admin_token(db) -> str:
    """An admin may call every operation, exports included, so every 200 is checked."""
    return api_token(user_in_group("admins"))


@pytest.fixture
def generous_throttle(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"submissions": "100000/min", "signed_in": "100000/min"},
    }


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_answers_every_generated_request_as_the_schema_says(
    case, survey, admin_token, generous_throttle, wsgi_calls_keep_the_connection
):
    if not Response.objects.exists():
        demo_responses_create(survey=survey, n=50, seed=1)
    if "slug" in case.path_parameters:
        case.path_parameters["slug"] = survey.slug
    stored = Response.objects.count()
    response = case.call_and_validate(
        headers={"Authorization": f"Token {admin_token}"},
        # A schema cannot say that a choice code must exist in this survey or that since
        # comes before until: such requests fit the schema and rightly get 400.
        excluded_checks=[positive_data_acceptance],
    )
    if response.status_code >= 400:
        assert Response.objects.count() == stored
