"""Reference data sets through import_responses + analyze come out as R and MRCV print."""

import csv
import json
from pathlib import Path

import pytest

from tests.factories import analyze, import_csv, questionnaire

FIXTURES = Path(__file__).parent.parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "two_way_reference.json").read_text())


def rows_of(table: list[list[int]]) -> list[list[str]]:
    """One CSV row per respondent of a contingency table."""
    return [
        [f"r{i}", f"c{j}"]
        for i, counts in enumerate(table)
        for j, count in enumerate(counts)
        for _ in range(count)
    ]


TABLES = sorted(k for k, v in REFERENCE.items() if isinstance(v, dict) and "table" in v)


@pytest.mark.django_db
@pytest.mark.parametrize("name", TABLES)
def test_it_reproduces_the_reference_two_way_tables(tmp_path, name):
    expected = REFERENCE[name]
    table = expected["table"]
    slug = name.replace("_", "-")
    questionnaire(
        slug,
        [
            ("a", "single", [f"r{i}" for i in range(len(table))]),
            ("b", "single", [f"c{j}" for j in range(len(table[0]))]),
        ],
    )
    import_csv(tmp_path, slug, ["a", "b"], rows_of(table))
    pair = analyze(slug)["pairs"][0]
    for field in ("statistic", "g2", "min_expected"):
        assert pair[field] == pytest.approx(expected[field], rel=1e-6)
    for field in ("p", "g2_p"):
        assert pair[field] == pytest.approx(expected[field], rel=1e-4)
    for field in ("cramers_v", "cramers_v_corrected"):
        assert pair[field] == pytest.approx(expected[field], abs=1e-4)
    assert pair["df"] == expected["df"]
    assert pair["cochran_ok"] == expected["cochran_ok"]
    assert pair["cells_expected_below_5"] == expected["cells_expected_below_5"]
    if expected.get("yates_statistic") is not None:
        for field in ("yates_statistic", "yates_p", "fisher_p"):
            assert pair[field] == pytest.approx(expected[field], rel=1e-4)
    residuals = [cell for row in pair["adjusted_residuals"] for cell in row]
    published = [cell for row in expected["adjusted_residuals"] for cell in row]
    assert residuals == pytest.approx(published, abs=1e-5)


@pytest.mark.django_db
def test_it_reproduces_the_published_farmer1_multiple_response_test(tmp_path):
    options = ["y1", "y2", "y3", "y4", "y5"]
    questionnaire(
        "farmer1",
        [("ed", "single", ["e1", "e2", "e3", "e4", "e5"]), ("storage", "multi", options)],
    )
    with (FIXTURES / "farmer1.csv").open() as handle:
        rows = [[f"e{r['Ed']}", *(r[f"Y{k}"] for k in range(1, 6))] for r in csv.DictReader(handle)]
    import_csv(tmp_path, "farmer1", ["ed", *(f"storage.{o}" for o in options)], rows)
    pair = analyze("farmer1")["pairs"][0]
    assert pair["kind"] == "single×multi"
    assert pair["n"] == 262
    assert [round(item["statistic"], 2) for item in pair["items"]] == [
        5.96,
        7.89,
        4.62,
        1.42,
        10.95,
    ]
    assert pair["statistic"] == pytest.approx(30.84, abs=0.01)
    assert pair["p_bonferroni"] == pytest.approx(0.1357, abs=0.0001)
    assert pair["rs2_statistic"] == pytest.approx(28.68, abs=0.01)
    assert pair["rs2_df"] == pytest.approx(18.6, abs=0.05)
    assert pair["p"] == pytest.approx(0.0632, abs=0.0001)


@pytest.mark.django_db
def test_it_reproduces_the_150_row_table_from_raw_rows(tmp_path):
    expected = REFERENCE["mod10_mod4_n150"]
    questionnaire(
        "mod",
        [
            ("a", "single", [f"r{i}" for i in range(10)]),
            ("b", "single", [f"c{j}" for j in range(4)]),
        ],
    )
    import_csv(tmp_path, "mod", ["a", "b"], [[f"r{i % 10}", f"c{i % 4}"] for i in range(150)])
    pair = analyze("mod")["pairs"][0]
    assert pair["cramers_v"] == pytest.approx(expected["cramers_v"], abs=1e-4)
    assert pair["cramers_v_corrected"] == pytest.approx(expected["cramers_v_corrected"], abs=1e-4)
