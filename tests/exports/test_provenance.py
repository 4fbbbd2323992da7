"""Provenance (real, test, demo) in every export, the default that leaves demo and test out
once a real response exists, the banner and file names that say when they are included."""

import csv
import io
import json

import openpyxl
import pyreadstat
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from analytics.filters import ResponseFilter
from analytics.selectors import survey_analysis
from exports.services import export_make, records_python, responses_csv
from surveys.models import Provenance, Response
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create
from tests.factories import response_add, signed_in, user_in_group

BASE = "/api/v1/surveys/us-russia-kz"


@pytest.fixture
def mixed(survey, answers):
    """Three demo responses, one test, one real and suspect, one real."""
    demo_responses_create(survey=survey, n=3, seed=1)
    response_add(survey, answers, provenance=Provenance.TEST)
    response_add(survey, answers, is_suspect=True, suspect_reason="honeypot")
    response_add(survey, answers)
    return survey


def _expected(survey) -> list[tuple[str, str]]:
    rows = survey.responses.order_by("pk").values_list("provenance", "is_suspect")
    return [(provenance, str(int(suspect))) for provenance, suspect in rows]


def _csv_columns(body: str) -> list[tuple[str, str]]:
    return [(r["provenance"], r["is_suspect"]) for r in csv.DictReader(io.StringIO(body))]


def _everything(survey, format: str) -> bytes:
    export = export_make(survey=survey, format=format, chosen=ResponseFilter())
    return b"".join(export.content)


def test_it_writes_provenance_and_suspect_in_the_csv(mixed):
    body = _everything(mixed, "csv").decode()
    assert body.splitlines()[0].startswith(
        "response_id,submitted_at,language,provenance,is_suspect,"
    )
    assert _csv_columns(body) == _expected(mixed)
    assert {p for p, _s in _csv_columns(body)} == {"real", "test", "demo"}


def test_it_writes_the_same_columns_in_python_and_in_postgresql(mixed):
    spec = survey_questionnaire(mixed)
    python = b"".join(records_python(mixed.responses.all(), spec, None)).decode()
    header = ",".join(
        next(
            csv.reader(
                [b"".join(responses_csv(mixed, chosen=ResponseFilter())).decode().splitlines()[0]]
            )
        )
    )
    assert connection.vendor == "postgresql"
    database = b"".join(responses_csv(mixed, chosen=ResponseFilter())).decode()
    assert database == header + "\r\n" + python


def test_it_writes_provenance_and_suspect_in_the_workbook(mixed):
    workbook = openpyxl.load_workbook(io.BytesIO(_everything(mixed, "xlsx")))
    assert workbook.sheetnames == ["notice", "responses", "codebook"]
    assert "test and demo responses besides real ones" in workbook["notice"]["A1"].value
    rows = list(workbook["responses"].values)
    header = list(rows[0])
    found = [(r[header.index("provenance")], str(r[header.index("is_suspect")])) for r in rows[1:]]
    assert found == _expected(mixed)


def test_it_writes_provenance_and_suspect_in_the_spss_file(mixed, tmp_path):
    path = tmp_path / "r.sav"
    path.write_bytes(_everything(mixed, "sav"))
    frame, meta = pyreadstat.read_sav(str(path))
    found = [
        (p, str(int(s))) for p, s in zip(frame["provenance"], frame["is_suspect"], strict=True)
    ]
    assert found == _expected(mixed)
    assert meta.variable_value_labels["is_suspect"] == {0.0: "no", 1.0: "yes"}
    assert "demo" in meta.column_names_to_labels["provenance"]


def test_it_writes_provenance_in_the_api_export(mixed):
    client = signed_in(user_in_group("admins"))
    query = "provenance=real&provenance=test&provenance=demo"
    body = b"".join(client.get(f"{BASE}/export.csv?{query}").streaming_content).decode()
    assert _csv_columns(body) == _expected(mixed)


def test_it_documents_provenance_and_suspect_in_the_codebook(mixed):
    document = json.loads(_everything(mixed, "codebook-json"))
    meta = {entry["column"]: entry for entry in document["meta"]}
    assert set(meta["provenance"]["values"]) == {"real", "test", "demo"}
    assert meta["provenance"]["values"]["demo"]["ru"] != meta["provenance"]["values"]["demo"]["en"]
    assert set(meta["is_suspect"]["values"]) == {"0", "1"}
    rows = list(csv.reader(io.StringIO(_everything(mixed, "codebook-csv").decode())))
    assert [r[0] for r in rows[1:6]] == ["provenance"] * 3 + ["is_suspect"] * 2


def test_it_counts_demo_data_until_the_first_real_response(survey, answers):
    demo_responses_create(survey=survey, n=50, seed=2)
    response_add(survey, answers, provenance=Provenance.TEST)
    assert survey_analysis(survey).n == 51
    rows = export_make(survey=survey, format="csv").row_count
    assert rows == 51
    response_add(survey, answers)
    assert survey_analysis(survey).n == 1
    assert export_make(survey=survey, format="csv").row_count == 1
    assert survey_analysis(survey, ResponseFilter()).n == 52


def test_it_adds_no_notice_sheet_to_a_workbook_of_real_responses(mixed):
    real = export_make(survey=mixed, format="xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(real.content)))
    assert workbook.sheetnames == ["responses", "codebook"]


def test_it_says_in_the_file_name_that_demo_and_test_rows_are_included(mixed):
    today = timezone.localdate().isoformat()
    everything = export_make(survey=mixed, format="xlsx", chosen=ResponseFilter())
    assert everything.filename == f"us-russia-kz-responses-with-test-with-demo-{today}.xlsx"
    real = export_make(survey=mixed, format="csv")
    assert real.filename == f"us-russia-kz-responses-{today}.csv"
    matrix = export_make(survey=mixed, format="matrix-csv", chosen=ResponseFilter())
    assert "-with-test-with-demo-" in matrix.filename


def test_it_shows_a_banner_while_demo_data_is_counted(survey, answers):
    demo_responses_create(survey=survey, n=20, seed=3)
    client = signed_in(user_in_group("staff"))
    page = client.get("/dashboard/us-russia-kz/").content.decode()
    assert "These figures include 20 demo responses" in page
    response_add(survey, answers)
    assert "synthetic-banner" not in client.get("/dashboard/us-russia-kz/").content.decode()
    included = client.get("/dashboard/us-russia-kz/matrix/?provenance=real&provenance=demo")
    assert "These figures include 20 demo responses" in included.content.decode()


def test_it_says_what_analyze_counted(mixed):
    out, err = io.StringIO(), io.StringIO()
    call_command("analyze", "us-russia-kz", "--permutations", "10", stdout=out)
    assert out.getvalue().splitlines()[0] == "Counted 2 responses: real (left out: 1 test, 3 demo)."
    call_command(
        "analyze", "us-russia-kz", "--json", "--provenance", "demo", stdout=out, stderr=err
    )
    assert err.getvalue().strip() == "Counted 3 responses: demo (left out: 2 real, 1 test)."


def test_it_keeps_an_imported_files_provenance(survey, mixed, tmp_path):
    path = tmp_path / "all.csv"
    path.write_bytes(_everything(mixed, "csv"))
    before = Response.objects.count()
    call_command("import_responses", "us-russia-kz", str(path))
    imported = Response.objects.order_by("pk")[before:]
    found = [(r.provenance, str(int(r.is_suspect))) for r in imported]
    assert found == _expected(mixed)[: len(found)] and len(found) == 6
