"""Text a spreadsheet would run as a formula is neutralised in CSV and Excel exports;
numbers stay numbers. (tests/surveys/test_exports.py checks that export → import gives
back the exact text.)"""

import csv
import io
import uuid

import openpyxl
import pytest

from exports.services import export_make
from surveys.models import Response

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.fixture
def hostile_survey(survey, answers):
    # Stored directly: submissions trim surrounding whitespace, but rows imported or written
    # by other tools may still start with a tab or a carriage return.
    for start in FORMULA_STARTS:
        Response.objects.create(
            survey=survey,
            answers={**answers, "q03_other": f'{start}HYPERLINK("http://x")'},
            language="ru",
            client_token=uuid.uuid4(),
        )
    return survey


def exported(survey, format: str) -> bytes:
    return b"".join(export_make(survey=survey, format=format).content)


def test_it_neutralises_formulas_in_the_csv(hostile_survey):
    records = list(csv.DictReader(io.StringIO(exported(hostile_survey, "csv").decode())))
    texts = [record["q03.other_text"] for record in records]
    assert texts == [f'\'{start}HYPERLINK("http://x")' for start in FORMULA_STARTS]


def test_it_leaves_ids_and_ticks_unquoted_in_the_csv(hostile_survey):
    lines = exported(hostile_survey, "csv").decode().splitlines()
    header = lines[0].split(",")
    first = next(csv.reader([lines[1]]))
    assert first[0].isdigit()
    assert first[header.index("q03.cyber")] == "1"
    assert first[header.index("q03.trade")] == "0"


def test_it_neutralises_formulas_and_keeps_numbers_in_the_workbook(hostile_survey, tmp_path):
    path = tmp_path / "responses.xlsx"
    path.write_bytes(exported(hostile_survey, "xlsx"))
    sheet = openpyxl.load_workbook(path, read_only=True)["responses"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    records = [dict(zip(header, row, strict=True)) for row in rows]
    # XML reads a carriage return back as a line feed; the cell still starts with '.
    texts = [record["q03.other_text"].replace("\n", "\r") for record in records]
    assert texts == [f'\'{start}HYPERLINK("http://x")' for start in FORMULA_STARTS]
    assert all(isinstance(record["response_id"], int) for record in records)
    assert {record["q03.cyber"] for record in records} == {1}
    assert {record["q03.trade"] for record in records} == {0}


def test_it_stores_no_formula_cell_in_the_workbook(hostile_survey, tmp_path):
    path = tmp_path / "responses.xlsx"
    path.write_bytes(exported(hostile_survey, "xlsx"))
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
