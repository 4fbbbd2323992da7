"""The analysis as CSV tables: the dependence matrix and one pair's crosstab.

Both read the ``Analysis`` of ``survey_analysis``, so a table and the dashboard never
disagree; the matrix takes its columns from the pairs' JSON (``analyze --json``), so it holds
every field that gives, in the same order.
"""

import csv
import io
import json

from analytics.results import Analysis, MultipleResponsePair, TwoWayPair, rounded
from core.errors import ApplicationError
from surveys.csv_format import neutralise

# A pair's per-cell tables (the crosstab CSV gives them), items and a number pair's
# per-group descriptives: not in the matrix.
TABLE_KEYS = (
    "table",
    "expected",
    "adjusted_residuals",
    "row_percent",
    "column_percent",
    "items",
    "groups",
)


class PairUnknown(ApplicationError):
    """No pair of these two questions; the message lists what to ask for."""


def matrix_csv(analysis: Analysis) -> bytes:
    """One row per question pair (the Kruskal–Wallis pairs of number questions last) with
    every scalar field of its JSON; short lists (the row and column codes, dropped codes)
    as JSON text."""
    pairs = [pair.to_json() for pair in (*analysis.pairs, *analysis.number_pairs)]
    fields: list[str] = []
    for pair in pairs:
        fields += [key for key in pair if key not in TABLE_KEYS and key not in fields]
    rows = [fields] + [[_cell(pair.get(key)) for key in fields] for pair in pairs]
    return _csv(rows)


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
    "column_letter",
    "letters",
    "weighted_count",
]


def crosstab_csv(analysis: Analysis, a: str, b: str) -> bytes:
    """The pair's table in long format, one row per cell. Single × single: counts, expected
    counts, adjusted residuals and percentages by row and column. With a multi-choice
    question, one 2-column table per option (or option pair): counts only."""
    pair = analysis.pair(a, b)
    if pair is None:
        known = ", ".join(f"{p.a}/{p.b}" for p in analysis.pairs)
        raise PairUnknown(f"There is no pair {a}/{b}; choose one of {known}.")
    if isinstance(pair, TwoWayPair):
        cells = _two_way_cells(pair)
    else:
        cells = _item_cells(pair, analysis)
    return _csv([CROSSTAB_HEADER] + [[pair.a, pair.b, *cell] for cell in cells])


def _two_way_cells(pair: TwoWayPair) -> list[list]:
    test = pair.test
    derived = [
        rounded(values)
        for values in (
            test.expected,
            test.adjusted_residuals,
            test.row_percent,
            test.column_percent,
        )
    ]
    letters = pair.letters
    weighted = _weighted_counts(pair)
    cells = []
    for i, row in enumerate(pair.rows):
        for j, column in enumerate(pair.columns):
            marks = [letters.column_letters[j], letters.letters[i][j]] if letters else ["", ""]
            cells.append(
                ["", row, column, int(test.table[i, j])]
                + [_at(table, i, j) for table in derived]
                + marks
                + [_at(weighted, i, j)]
            )
    return cells


def _weighted_counts(pair: TwoWayPair) -> list | None:
    """Σw of each kept cell, in a weighted analysis."""
    kept = pair.weighted_kept()
    return None if kept is None else rounded(kept.totals)


def _at(table: list | None, i: int, j: int) -> object:
    return "" if table is None else table[i][j]


def _item_cells(pair: MultipleResponsePair, analysis: Analysis) -> list[list]:
    cells = []
    for item in pair.items:
        if item.a_choice is None:
            name = item.choice
            rows = _group_names(analysis, pair, len(item.test.table))
            columns = ["chosen", "not chosen"]
        else:
            name = f"{item.a_choice}/{item.choice}"
            rows = [f"{item.a_choice} chosen", f"{item.a_choice} not chosen"]
            columns = [f"{item.choice} chosen", f"{item.choice} not chosen"]
        for i, counts in enumerate(item.test.table):
            for j, count in enumerate(counts):
                cells.append([name, rows[i], columns[j], count, "", "", "", "", "", "", ""])
    return cells


def _group_names(analysis: Analysis, pair: MultipleResponsePair, size: int) -> list[str]:
    """The single-choice question's answers that have respondents, named by their code when
    every answer has some (else by position among those that do)."""
    single = analysis.question(pair.a if analysis.question(pair.a).kind != "multi" else pair.b)
    codes = [entry.choice for entry in single.frequencies]
    return codes if len(codes) == size else [f"group {k}" for k in range(1, size + 1)]


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()
