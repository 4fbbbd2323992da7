"""Numbers as a paper in each language prints them.

English follows APA style (7th ed., §6.36): a statistic that cannot exceed 1 (p, V) has no
leading zero ("p < .001", "Ṽ = .26"). Russian and Kazakh papers (GOST 8.417) write a decimal
comma and keep the leading zero ("p < 0,001", "Ṽ = 0,26"); thousands are grouped with a
thin space in all three.
"""

from datetime import date

from django.utils import formats, translation

DECIMAL_COMMA = ("ru", "kk")
THIN_SPACE = "\u202f"


def number(value: float | None, digits: int, language: str) -> str:
    """``value`` rounded to ``digits`` decimals, with the language's separators; "–" if None."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".replace(",", THIN_SPACE)
    return text.replace(".", ",") if language in DECIMAL_COMMA else text


def share(value: float | None, digits: int, language: str) -> str:
    """A value between 0 and 1 (p, V): without the leading zero in English (APA)."""
    text = number(value, digits, language)
    if language in DECIMAL_COMMA or value is None:
        return text
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def p_value(p: float | None, language: str) -> str:
    """ "p < .001" or "p = .042" (en), "p < 0,001" or "p = 0,042" (ru, kk)."""
    if p is None:
        return "p = –"
    if p < 0.001:
        return f"p < {share(0.001, 3, language)}"
    return f"p = {share(p, 3, language)}"


def p_cell(p: float | None, language: str) -> str:
    """p in a table cell: "< .001" or ".042" (en), "< 0,001" or "0,042" (ru, kk)."""
    return p_value(p, language).removeprefix("p = ").removeprefix("p ")


def count(value: int, language: str) -> str:
    return number(value, 0, language)


def day(value: date | None) -> str:
    """A date in the active language's format ("4 декабря 2026 г."); "–" if None."""
    if value is None:
        return "–"
    if translation.get_language() == "kk":  # Django has no Kazakh date format
        return f"{value.day} {formats.date_format(value, 'F').lower()} {value.year} ж."
    return formats.date_format(value, "DATE_FORMAT")
