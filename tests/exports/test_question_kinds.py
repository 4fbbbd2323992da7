"""Exports of every question kind (single, ordinal, multi, number, text, note) with skip
logic: the CSV in SQL and in Python, Excel, SPSS (checked by GNU PSPP), the codebook, and
import_responses reading an export back to the same answers and the same questions not
asked."""

import csv
import io
import json
import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime

import openpyxl
import pyreadstat
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports.postgres_csv import records_copy
from exports.services import export_make, records_python
from surveys.csv_format import NOT_ASKED
from surveys.models import Response, Survey
from surveys.selectors import survey_questionnaire
from tests.factories import every_kind_survey

pytestmark = pytest.mark.postgres

MOMENT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
# Asked everything: works, so "hours" applies; social media, so "why" applies.
FULL = {
    "works": "yes",
    "trust": "high",
    "news": ["social", "other"],
    "news_other": "радио",
    "age": 34,
    "hours": 7.5,
    "why": 'quick, "free"\nand =easy',
}
# Does not work and no social media: "hours" and "why" not asked; trust left unanswered.
SKIPPING = {"works": "no", "news": ["tv"], "age": 61}


@pytest.fixture
def kinds(db) -> Survey:
    return every_kind_survey()


def stored(survey: Survey, answers: dict, skipped=(), language: str = "en") -> Response:
    return Response.objects.create(
        survey=survey,
        answers=answers,
        skipped=list(skipped),
        language=language,
        submitted_at=MOMENT,
        client_token=uuid.uuid4(),
    )


def content(survey: Survey, format: str, **options) -> bytes:
    return b"".join(export_make(survey=survey, format=format, **options).content)


def csv_records(survey: Survey) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content(survey, "csv").decode())))


def test_it_writes_a_column_per_number_and_text_question_and_none_for_a_note(kinds):
    stored(kinds, FULL)
    (record,) = csv_records(kinds)
    assert "thanks" not in record
    assert record["age"] == "34" and record["hours"] == "7.5"
    assert record["why"] == FULL["why"]
    assert record["trust"] == "high"


def test_it_marks_every_column_of_a_question_not_asked_and_leaves_no_answer_empty(kinds):
    stored(kinds, SKIPPING, skipped=["hours", "why"])
    (record,) = csv_records(kinds)
    assert record["hours"] == NOT_ASKED and record["why"] == NOT_ASKED
    assert record["trust"] == ""
    assert (record["news.tv"], record["news.social"], record["news.other_text"]) == ("1", "0", "")


def test_it_keeps_a_text_that_reads_like_the_marker_apart_from_it(kinds):
    stored(kinds, {**FULL, "why": NOT_ASKED})
    (record,) = csv_records(kinds)
    assert record["why"] == "'" + NOT_ASKED


NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1e-07, 1e20, 3.0, -2.5, 0.30000000000000004, 123456.789]),
)
TEXTS = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=30,
    ),
    st.sampled_from([NOT_ASKED, "=1+1", "'x", 'a,"b"\r\nc', "Ақпарат «сөз»"]),
)


@st.composite
def kind_answers(draw, spec) -> tuple[dict, list[str]]:
    """Answers and questions not asked as they might sit in the database."""
    answers: dict = {}
    skipped: list[str] = []
    for question in spec.answered_questions:
        fate = draw(st.sampled_from(["answered", "answered", "unanswered", "skipped"]))
        if fate == "skipped":
            skipped.append(question.code)
        elif fate == "answered":
            if question.is_multi:
                answers[question.code] = draw(st.lists(st.sampled_from(question.choice_codes)))
                answers[question.other_key] = draw(TEXTS)
            elif question.is_choice:
                answers[question.code] = draw(st.sampled_from(question.choice_codes))
            else:
                answers[question.code] = draw(NUMBERS if question.is_number else TEXTS)
    return answers, skipped


@pytest.mark.fuzzing
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_it_makes_the_same_csv_of_every_kind_in_sql_as_in_python(kinds, data):
    Response.objects.filter(survey=kinds).delete()
    spec = survey_questionnaire(kinds)
    for _ in range(data.draw(st.integers(1, 4), label="n")):
        answers, skipped = data.draw(kind_answers(spec), label="answers, skipped")
        stored(kinds, answers, skipped)
    for labels in (None, "kk"):
        made_in_sql = b"".join(records_copy(kinds.responses.all(), spec, labels))
        assert made_in_sql == b"".join(records_python(kinds.responses.all(), spec, labels))


def answers_and_skipped(survey: Survey) -> list[tuple]:
    rows = survey.responses.order_by("pk").values_list("answers", "skipped", "language")
    return [(json.dumps(a, sort_keys=True), sorted(s), lang) for a, s, lang in rows]


def import_file(tmp_path, slug: str, text: str) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(text, encoding="utf-8")
    call_command("import_responses", slug, str(path), stdout=io.StringIO())


def test_it_imports_an_export_of_every_kind_to_the_same_answers_and_skipped(kinds, tmp_path):
    copy = every_kind_survey("kinds-copy")
    stored(kinds, FULL, language="kk")
    stored(kinds, SKIPPING, skipped=["hours", "why"], language="ru")
    stored(kinds, {**FULL, "why": NOT_ASKED, "hours": 1e-07, "age": 100})
    import_file(tmp_path, "kinds-copy", content(kinds, "csv").decode())
    assert answers_and_skipped(copy) == answers_and_skipped(kinds)


def test_it_does_not_ask_for_a_required_answer_to_a_question_not_asked(kinds, tmp_path):
    """ "hours" would be required if asked ("required" defaults to true) … but not here."""
    asked = ("works", "trust", "news", "news_other", "age")
    stored(kinds, {key: FULL[key] for key in asked}, ["why", "hours"])
    copy = every_kind_survey("kinds-copy")
    import_file(tmp_path, "kinds-copy", content(kinds, "csv").decode())
    assert copy.responses.get().skipped == ["hours", "why"]


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("age", "thirty", "row 2, column age: 'thirty' is not a number"),
        ("age", "inf", "row 2, column age: 'inf' is not a number"),
        ("age", "34.5", "row 2, column age: "),  # the form's own message follows
        ("news.tv", NOT_ASKED, "row 2, column news.social: news is marked 'not asked'"),
    ],
)
def test_it_refuses_a_bad_cell_by_row_and_column(kinds, tmp_path, column, cell, message):
    stored(kinds, FULL)
    (record,) = csv_records(kinds)
    copy = every_kind_survey("kinds-copy")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(record))
    writer.writeheader()
    writer.writerow({**record, column: cell})
    with pytest.raises(CommandError, match=message):
        import_file(tmp_path, "kinds-copy", buffer.getvalue())
    assert not copy.responses.exists()


def workbook_records(survey: Survey, tmp_path) -> list[dict]:
    path = tmp_path / "responses.xlsx"
    path.write_bytes(content(survey, "xlsx"))
    rows = list(
        openpyxl.load_workbook(path, read_only=True)["responses"].iter_rows(values_only=True)
    )
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_it_writes_numbers_as_numbers_and_the_marker_in_the_workbook(kinds, tmp_path):
    stored(kinds, FULL)
    stored(kinds, SKIPPING, skipped=["hours", "why"])
    full, skipping = workbook_records(kinds, tmp_path)
    assert full["age"] == 34 and isinstance(full["age"], int)
    assert full["hours"] == 7.5
    assert full["why"] == FULL["why"]
    assert skipping["hours"] == NOT_ASKED and skipping["why"] == NOT_ASKED
    assert skipping["trust"] is None


def spss(survey: Survey, tmp_path) -> str:
    path = tmp_path / "responses.sav"
    path.write_bytes(content(survey, "sav", language="ru"))
    return str(path)


def test_it_gives_each_kind_its_measurement_level_in_spss(kinds, tmp_path):
    stored(kinds, FULL)
    _frame, meta = pyreadstat.read_sav(spss(kinds, tmp_path))
    measures = meta.variable_measure
    assert (measures["works"], measures["trust"], measures["news.tv"]) == (
        "nominal",
        "ordinal",
        "nominal",
    )
    assert (measures["age"], measures["hours"], measures["why"]) == ("scale", "scale", "nominal")
    assert meta.column_names_to_labels["age"] == "Age (ru) (years (ru))"
    assert "thanks" not in meta.column_names


def test_it_declares_not_asked_a_labelled_user_missing_value_in_spss(kinds, tmp_path):
    stored(kinds, FULL)
    stored(kinds, SKIPPING, skipped=["hours", "why"])
    frame, meta = pyreadstat.read_sav(spss(kinds, tmp_path), user_missing=True)
    assert frame.loc[1, "why"] == ""
    assert frame.loc[1, "trust"] != frame.loc[1, "trust"]  # not answered: system-missing
    # hours has no minimum, so -2 could be an answer: one below the smallest, -3.
    assert frame.loc[1, "hours"] == -3.0
    assert meta.variable_value_labels["hours"][-3.0] == NOT_ASKED
    assert {"lo": -3.0, "hi": -3.0} in meta.missing_ranges["hours"]
    # age cannot be under 16: -2 is free.
    assert meta.missing_ranges["age"] == [{"lo": -2.0, "hi": -2.0}]
    assert meta.variable_value_labels["works"] == {1.0: "yes (ru)", 2.0: "no (ru)", -2.0: NOT_ASKED}


def pspp_dictionary(sav: str, folder) -> dict[str, dict]:
    """PSPP's DISPLAY DICTIONARY as {variable: {column: text}}."""
    syntax = folder / "dictionary.sps"
    out = folder / "dictionary.csv"
    syntax.write_text(f"GET FILE='{sav}'.\nDISPLAY DICTIONARY.\n")
    subprocess.run(
        ["pspp", str(syntax), "-o", str(out), "-O", "format=csv"], check=True, timeout=120
    )
    lines = out.read_text().splitlines()
    start = lines.index("Table: Variables")
    rows = list(csv.reader(lines[start + 1 :]))
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=False)) for row in rows[1:] if row}


@pytest.mark.skipif(
    shutil.which("pspp") is None and os.environ.get("REQUIRE_PSPP") != "1",
    reason="GNU PSPP is not installed (apt-get install pspp); set REQUIRE_PSPP=1 to fail instead",
)
def test_it_writes_measurement_levels_and_missing_values_pspp_reads(kinds, tmp_path):
    stored(kinds, FULL)
    stored(kinds, SKIPPING, skipped=["hours", "why"])
    variables = pspp_dictionary(spss(kinds, tmp_path), tmp_path)
    assert variables["trust"]["Measurement Level"] == "Ordinal"
    assert variables["age"]["Measurement Level"] == "Scale"
    assert variables["works"]["Measurement Level"] == "Nominal"
    assert variables["age"]["Missing Values"] == "-2"
    assert variables["hours"]["Missing Values"] == "-3"


def test_it_describes_each_kind_in_the_codebook(kinds):
    codebook = json.loads(content(kinds, "codebook-json"))
    entries = {entry["code"]: entry for entry in codebook["questions"]}
    assert (entries["trust"]["type"], entries["trust"]["measure"]) == ("code", "ordinal")
    age = entries["age"]
    assert (age["type"], age["measure"], age["minimum"], age["maximum"]) == (
        "number",
        "scale",
        16,
        100,
    )
    assert age["integer"] is True and age["unit"]["en"] == "years"
    assert entries["why"]["max_length"] == 500
    assert entries["why"]["relevant"] == "selected(${news}, 'social')"
    assert entries["why"]["relevant_words"]["en"] == "“social” is chosen in question 3"
    assert set(entries["why"]["relevant_words"]) == set(codebook["languages"])
    assert entries["age"]["relevant_words"] == {}
    assert entries["thanks"]["columns"] == []
    assert NOT_ASKED in codebook["not_asked"]


def test_it_gives_number_and_text_questions_a_row_of_the_codebook_table(kinds):
    table = content(kinds, "codebook-csv").decode()
    rows = {row["column"]: row for row in csv.DictReader(io.StringIO(table))}
    assert rows["age"]["measure"] == "scale"
    assert (rows["age"]["minimum"], rows["age"]["maximum"], rows["age"]["integer"]) == (
        "16",
        "100",
        "1",
    )
    assert rows["age"]["unit_kk"] == "years (kk)"
    assert rows["hours"]["relevant"] == "${works} = 'yes'"
    assert rows["why"]["max_length"] == "500"
    assert rows["trust"]["measure"] == "ordinal"
