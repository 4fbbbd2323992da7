"""The ``weight`` column in every responses export and the codebook (exports/weights.py),
the crosstab's letters, and the ordinal kind's SPSS measurement level."""

import csv
import io

import openpyxl
import pyreadstat
import pytest

from analytics.selectors import current_weights
from analytics.snapshot import snapshot_current
from analytics.weighting import weights_set
from exports.postgres_csv import records_copy
from exports.services import export_make, records_python
from exports.weights import weight_column
from surveys.selectors import survey_questionnaire
from surveys.services import demo_responses_create
from tests.analytics.test_weighted_analysis import SCHEME

pytestmark = pytest.mark.postgres


def joined(chunks) -> bytes:
    return b"".join(chunks)


@pytest.fixture
def weighted(survey):
    demo_responses_create(survey=survey, n=120, seed=9)
    weights_set(survey=survey, document=SCHEME)
    return survey


def _expected(survey) -> dict[int, float]:
    """Each response's weight: its cell's raked weight."""
    current = snapshot_current(survey)
    weights = current_weights(current)
    q01 = [c.code for c in current.spec.questions[0].choices]
    q10 = [c.code for c in current.spec.questions[-1].choices]
    return {
        response.pk: float(
            weights.cells[
                q01.index(response.answers["q01"]) * 3 + q10.index(response.answers["q10"])
            ]
        )
        for response in survey.responses.all()
    }


def test_it_writes_each_responses_weight_in_the_csv(weighted):
    rows = list(
        csv.DictReader(
            io.StringIO(joined(export_make(survey=weighted, format="csv").content).decode())
        )
    )
    expected = _expected(weighted)
    assert {int(row["response_id"]): float(row["weight"]) for row in rows} == expected
    assert sum(expected.values()) == pytest.approx(120)


def test_it_writes_the_same_weight_in_sql_as_in_python(weighted):
    spec = survey_questionnaire(weighted)
    column = weight_column(weighted, spec)
    made_in_sql = joined(records_copy(weighted.responses.all(), spec, None, column))
    assert made_in_sql == joined(records_python(weighted.responses.all(), spec, None, column))


def test_it_writes_no_weight_column_without_a_scheme(survey):
    demo_responses_create(survey=survey, n=10, seed=9)
    header = joined(export_make(survey=survey, format="csv").content).split(b"\r\n")[0]
    assert not header.endswith(b",weight")


def test_it_writes_the_weight_in_excel_and_spss(weighted, tmp_path):
    expected = _expected(weighted)
    path = tmp_path / "responses.xlsx"
    path.write_bytes(joined(export_make(survey=weighted, format="xlsx").content))
    header, *rows = list(
        openpyxl.load_workbook(path, read_only=True)["responses"].iter_rows(values_only=True)
    )
    assert header[-1] == "weight"
    assert {row[0]: row[-1] for row in rows} == pytest.approx(expected)
    sav = tmp_path / "responses.sav"
    sav.write_bytes(joined(export_make(survey=weighted, format="sav").content))
    frame, meta = pyreadstat.read_sav(str(sav))
    assert dict(
        zip(frame["response_id"].astype(int), frame["weight"], strict=True)
    ) == pytest.approx(expected)
    assert meta.variable_measure["q02"] == "ordinal" and meta.variable_measure["q01"] == "nominal"


def test_it_describes_the_weight_in_the_codebook(weighted):
    import json

    document = json.loads(joined(export_make(survey=weighted, format="codebook-json").content))
    assert document["weight"]["column"] == "weight"
    assert document["weight"]["margins"]["q10"] == pytest.approx([0.5, 0.3, 0.2])
    assert document["weight"]["n_effective"] > 0
    table = joined(export_make(survey=weighted, format="codebook-csv").content).decode()
    assert table.splitlines()[-1].startswith("weight,weight,number,scale,0,")


def test_it_imports_an_export_with_its_weight_column(weighted, copy_survey, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "responses.csv"
    path.write_bytes(joined(export_make(survey=weighted, format="csv").content))
    text = path.read_text().replace("us-russia-kz", "copy")
    path.write_text(text)
    call_command("import_responses", "copy", str(path))
    assert copy_survey.responses.count() == 120


def test_it_writes_the_letters_and_weighted_counts_in_the_crosstab(weighted):
    export = export_make(survey=weighted, format="crosstab-csv", pair=("q01", "q04"))
    rows = list(csv.DictReader(io.StringIO(joined(export.content).decode())))
    assert [row["column_letter"] for row in rows[:4]] == ["A", "B", "C", "D"]
    assert all(set(row["letters"]) <= set("ABCD") for row in rows)
    assert sum(float(row["weighted_count"]) for row in rows) == pytest.approx(120)


def test_it_writes_the_crosstab_unweighted_when_asked(weighted):
    export = export_make(
        survey=weighted, format="crosstab-csv", pair=("q01", "q04"), weighted=False
    )
    rows = list(csv.DictReader(io.StringIO(joined(export.content).decode())))
    assert {row["weighted_count"] for row in rows} == {""}
    assert all(row["column_letter"] for row in rows)
