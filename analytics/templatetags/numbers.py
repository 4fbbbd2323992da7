"""``{{ value|p_value }}``, ``{{ value|p_is }}``: a p-value as the page's language writes
it, "< 0.001" (or "< 0,001") below a thousandth, otherwise four decimals; "–" when there is
none."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def p_value(p: float | None) -> str:
    if p is None:
        return "–"
    if p < 0.001:
        return f"< {number_format(0.001, 3)}"
    return number_format(round(p, 4), 4)  # number_format alone cuts off, not rounds


@register.filter
def p_is(p: float | None) -> str:
    """The same with its sign, to follow a "p": "= 0.0427" or "< 0.001"."""
    shown = p_value(p)
    return shown if shown.startswith("<") or p is None else f"= {shown}"
