"""The analysis as CSV tables: the dependence matrix and one pair's crosstab.

Both read the dict of ``survey_analysis`` (the JSON of ``analyze --json``), so a table and
the dashboard never disagree.
"""

import csv
import io
import json

from core.errors import ApplicationError
from surveys.csv_format import neutralise

# Per-cell tables of a pair: in the crosstab CSV, not in the matrix.
TABLE_KEYS = ("table", "expected", "adjusted_residuals", "row_percent", "column_percent", "items")


class PairUnknown(ApplicationError):
    """No pair of these two questions; the message lists what to ask for."""


def matrix_csv(analysis: dict) -> bytes:
    """One row per question pair with every scalar field of the analysis; short lists (the
    row and column codes, dropped codes) as JSON text."""
    fields: list[str] = []
    for pair in analysis["pairs"]:
        fields += [key for key in pair if _in_matrix(key) and key not in fields]
    rows = [fields] + [[_cell(pair.get(key)) for key in fields] for pair in analysis["pairs"]]
    return _csv(rows)


def _in_matrix(key: str) -> bool:
    return not key.startswith("_") and key not in TABLE_KEYS


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return neutralise(value)
    return value


def pair_of(analysis: dict, a: str, b: str) -> dict:
    for pair in analysis["pairs"]:
        if {pair["a"], pair["b"]} == {a, b}:
            return pair
    known = ", ".join(f"{p['a']}/{p['b']}" for p in analysis["pairs"])
    raise PairUnknown(f"There is no pair {a}/{b}; choose one of {known}.")


CROSSTAB_HEADER = [
    "a",
    "b",
    "item",
    "row",
    "column",
    "count",
    "expected",
    "adjusted_residual",
    "row_percent",
    "column_percent",
]


def crosstab_csv(analysis: dict, a: str, b: str) -> bytes:
    """The pair's table in long format, one row per cell. Single × single: counts, expected
    counts, adjusted residuals and percentages by row and column. With a multi-choice
    question, one 2-column table per option (or option pair): counts only."""
    pair = pair_of(analysis, a, b)
    if pair["kind"] == "single×single":
        cells = _two_way_cells(pair)
    else:
        cells = _item_cells(pair, analysis)
    return _csv([CROSSTAB_HEADER] + [[pair["a"], pair["b"], *cell] for cell in cells])


def _two_way_cells(pair: dict) -> list[list]:
    cells = []
    for i, row in enumerate(pair["rows"]):
        for j, column in enumerate(pair["columns"]):
            cells.append(
                ["", row, column, pair["table"][i][j]]
                + [_at(pair[key], i, j) for key in TABLE_KEYS[1:5]]
            )
    return cells


def _at(table: list | None, i: int, j: int) -> object:
    return "" if table is None else table[i][j]


def _item_cells(pair: dict, analysis: dict) -> list[list]:
    cells = []
    for item in pair["items"]:
        if "choice" in item:
            name = item["choice"]
            rows = _group_names(analysis, pair, len(item["table"]))
            columns = ["chosen", "not chosen"]
        else:
            name = f"{item['a_choice']}/{item['b_choice']}"
            rows = [f"{item['a_choice']} chosen", f"{item['a_choice']} not chosen"]
            columns = [f"{item['b_choice']} chosen", f"{item['b_choice']} not chosen"]
        for i, counts in enumerate(item["table"]):
            for j, count in enumerate(counts):
                cells.append([name, rows[i], columns[j], count, "", "", "", ""])
    return cells


def _group_names(analysis: dict, pair: dict, size: int) -> list[str]:
    """The single-choice question's answers that have respondents, named by their code when
    every answer has some (else by position among those that do)."""
    single = next(
        q
        for q in analysis["questions"]
        if q["code"] in (pair["a"], pair["b"]) and q["kind"] == "single"
    )
    codes = [entry["choice"] for entry in single["frequencies"]]
    return codes if len(codes) == size else [f"group {k}" for k in range(1, size + 1)]


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()
