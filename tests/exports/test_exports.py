"""Exports: the SQL-made CSV against the Python reference, filters, codebook, Excel, SPSS
(checked by GNU PSPP), analysis tables, the export log and who may export."""

import csv
import io
import json
import os
import shutil
import subprocess
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta

import openpyxl
import pyreadstat
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.encode import Layout, responses_encode
from analytics.filters import ResponseFilter, filter_mask, responses_filtered
from analytics.models import MatrixChunk, Snapshot
from analytics.results import AnalysisOptions
from analytics.selectors import survey_analysis
from exports.postgres_csv import records_copy
from exports.services import export_make, records_python, responses_csv
from surveys.models import Choice, ExportRecord, Response, Survey
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create
from surveys.submissions import response_submit
from tests.factories import response_add

pytestmark = pytest.mark.postgres

HOSTILE_TEXT = st.one_of(
    st.text(
        # Everything PostgreSQL's jsonb can hold: all but NUL and lone surrogates.
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=40,
    ),
    st.sampled_from(
        [
            "=1+1",
            "+7 701",
            "-3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "'quoted",
            'say "hi", then\r\nleave',
            "Ақпараттық соғыс, «санкциялар»",
            "\\n not a newline \\",
        ]
    ),
)
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0) if moment.microsecond % 3 == 0 else moment)


def spec_of(survey: Survey):
    return survey_questionnaire(survey)


def joined(chunks) -> bytes:
    return b"".join(chunks)


@st.composite
def stored_answers(draw, spec) -> dict:
    """Answers as they might sit in the database: any question may be missing."""
    answers: dict = {}
    for question in spec.questions:
        codes = [c.code for c in question.choices]
        if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
            continue
        if question.kind == "multi":
            answers[question.code] = draw(st.lists(st.sampled_from(codes), unique=True))
        else:
            answers[question.code] = draw(st.sampled_from(codes))
        if draw(st.booleans()):
            answers[f"{question.code}_other"] = draw(HOSTILE_TEXT)
    return answers


@pytest.mark.fuzzing
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_it_makes_the_same_csv_in_sql_as_in_python(survey, data):
    spec = spec_of(survey)
    codes = [question.code for question in spec.questions]
    Response.objects.all().delete()
    label = data.draw(HOSTILE_TEXT.filter(bool), label="label")
    teacher = Choice.objects.get(question__code="q01", code="teacher")
    teacher.label = {"kk": label, "ru": "=" + label, "en": "x"}
    teacher.save()
    survey.refresh_from_db()
    for _ in range(data.draw(st.integers(1, 4), label="n")):
        Response.objects.create(
            survey=survey,
            answers=data.draw(stored_answers(spec_of(survey)), label="answers"),
            # Skip logic: the questions not asked, whose cells all say "not asked".
            skipped=data.draw(st.lists(st.sampled_from(codes), unique=True), label="skipped"),
            language=data.draw(st.sampled_from(["kk", "ru", "en"])),
            submitted_at=data.draw(MOMENTS, label="submitted_at"),
            client_token=uuid.uuid4(),
        )
    spec = spec_of(survey)
    for labels in (None, "kk", "ru"):
        made_in_sql = joined(records_copy(survey.responses.all(), spec, labels))
        assert made_in_sql == joined(records_python(survey.responses.all(), spec, labels))


def test_it_pages_through_many_responses_in_order(survey, monkeypatch):
    from exports import postgres_csv

    monkeypatch.setattr(postgres_csv, "PAGE_ROWS", 7)
    demo_responses_create(survey=survey, n=50, seed=1)
    spec = spec_of(survey)
    made_in_sql = joined(records_copy(survey.responses.all(), spec, None))
    assert made_in_sql == joined(records_python(survey.responses.all(), spec, None))
    assert made_in_sql.count(b"\r\n") == 50


def test_it_writes_the_header_and_a_byte_order_mark(survey, answers):
    response_add(survey, answers, language="kk")
    text = joined(responses_csv(survey, bom=True)).decode()
    assert text.startswith(
        "\ufeffresponse_id,submitted_at,language,provenance,is_suspect,q01,q02,q03.sanctions"
    )
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0]["q03.other_text"] == answers["q03_other"]
    assert rows[0]["q03.cyber"] == "1" and rows[0]["q03.trade"] == "0"


def test_it_writes_labels_in_the_chosen_language(survey, answers):
    response_add(survey, answers, language="kk")
    rows = list(csv.DictReader(io.StringIO(joined(responses_csv(survey, labels="en")).decode())))
    assert rows[0]["q01"] == "Teaching staff"


FILTERS = [
    ResponseFilter(),
    ResponseFilter(answers={"q01": ("teacher", "researcher")}),
    ResponseFilter(languages=("ru", "en")),
    ResponseFilter(provenances=("real",)),
    ResponseFilter(
        answers={"q04": ("yes",), "q10": ("low", "high")},
        languages=("kk",),
        since=(timezone.localdate() - timedelta(days=9)),
        until=(timezone.localdate() - timedelta(days=2)),
    ),
]


@pytest.mark.matrix
@pytest.mark.parametrize("chosen", FILTERS, ids=lambda f: f.cache_key()[:40])
def test_it_filters_as_the_dashboard_does(survey, answers, chosen):
    demo_responses_create(survey=survey, n=400, seed=3)
    for language in ("kk", "ru"):
        response_add(survey, answers, language=language)
    spec = spec_of(survey)
    encoded = responses_encode(survey, spec)
    expected = encoded.ids[filter_mask(encoded, Layout.of(spec), spec, chosen)].tolist()
    exported = list(responses_filtered(survey, chosen).order_by("pk").values_list("pk", flat=True))
    assert exported == expected
    lines = joined(responses_csv(survey, chosen=chosen)).decode().splitlines()[1:]
    assert [int(line.split(",")[0]) for line in lines] == expected


def is_typeable(text: str) -> bool:
    """What a respondent can submit: no control characters but newlines and tabs, and something
    visible once invisible format characters (soft hyphen, bidi marks) are removed."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cf").replace("\r\n", "\n")
    return bool(text.strip()) and not any(
        unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text
    )


@st.composite
def valid_answers(draw, spec) -> dict:
    answers: dict = {}
    for question in spec.questions:
        codes = [c.code for c in question.choices]
        if question.kind == "multi":
            answers[question.code] = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
        else:
            answers[question.code] = draw(st.sampled_from(codes))
        if any(c.is_other and c.code in answers[question.code] for c in question.choices):
            answers[f"{question.code}_other"] = draw(HOSTILE_TEXT.filter(is_typeable))
    return answers


@pytest.mark.fuzzing
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_it_round_trips_to_the_same_analysis(survey, copy_survey, tmp_path, data):
    for model in (Response, Snapshot, MatrixChunk):
        model.objects.all().delete()
    spec = spec_of(survey)
    for _ in range(data.draw(st.integers(5, 30), label="n")):
        response_submit(
            survey=survey,
            answers=data.draw(valid_answers(spec), label="answers"),
            language=data.draw(st.sampled_from(["kk", "ru", "en"])),
            client_token=uuid.uuid4(),
        )
    path = tmp_path / "responses.csv"
    path.write_bytes(joined(responses_csv(survey, bom=True)))
    call_command("import_responses", "copy", str(path), stdout=io.StringIO())
    options = AnalysisOptions(permutations=200)
    original = survey_analysis(survey, options=options)
    copied = survey_analysis(copy_survey, options=options)
    assert copied.n == original.n
    assert copied.to_json()["pairs"] == original.to_json()["pairs"]


def test_it_describes_every_column_in_the_codebook(survey):
    codebook = json.loads(joined(export_make(survey=survey, format="codebook-json").content))
    q03 = next(q for q in codebook["questions"] if q["code"] == "q03")
    assert q03["kind"] == "multi"
    assert q03["columns"][-1] == "q03.other_text"
    assert q03["choices"][1]["column"] == "q03.cyber"
    assert set(q03["text"]) == {"kk", "ru", "en"}
    table = joined(export_make(survey=survey, format="codebook-csv").content).decode()
    rows = list(csv.DictReader(io.StringIO(table)))
    assert {"question", "text_kk", "label_ru", "value", "column"} <= set(rows[0])
    assert [r["column"] for r in rows if r["question"] == "q01"] == ["q01"] * 5


def test_it_writes_a_workbook_with_numbers_and_neutralised_text(survey, answers, tmp_path):
    hostile = {**answers, "q03_other": "=HYPERLINK(1)"}
    response_add(survey, hostile, language="kk")
    path = tmp_path / "responses.xlsx"
    path.write_bytes(joined(export_make(survey=survey, format="xlsx").content))
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["responses", "codebook"]
    header, row = list(workbook["responses"].iter_rows(values_only=True))
    record = dict(zip(header, row, strict=True))
    assert isinstance(record["response_id"], int)
    assert record["q03.cyber"] == 1 and record["q03.trade"] == 0
    assert record["q03.other_text"] == "'=HYPERLINK(1)"
    assert record["q01"] == "teacher"
    assert next(workbook["codebook"].iter_rows(values_only=True))[0] == "question"


def test_it_writes_an_spss_file_with_labels(survey, answers, tmp_path):
    response_add(survey, answers, language="kk")
    path = tmp_path / "responses.sav"
    path.write_bytes(joined(export_make(survey=survey, format="sav", language="ru").content))
    frame, meta = pyreadstat.read_sav(str(path))
    q01 = next(q for q in spec_of(survey).questions if q.code == "q01")
    assert meta.column_names_to_labels["q01"] == q01.text["ru"]
    assert meta.variable_value_labels["q01"][3.0] == q01.choices[2].label["ru"]
    assert frame.loc[0, "q01"] == 3.0  # teacher, the third choice
    assert frame.loc[0, "q03.cyber"] == 1.0 and frame.loc[0, "q03.trade"] == 0.0
    assert meta.column_names_to_labels["q03.cyber"].endswith("Кибервойна")
    assert frame.loc[0, "q03.other_text"] == answers["q03_other"]


def pspp_chi_square(sav: str, a: str, b: str, folder) -> tuple[float, float]:
    syntax = folder / "crosstab.sps"
    syntax.write_text(
        f"GET FILE='{sav}'.\n"
        "SET FORMAT=F16.6.\n"
        "OUTPUT MODIFY /SELECT TABLES /TABLECELLS SELECT=[SIGNIFICANCE] FORMAT=E16.8.\n"
        f"CROSSTABS /TABLES={a} BY {b} /STATISTICS=CHISQ.\n"
    )
    out = folder / "out.csv"
    subprocess.run(
        ["pspp", str(syntax), "-o", str(out), "-O", "format=csv"], check=True, timeout=120
    )
    line = next(line for line in out.read_text().splitlines() if "Pearson Chi-Square" in line)
    cells = next(csv.reader([line]))
    return float(cells[-3]), float(cells[-1])


@pytest.mark.skipif(
    shutil.which("pspp") is None and os.environ.get("REQUIRE_PSPP") != "1",
    reason="GNU PSPP is not installed (apt-get install pspp); set REQUIRE_PSPP=1 to fail instead",
)
def test_it_agrees_with_pspp_on_chi_square(survey, tmp_path):
    demo_responses_create(survey=survey, n=500, seed=5)
    sav = tmp_path / "demo.sav"
    sav.write_bytes(joined(export_make(survey=survey, format="sav").content))
    analysis = survey_analysis(survey)
    for a, b in (("q01", "q04"), ("q05", "q10")):
        pair = analysis.pair(a, b)
        statistic, p = pspp_chi_square(str(sav), a, b, tmp_path)
        assert statistic == pytest.approx(pair.test.statistic, abs=5e-4)
        assert p == pytest.approx(pair.test.p, abs=5e-4, rel=1e-5)


def test_it_writes_the_dependence_matrix(survey):
    demo_responses_create(survey=survey, n=200, seed=6)
    table = joined(export_make(survey=survey, format="matrix-csv").content).decode()
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == 45
    first = rows[0]
    assert (first["a"], first["b"], first["kind"]) == ("q01", "q02", "single×single")
    assert float(first["statistic"]) == survey_analysis(survey).pairs[0].test.statistic
    assert {"p_adjusted", "cramers_v_corrected", "rs2_p", "significant"} <= set(first)
    assert "table" not in first and "items" not in first


def test_it_writes_one_pairs_crosstab_in_long_format(survey):
    demo_responses_create(survey=survey, n=200, seed=7)
    export = export_make(survey=survey, format="crosstab-csv", pair=("q01", "q04"))
    rows = list(csv.DictReader(io.StringIO(joined(export.content).decode())))
    assert export.filename.startswith("us-russia-kz-crosstab-q01-q04-")
    assert len(rows) == 5 * 4 == export.row_count
    pair = survey_analysis(survey).pair("q01", "q04").to_json()
    assert int(rows[0]["count"]) == pair["table"][0][0]
    assert float(rows[0]["adjusted_residual"]) == pair["adjusted_residuals"][0][0]
    mixed = export_make(survey=survey, format="crosstab-csv", pair=("q01", "q03"))
    assert b"q01,q03,cyber," in joined(mixed.content)


def test_it_logs_command_line_exports_without_a_user(survey, answers, tmp_path):
    response_add(survey, answers, language="kk")
    out = tmp_path / "r.csv"
    call_command("export_responses", "us-russia-kz", "--bom", "--out", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbfresponse_id,")
    record = ExportRecord.objects.get()
    assert (record.user, record.format, record.row_count) == (None, "csv", 1)
    assert record.filters["provenances"] == ["real"]


def test_it_refuses_a_binary_format_without_a_file(survey):
    with pytest.raises(CommandError, match="--out"):
        call_command("export_responses", "us-russia-kz", "--format", "sav")


def test_it_writes_spss_from_the_command(survey, answers, tmp_path):
    response_add(survey, answers, language="kk")
    out = tmp_path / "r.sav"
    call_command("export_responses", "us-russia-kz", "--format", "sav", "--out", str(out))
    frame, _meta = pyreadstat.read_sav(str(out))
    assert len(frame) == 1


def export_url(survey: Survey) -> str:
    return reverse("admin:surveys_survey_export", args=[survey.pk])


def staff(username: str, *, admins: bool = False) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    if admins:
        user.groups.add(Group.objects.get(name="admins"))
    return user


def test_it_sends_anonymous_visitors_to_log_in(client, survey):
    response = client.get(export_url(survey))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_it_forbids_staff_without_the_export_permission(client, survey):
    client.force_login(staff("watcher"))
    assert client.get(export_url(survey)).status_code == 403
    assert client.post(export_url(survey), {"format": "csv"}).status_code == 403
    assert not ExportRecord.objects.exists()


@pytest.mark.parametrize("who", ["admins group", "superuser"])
def test_it_shows_the_export_page_to_those_allowed(client, survey, who):
    if who == "superuser":
        user = User.objects.create_superuser("root", password="pw")
    else:
        user = staff("lead", admins=True)
    client.force_login(user)
    response = client.get(export_url(survey))
    assert response.status_code == 200
    assert b"Download" in response.content


def test_it_streams_the_csv_download_and_logs_it(client, survey, answers):
    response_add(survey, answers, language="kk")
    user = staff("lead", admins=True)
    client.force_login(user)
    options = {"format": "csv", "labels": "ru", "provenance": ["real", "test", "demo"]}
    response = client.post(export_url(survey), options)
    assert response.status_code == 200
    assert response.streaming
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="us-russia-kz-responses-{today}.csv"'
    )
    body = joined(response.streaming_content).decode()
    assert body.splitlines()[1].split(",")[5] == "Преподаватель"
    record = ExportRecord.objects.get()
    assert (record.user, record.format, record.row_count) == (user, "csv", 1)


def test_it_links_the_export_page_from_the_survey(client, survey):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    page = client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert export_url(survey).encode() in page.content


def test_it_shows_the_form_and_exports_nothing_on_a_get(client, survey, answers):
    response_add(survey, answers)
    client.force_login(staff("lead", admins=True))
    response = client.get(export_url(survey) + "?format=csv")
    assert response.status_code == 200
    assert not response.streaming
    assert b'<form method="post">' in response.content
    assert not ExportRecord.objects.exists()


def test_it_refuses_an_export_post_without_the_csrf_token(survey):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff("lead", admins=True))
    assert client.post(export_url(survey), {"format": "csv"}).status_code == 403
    assert not ExportRecord.objects.exists()


def test_it_shows_the_export_log_read_only(client, survey):
    export_make(survey=survey, format="codebook-csv")
    client.force_login(User.objects.create_superuser("root", password="pw"))
    listing = client.get(reverse("admin:surveys_exportrecord_changelist"))
    assert listing.status_code == 200 and b"codebook-csv" in listing.content
    assert client.get(reverse("admin:surveys_exportrecord_add")).status_code == 403
