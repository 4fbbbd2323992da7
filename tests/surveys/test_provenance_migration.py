"""Migration 0009 keeps the demo responses of before as demo data (is_demo → provenance)."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("surveys", "0008_survey_teams")]
AFTER = [("surveys", "0009_provenance_schedule")]


@pytest.mark.slow
def test_it_maps_demo_rows_to_the_demo_provenance(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    survey = old.get_model("surveys", "Survey").objects.create(
        slug="old", title={"en": "Old"}, languages=["en"], default_language="en"
    )
    Response = old.get_model("surveys", "Response")
    for is_demo in (True, True, False):
        Response.objects.create(
            survey=survey,
            answers={},
            language="en",
            submitted_at=timezone.now(),
            client_token=uuid.uuid4(),
            is_demo=is_demo,
        )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("surveys", "Response")
    assert sorted(new.objects.values_list("provenance", flat=True)) == ["demo", "demo", "real"]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
