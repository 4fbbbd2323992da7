"""Numbers as each language's papers print them (exports/report/numbers.py)."""

from datetime import date

import pytest
from django.utils import translation

from exports.report.numbers import count, day, number, p_cell, p_value, share


@pytest.mark.parametrize(
    ("language", "p", "expected"),
    [
        ("en", 0.0004, "p < .001"),
        ("en", 0.04213, "p = .042"),
        ("ru", 0.0004, "p < 0,001"),
        ("kk", 0.04213, "p = 0,042"),
        ("en", None, "p = –"),
    ],
)
def test_it_writes_p_as_a_paper_in_the_language_does(language, p, expected):
    assert p_value(p, language) == expected


def test_it_drops_the_leading_zero_of_a_share_only_in_english():
    assert share(0.2634, 2, "en") == ".26"
    assert share(0.2634, 2, "ru") == "0,26"
    assert share(1.0, 2, "en") == "1.00"
    assert p_cell(0.00001, "kk") == "< 0,001"
    assert p_cell(0.5, "en") == ".500"


def test_it_groups_thousands_and_uses_the_decimal_comma():
    assert number(41.2049, 2, "en") == "41.20"
    assert number(41.2049, 2, "ru") == "41,20"
    assert count(1_000_000, "kk") == "1\u202f000\u202f000"
    assert number(None, 2, "en") == "–"


def test_it_writes_dates_in_the_language():
    with translation.override("kk"):
        assert day(date(2026, 12, 4)) == "4 желтоқсан 2026 ж."
    with translation.override("ru"):
        assert day(date(2026, 12, 4)) == "4 декабря 2026 г."
    assert day(None) == "–"
