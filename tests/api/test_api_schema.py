"""The OpenAPI schema is valid and served with its docs page; the API token admin works.

test_api_schemathesis.py checks the API against this schema."""

from django.core.management import call_command


def test_it_generates_a_valid_schema_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")


def test_it_serves_the_schema_and_the_docs_page(client, db):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_it_lets_admins_manage_tokens(admin_client, staff_token):
    response = admin_client.get("/admin/core/apitoken/")
    assert response.status_code == 200
    assert b"staff" in response.content
