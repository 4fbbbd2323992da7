"""Who may open what: every address of the site, as each role, in one table.

The table must name every URL pattern of the project (outside the Django admin, where a
selection of pages stands for the rest): a new address without a row fails the test.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import response_add, user_in_role

ROLES = ("anonymous", "viewer", "analyst", "owner", "outsider", "staff", "admin", "superuser")
SLUG = {"slug": "us-russia-kz"}
PAIR = {**SLUG, "a": "q01", "b": "q04"}
NO_JOB = {"job_id": "00000000-0000-4000-8000-000000000000"}  # nobody's export job

# (URL name, its arguments, method, expected status as each of ROLES), every address on the
# survey us-russia-kz. Roles: "viewer", "analyst" and "owner" are its team (surveys/teams.py)
# with staff status and no group; "outsider" owns another survey only; "staff" and "admins"
# are the site-wide groups (every survey, through "Can reach every survey"); "staff" has no
# staff status. Respondents need no account. Dashboards: anonymous → sign-in page (302), the
# API answers 401 instead; outside the team 403. Exports and responses need analyst or
# owner. The Django admin needs is_staff (else its own sign-in page, 302); lists there show
# only the surveys reached (the outsider's are empty: test_it_shows_an_outsider_nothing_...),
# and a survey's object pages outside one's reach answer as if it did not exist (302 to the
# index). "admins" manage users and their own API tokens there, but never superusers, groups
# or permissions (tests/security/test_admin_escalation.py).
EVERYONE = (200,) * 8
SIGNED_IN = (302,) + (200,) * 7
DASHBOARD = (302, 200, 200, 200, 403, 200, 200, 200)
ANALYSIS_API = (401, 200, 200, 200, 403, 200, 200, 200)
EXPORT_API = (401, 403, 200, 200, 403, 403, 200, 200)
PUBLICATION_API = (401, 403, 202, 202, 403, 403, 202, 202)  # always a background job
RESPONSES = (302, 403, 200, 200, 403, 403, 200, 200)
ADMIN_LIST = (302, 403, 200, 200, 200, 302, 200, 200)
ADMIN_OBJECT = (302, 403, 200, 200, 302, 302, 200, 200)
ADMIN_EXPORT = (302, 403, 200, 200, 403, 302, 200, 200)
SITE_ADMIN = (302, 403, 403, 403, 403, 302, 200, 200)
# The questionnaire editor: the survey's owners and those who manage every survey.
EDITOR = (302, 403, 403, 200, 403, 403, 200, 200)
QUESTION = {**SLUG, "code": "q01"}
TABLE = [
    ("survey_list", {}, "get", *(302,) * 8),
    ("health", {}, "get", *EVERYONE),
    ("survey", SLUG, "get", *EVERYONE),
    ("survey", SLUG, "post", *EVERYONE),  # no language chosen yet: the choice
    ("survey_thanks", SLUG, "get", *EVERYONE),
    ("login", {}, "get", *EVERYONE),
    ("logout", {}, "get", *(405,) * 8),
    ("logout", {}, "post", *(302,) * 8),  # to the sign-in page
    ("password_change", {}, "get", *SIGNED_IN),
    ("password_change_done", {}, "get", *SIGNED_IN),
    ("dashboard_overview", SLUG, "get", *DASHBOARD),
    ("dashboard_overview_data", SLUG, "get", *DASHBOARD),
    ("dashboard_matrix", SLUG, "get", *DASHBOARD),
    ("dashboard_matrix_data", SLUG, "get", *DASHBOARD),
    ("dashboard_pair", PAIR, "get", *DASHBOARD),
    ("dashboard_pair_data", PAIR, "get", *DASHBOARD),
    ("dashboard_findings", SLUG, "get", *DASHBOARD),
    ("dashboard_findings_data", SLUG, "get", *DASHBOARD),
    ("dashboard_changes", SLUG, "get", *DASHBOARD),
    ("dashboard_switch", {}, "get", 302, *(404,) * 7),  # no ?survey=
    # Individual answers: analysts and owners, as for exports (viewers see dashboards only).
    ("dashboard_responses", SLUG, "get", *RESPONSES),
    ("dashboard_response", {**SLUG, "pk": "{response}"}, "get", *RESPONSES),
    ("dashboard_other", SLUG, "get", *RESPONSES),
    ("dashboard_texts", SLUG, "get", *RESPONSES),
    ("dashboard_responses_delete", SLUG, "get", 302, 405, 405, 405, 403, 405, 405, 405),
    # Deleting test or demo data and setting the schedule: the survey's owners ("manage").
    ("dashboard_responses_delete", SLUG, "post", 302, 403, 403, 302, 403, 403, 302, 302),
    ("dashboard_share", SLUG, "get", *DASHBOARD),
    ("dashboard_share", SLUG, "post", 302, 403, 403, 200, 403, 403, 200, 200),
    ("dashboard_share_qr", {**SLUG, "language": "kk", "format": "png"}, "get", *DASHBOARD),
    ("set_language", {}, "post", *(302,) * 8),
    # The editor's list: whoever edits a survey (the outsider their own) or may make one.
    ("editor:survey_list", {}, "get", 302, 403, 403, 200, 200, 403, 200, 200),
    ("editor:survey_list", {}, "post", 302, 403, 403, 403, 403, 403, 400, 400),  # empty form
    ("editor:survey", SLUG, "get", *EDITOR),
    ("editor:survey_settings", SLUG, "post", 302, 403, 403, 400, 403, 403, 400, 400),
    ("editor:survey_state", SLUG, "post", 302, 403, 403, 302, 403, 403, 302, 302),
    ("editor:survey_copy", SLUG, "post", 302, 403, 403, 400, 403, 403, 400, 400),
    ("editor:question_new", SLUG, "get", *EDITOR),
    ("editor:question", QUESTION, "get", *EDITOR),
    ("editor:question_action", QUESTION, "post", 302, 403, 403, 404, 403, 403, 404, 404),
    ("editor:preview", SLUG, "get", *EDITOR),
    ("editor:preview_done", SLUG, "get", *EDITOR),
    ("api_surveys", {}, "get", *EVERYONE),
    ("api_survey", SLUG, "get", *EVERYONE),
    ("api_responses", SLUG, "get", *(405,) * 8),
    ("api_responses", SLUG, "post", *(415,) * 8),  # a form body, not JSON
    ("api_frequencies", SLUG, "get", *ANALYSIS_API),
    ("api_matrix", SLUG, "get", *ANALYSIS_API),
    ("api_pair", PAIR, "get", *ANALYSIS_API),
    ("api_export_csv", SLUG, "get", *EXPORT_API),
    ("api_export_xlsx", SLUG, "get", *EXPORT_API),
    ("api_export_sav", SLUG, "get", *EXPORT_API),
    ("api_codebook_csv", SLUG, "get", *EXPORT_API),
    ("api_codebook_json", SLUG, "get", *EXPORT_API),
    ("api_matrix_csv", SLUG, "get", *EXPORT_API),
    ("api_crosstab_csv", PAIR, "get", *EXPORT_API),
    ("api_report_docx", SLUG, "get", *PUBLICATION_API),
    ("api_report_html", SLUG, "get", *PUBLICATION_API),
    ("api_bundle", SLUG, "get", *PUBLICATION_API),
    # Someone's export job is theirs alone (and only while they may still export its
    # survey): to anyone else, signed in, it does not exist.
    ("api_export_job", NO_JOB, "get", 401, *(404,) * 7),
    ("api_export_job_file", NO_JOB, "get", 401, *(404,) * 7),
    ("exports:job", NO_JOB, "get", 302, *(404,) * 7),  # a background export's page
    # The questionnaire as a file: uploading needs the permission to change surveys (the
    # "admins" group); a POST without a file shows the form again with its error. Downloading
    # is for the survey's team and the site-wide groups, as the dashboards.
    ("editor:questionnaire_upload", {}, "get", 302, 403, 403, 403, 403, 403, 200, 200),
    ("editor:questionnaire_upload", {}, "post", 302, 403, 403, 403, 403, 403, 200, 200),
    ("editor:questionnaire_download", {**SLUG, "extension": "xlsx"}, "get", *DASHBOARD),
    ("editor:questionnaire_download", {**SLUG, "extension": "json"}, "get", *DASHBOARD),
    ("api_schema", {}, "get", *EVERYONE),
    ("api_docs", {}, "get", *EVERYONE),
    ("admin:index", {}, "get", 302, 200, 200, 200, 200, 302, 200, 200),
    ("admin:surveys_survey_changelist", {}, "get", *ADMIN_LIST),
    ("admin:surveys_survey_change", {"object_id": "{survey}"}, "get", *ADMIN_OBJECT),
    ("admin:surveys_survey_export", {"survey_id": "{survey}"}, "get", *ADMIN_EXPORT),
    ("admin:surveys_question_changelist", {}, "get", *ADMIN_LIST),
    ("admin:surveys_question_change", {"object_id": "{question}"}, "get", *ADMIN_OBJECT),
    ("admin:surveys_response_changelist", {}, "get", *ADMIN_LIST),
    ("admin:surveys_response_change", {"object_id": "{response}"}, "get", *ADMIN_OBJECT),
    ("admin:surveys_exportrecord_changelist", {}, "get", *ADMIN_LIST),
    ("admin:analytics_weightingscheme_changelist", {}, "get", *ADMIN_LIST),
    ("admin:axes_accessattempt_changelist", {}, "get", 302, 403, 403, 403, 403, 302, 403, 200),
    ("admin:auth_user_changelist", {}, "get", *SITE_ADMIN),
    ("admin:core_apitoken_changelist", {}, "get", *SITE_ADMIN),
    # Addresses without a name are given as paths: unknown API addresses answer a JSON 404.
    ("/api/v1/no-such-thing/", {}, "get", *(404,) * 8),
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


def statuses(method: str, address: str, survey) -> tuple[int, ...]:
    seen = []
    for role in ROLES:
        client = Client()
        user = user_in_role(role, survey)
        if user is not None:
            client.force_login(user)
        seen.append(getattr(client, method)(address).status_code)
        if user is not None:
            user.delete()
    return tuple(seen)


@pytest.fixture
def ids(survey, answers) -> dict:
    stored = response_add(survey, answers, language="ru")
    question = survey.questions.get(code="q01")
    return {"survey": survey.pk, "response": stored.response.pk, "question": question.pk}


@pytest.mark.matrix
@pytest.mark.parametrize(
    ("name", "arguments", "method", "expected"),
    [(row[0], row[1], row[2], row[3:]) for row in TABLE],
    ids=[f"{row[2]} {row[0]}" for row in TABLE],
)
def test_it_answers_each_role_as_the_table_says(survey, ids, name, arguments, method, expected):
    kwargs = {key: str(value).format(**ids) for key, value in arguments.items()}
    address = name if name.startswith("/") else reverse(name, kwargs=kwargs)
    assert statuses(method, address, survey) == expected
