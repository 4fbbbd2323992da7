"""Who may open what: every address of the site, as each role, in one table.

The table must name every URL pattern of the project (outside the Django admin, where a
selection of pages stands for the rest): a new address without a row fails the test.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import response_add, user_in_role

ROLES = ("anonymous", "staff", "admin", "superuser")
SLUG = {"slug": "us-russia-kz"}
PAIR = {**SLUG, "a": "q01", "b": "q04"}
NO_JOB = {"job_id": "00000000-0000-4000-8000-000000000000"}  # nobody's export job

# (URL name, its arguments, method, expected status as anonymous, staff, admin, superuser).
# Respondents need no account. Dashboards: anonymous → sign-in page (302); the API answers
# 401 instead. Exports need the export permission ("admins", superusers): other staff 403.
# The Django admin needs is_staff (else its own sign-in page, 302); the "admins" group
# manages questionnaires, responses (read-only), users and their own API tokens there, but
# never superusers, groups or permissions (tests/security/test_admin_escalation.py).
TABLE = [
    ("survey_list", {}, "get", 302, 302, 302, 302),
    ("health", {}, "get", 200, 200, 200, 200),
    ("survey", SLUG, "get", 200, 200, 200, 200),
    ("survey", SLUG, "post", 200, 200, 200, 200),  # no language chosen yet: the choice
    ("survey_thanks", SLUG, "get", 200, 200, 200, 200),
    ("login", {}, "get", 200, 200, 200, 200),
    ("logout", {}, "get", 405, 405, 405, 405),
    ("logout", {}, "post", 200, 200, 200, 200),
    ("password_change", {}, "get", 302, 200, 200, 200),
    ("password_change_done", {}, "get", 302, 200, 200, 200),
    ("dashboard_overview", SLUG, "get", 302, 200, 200, 200),
    ("dashboard_overview_data", SLUG, "get", 302, 200, 200, 200),
    ("dashboard_matrix", SLUG, "get", 302, 200, 200, 200),
    ("dashboard_matrix_data", SLUG, "get", 302, 200, 200, 200),
    ("dashboard_pair", PAIR, "get", 302, 200, 200, 200),
    ("dashboard_pair_data", PAIR, "get", 302, 200, 200, 200),
    ("dashboard_findings", SLUG, "get", 302, 200, 200, 200),
    ("dashboard_findings_data", SLUG, "get", 302, 200, 200, 200),
    ("dashboard_changes", SLUG, "get", 302, 200, 200, 200),
    ("api_surveys", {}, "get", 200, 200, 200, 200),
    ("api_survey", SLUG, "get", 200, 200, 200, 200),
    ("api_responses", SLUG, "get", 405, 405, 405, 405),
    ("api_responses", SLUG, "post", 415, 415, 415, 415),  # a form body, not JSON
    ("api_frequencies", SLUG, "get", 401, 200, 200, 200),
    ("api_matrix", SLUG, "get", 401, 200, 200, 200),
    ("api_pair", PAIR, "get", 401, 200, 200, 200),
    ("api_export_csv", SLUG, "get", 401, 403, 200, 200),
    ("api_export_xlsx", SLUG, "get", 401, 403, 200, 200),
    ("api_export_sav", SLUG, "get", 401, 403, 200, 200),
    ("api_codebook_csv", SLUG, "get", 401, 403, 200, 200),
    ("api_codebook_json", SLUG, "get", 401, 403, 200, 200),
    ("api_report_docx", SLUG, "get", 401, 403, 200, 200),
    ("api_report_html", SLUG, "get", 401, 403, 200, 200),
    ("api_bundle", SLUG, "get", 401, 403, 200, 200),
    ("api_matrix_csv", SLUG, "get", 401, 403, 200, 200),
    ("api_crosstab_csv", PAIR, "get", 401, 403, 200, 200),
    ("api_export_job", NO_JOB, "get", 401, 403, 404, 404),
    ("api_export_job_file", NO_JOB, "get", 401, 403, 404, 404),
    ("api_schema", {}, "get", 200, 200, 200, 200),
    ("api_docs", {}, "get", 200, 200, 200, 200),
    ("admin:index", {}, "get", 302, 302, 200, 200),
    ("admin:surveys_survey_changelist", {}, "get", 302, 302, 200, 200),
    ("admin:surveys_survey_change", {"object_id": "{survey}"}, "get", 302, 302, 200, 200),
    ("admin:surveys_survey_export", {"survey_id": "{survey}"}, "get", 302, 302, 200, 200),
    ("admin:surveys_response_changelist", {}, "get", 302, 302, 200, 200),
    ("admin:surveys_response_change", {"object_id": "{response}"}, "get", 302, 302, 200, 200),
    ("admin:surveys_exportrecord_changelist", {}, "get", 302, 302, 200, 200),
    ("admin:axes_accessattempt_changelist", {}, "get", 302, 302, 403, 200),
    ("admin:auth_user_changelist", {}, "get", 302, 302, 200, 200),
    ("admin:core_apitoken_changelist", {}, "get", 302, 302, 200, 200),
    # Addresses without a name are given as paths: unknown API addresses answer a JSON 404.
    ("/api/v1/no-such-thing/", {}, "get", 404, 404, 404, 404),
]


def url_names() -> set[str]:
    """Every named URL pattern outside the admin, as reverse() takes it."""

    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace != "admin":
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, None))


def test_it_has_a_row_for_every_named_address():
    assert url_names() - {row[0] for row in TABLE} == set()


def statuses(method: str, address: str) -> tuple[int, ...]:
    seen = []
    for role in ROLES:
        client = Client()
        user = user_in_role(role)
        if user is not None:
            client.force_login(user)
        seen.append(getattr(client, method)(address).status_code)
        if user is not None:
            user.delete()
    return tuple(seen)


@pytest.fixture
def ids(survey, answers) -> dict:
    stored = response_add(survey, answers, language="ru")
    return {"survey": survey.pk, "response": stored.response.pk}


@pytest.mark.matrix
@pytest.mark.parametrize(
    ("name", "arguments", "method", "expected"),
    [(row[0], row[1], row[2], row[3:]) for row in TABLE],
    ids=[f"{row[2]} {row[0]}" for row in TABLE],
)
def test_it_answers_each_role_as_the_table_says(ids, name, arguments, method, expected):
    kwargs = {key: str(value).format(**ids) for key, value in arguments.items()}
    address = name if name.startswith("/") else reverse(name, kwargs=kwargs)
    assert statuses(method, address) == expected
