"""Exports through the API: who may download, the dashboard filters, the files, the log."""

import csv
import io
import json

import openpyxl
import pyreadstat
import pytest
from django.contrib.auth.models import User
from django.http import QueryDict, StreamingHttpResponse
from django.test import Client

from analytics.forms import filter_parse
from analytics.selectors import survey_analysis
from surveys.models import ExportRecord
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create
from tests.factories import api_token, signed_in, user_in_group, user_in_role

BASE = "/api/v1/surveys/us-russia-kz"
ENDPOINTS = {
    "csv": f"{BASE}/export.csv",
    "xlsx": f"{BASE}/export.xlsx",
    "sav": f"{BASE}/export.sav",
    "codebook-csv": f"{BASE}/codebook.csv",
    "codebook-json": f"{BASE}/codebook.json",
    "matrix-csv": f"{BASE}/analysis/matrix.csv",
    "crosstab-csv": f"{BASE}/analysis/pairs/q01/q04.csv",
}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "codebook-csv": "text/csv",
    "codebook-json": "application/json",
    "matrix-csv": "text/csv",
    "crosstab-csv": "text/csv",
}
FILTER = "q01=teacher&language=ru&language=kk&since=2020-01-01&provenance=real&provenance=demo"


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=200, seed=7)
    return survey


@pytest.fixture
def admin(db) -> User:
    return user_in_group("admins")


def _as(role: str, request) -> Client:
    if role == "anonymous":
        return Client()
    if role == "token_admin":
        token = api_token(request.getfixturevalue("admin"))
        return Client(headers={"Authorization": f"Token {token}"})
    users = {
        "staff": lambda: request.getfixturevalue("staff"),
        "admin": lambda: request.getfixturevalue("admin"),
        "superuser": lambda: user_in_role("superuser"),
    }
    return signed_in(users[role]())


def _body(response) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"), newline="")))


def _filtered_n(survey, query: str) -> int:
    spec = survey_questionnaire(survey)
    chosen = filter_parse(spec, "en", QueryDict(query), has_real=False).response_filter()
    return survey_analysis(survey, chosen).n


@pytest.mark.matrix
@pytest.mark.parametrize("format", ENDPOINTS)
@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("staff", 403), ("admin", 200), ("superuser", 200), ("token_admin", 200)],
)
def test_it_lets_only_admins_export(request, responses, format, role, status):
    response = _as(role, request).get(ENDPOINTS[format])
    assert response.status_code == status
    if status != 200:
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]
        assert not ExportRecord.objects.exists()
        return
    assert response["Content-Type"].split(";")[0] == CONTENT_TYPES[format]
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="us-russia-kz-')
    assert disposition.endswith(f'.{ENDPOINTS[format].rsplit(".", 1)[1]}"')
    record = ExportRecord.objects.get()
    assert (record.format, record.user.username) == (format, response.wsgi_request.user.username)
    assert _body(response)


def test_it_streams_csv_files(request, responses, admin):
    client = signed_in(admin)
    for format in ("csv", "codebook-csv", "matrix-csv", "crosstab-csv"):
        assert isinstance(client.get(ENDPOINTS[format]), StreamingHttpResponse)


def test_it_names_the_crosstab_after_its_pair(responses, admin):
    disposition = signed_in(admin).get(ENDPOINTS["crosstab-csv"])["Content-Disposition"]
    assert '"us-russia-kz-crosstab-q01-q04-' in disposition


def test_it_applies_the_dashboard_filters_and_logs_them(responses, admin):
    expected = _filtered_n(responses, FILTER)
    assert 0 < expected < 200
    response = signed_in(admin).get(f"{ENDPOINTS['csv']}?{FILTER}")
    rows = _csv_rows(response)
    assert len(rows) - 1 == expected
    header = rows[0]
    assert {row[header.index("q01")] for row in rows[1:]} == {"teacher"}
    assert {row[header.index("language")] for row in rows[1:]} <= {"ru", "kk"}
    record = ExportRecord.objects.get()
    assert record.user == admin
    assert record.row_count == expected
    assert record.filters["answers"] == {"q01": ["teacher"]}
    assert sorted(record.filters["languages"]) == ["kk", "ru"]
    assert record.filters["since"] == "2020-01-01"


def test_it_applies_the_filters_to_every_responses_format(responses, admin, tmp_path):
    client = signed_in(admin)
    expected = _filtered_n(responses, FILTER)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{ENDPOINTS['xlsx']}?{FILTER}").content)
    )
    assert workbook["responses"].max_row - 1 == expected
    path = tmp_path / "r.sav"
    path.write_bytes(client.get(f"{ENDPOINTS['sav']}?{FILTER}").content)
    frame, _meta = pyreadstat.read_sav(str(path))
    assert len(frame) == expected
    crosstab = client.get(f"{ENDPOINTS['crosstab-csv']}?{FILTER}")
    assert crosstab.status_code == 200
    rows = _csv_rows(crosstab)
    counts = [int(row[rows[0].index("count")]) for row in rows[1:]]
    assert sum(counts) == expected
    assert [r.row_count for r in ExportRecord.objects.order_by("pk")][:2] == [expected] * 2


def test_it_writes_labels_and_a_byte_order_mark_when_asked(responses, admin):
    client = signed_in(admin)
    plain = _body(client.get(ENDPOINTS["csv"]))
    labelled = _body(client.get(f"{ENDPOINTS['csv']}?labels=ru&bom=1"))
    assert not plain.startswith("\ufeff".encode())
    assert labelled.startswith("\ufeff".encode())
    assert plain != labelled
    for format in ("codebook-csv", "matrix-csv", "crosstab-csv"):
        assert _body(client.get(f"{ENDPOINTS[format]}?bom=true")).startswith("\ufeff".encode())
    assert json.loads(client.get(ENDPOINTS["codebook-json"]).content)


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "since=2025-02-01&until=2025-01-01",
        "q01=nobody",
        "q03=cyber",
        "language=xx",
        "provenance=maybe",
        "labels=xx",
        "bom=perhaps",
    ],
)
def test_it_answers_bad_filters_and_options_with_400(responses, admin, query):
    response = signed_in(admin).get(f"{ENDPOINTS['csv']}?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not ExportRecord.objects.exists()


def test_it_answers_an_unknown_survey_or_pair_with_404(responses, admin):
    client = signed_in(admin)
    assert client.get("/api/v1/surveys/nope/export.csv").status_code == 404
    response = client.get(f"{BASE}/analysis/pairs/q01/q99.csv")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not ExportRecord.objects.exists()


def test_it_ignores_what_accept_asks_for(responses, admin):
    client = signed_in(admin)
    assert client.get(ENDPOINTS["csv"], headers={"Accept": "text/csv"}).status_code == 200
    denied = Client().get(ENDPOINTS["csv"], headers={"Accept": "text/csv"})
    assert (denied.status_code, denied["Content-Type"]) == (401, "application/json")
