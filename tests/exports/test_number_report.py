"""A survey with every question kind in the published analysis: the report (DOCX and HTML)
gets a section on its number questions, the dependence matrix CSV its Kruskal–Wallis
pairs, and the API's analytics JSON its numbers and skipped-by-design counts."""

import csv
import html
import io

import pytest
from django.core.management import call_command
from docx import Document

from analytics.selectors import survey_analysis
from surveys.selectors import survey_questionnaire
from tests.factories import every_kind_responses, every_kind_study, signed_in, user_in_group

pytestmark = pytest.mark.postgres
API = "/api/v1/surveys/every-kind/analytics"


@pytest.fixture
def study(db):
    survey = every_kind_study()
    every_kind_responses(survey, 240, seed=9)
    return survey


def test_it_reports_the_number_questions_in_word(study, tmp_path):
    out = tmp_path / "report.docx"
    call_command("report", study.slug, "--language", "en", "--out", str(out), stdout=io.StringIO())
    document = Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Number questions" in headings
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Question")
    hours = survey_analysis(study).number("hours")
    row = [cell.text for cell in table.rows[1].cells]
    assert row[0].startswith("HOURS.")
    assert row[2] == f"{hours.descriptives.mean:.2f}"
    assert row[7] == str(hours.n_not_asked)
    texts = " ".join(p.text for p in document.paragraphs)
    assert "HOURS (Hours a week) differs across the groups of TRUST (Trust)" in texts


def test_it_reports_the_number_questions_in_the_html_page_in_russian(study, tmp_path):
    out = tmp_path / "report.html"
    call_command(
        "report", study.slug, "--format", "html", "--language", "ru", "--out", str(out),
        stdout=io.StringIO(),
    )  # fmt: skip
    page = html.unescape(out.read_text())
    assert "Hours a week (ru)" in page
    assert "различается между группами" in page and "Краскел–Уоллис H(" in page


def test_it_lists_the_kruskal_wallis_pairs_in_the_matrix_csv(study):
    client = signed_in(user_in_group("admins"))
    answer = client.get("/api/v1/surveys/every-kind/analysis/matrix.csv")
    body = b"".join(answer.streaming_content).decode("utf-8-sig")
    rows = {(r["a"], r["b"]): r for r in csv.DictReader(io.StringIO(body))}
    pair = survey_analysis(study).number_pair("hours", "trust")
    assert rows[("hours", "trust")]["kind"] == "number×single"
    assert float(rows[("hours", "trust")]["epsilon_squared"]) == pytest.approx(
        pair.test.epsilon_squared
    )
    assert ("hours", "media") not in rows


def test_it_gives_numbers_and_skips_in_the_api(study):
    client = signed_in(user_in_group("staff"))
    questions = {q["code"]: q for q in client.get(f"{API}/frequencies/").json()["questions"]}
    assert questions["hours"]["descriptives"]["n"] == questions["hours"]["n_answered"]
    assert "frequencies" not in questions["hours"]
    assert questions["why"]["n_not_asked"] == questions["hours"]["n_answered"]
    pairs = client.get(f"{API}/matrix/").json()["pairs"]
    assert {"number×single", "single×number"} <= {p["kind"] for p in pairs}
    pair = client.get(f"{API}/pairs/trust/hours/").json()
    assert pair["number"] == "hours" and len(pair["groups"]) == 3
    assert pair["not_asked"]["hours"] == questions["hours"]["n_not_asked"]
    assert client.get(f"{API}/pairs/hours/media/").status_code == 404


def test_it_names_each_kind_in_the_methods_and_leaves_out_notes(study, tmp_path):
    out = tmp_path / "report.html"
    call_command(
        "report", study.slug, "--format", "html", "--language", "ru", "--out", str(out),
        stdout=io.StringIO(),
    )  # fmt: skip
    page = html.unescape(out.read_text())
    assert "<td>число</td><td>–</td>" in page  # the table of the questions
    assert "<td>свободный текст</td><td>–</td>" in page
    notes = [q.code for q in survey_questionnaire(study).questions if q.is_note]
    assert notes and not any(f'<th scope="row">{code.upper()}</th>' in page for code in notes)
