"""Whether a condition holds over the answers given so far, as ODK judges it."""

import math
from decimal import Decimal

from surveys.conditions.tree import (
    And,
    Answer,
    Comparison,
    Condition,
    CountSelected,
    Not,
    Or,
    Selected,
)


def condition_holds(condition: Condition, answers: dict) -> bool:
    """Whether the question is asked, given the (cleaned) answers so far; a missing answer
    is the empty value, as in ODK (module docstring)."""
    if isinstance(condition, And):
        return condition_holds(condition.left, answers) and condition_holds(
            condition.right, answers
        )
    if isinstance(condition, Or):
        return condition_holds(condition.left, answers) or condition_holds(condition.right, answers)
    if isinstance(condition, Not):
        return not condition_holds(condition.operand, answers)
    if isinstance(condition, Selected):
        given = answers.get(condition.code)
        return condition.choice in given if isinstance(given, list) else condition.choice == given
    return _comparison_holds(condition, answers)


def _comparison_holds(comparison: Comparison, answers: dict) -> bool:
    subject, operator, value = comparison.subject, comparison.operator, comparison.value
    given = answers.get(subject.code)
    if isinstance(subject, CountSelected):
        return _compared(Decimal(len(given) if isinstance(given, list) else 0), operator, value)
    left = _comparable(subject, given)
    if left is None:
        return operator == ("=" if value == "" else "!=")
    if value == "":
        return operator == "!="
    right = subject.order.index(value) if subject.kind == "ordinal" else value
    return _compared(left, operator, right)


def _comparable(subject: Answer, given: object) -> int | Decimal | str | None:
    """The answer as compared (an ordinal by its rank), or None for no answer. Answers are
    judged once cleaned; anything not of the question's kind counts as no answer."""
    if subject.kind == "ordinal":
        return subject.order.index(given) if given in subject.order else None
    if subject.kind == "number":
        if isinstance(given, bool) or not isinstance(given, int | float):
            return None
        return Decimal(str(given)) if math.isfinite(given) else None
    return given if isinstance(given, str) and given else None


def _compared(left, operator: str, right) -> bool:
    return {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        ">": left > right,
        "<=": left <= right,
        ">=": left >= right,
    }[operator]
