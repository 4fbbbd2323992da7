"""Whether a condition holds over the answers given so far, as ODK judges it."""

from decimal import Decimal

from surveys.conditions.tree import And, Comparison, Condition, CountSelected, Not, Or, Selected


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
    if given in (None, "", []):
        return operator == ("=" if value == "" else "!=")
    if value == "":
        return operator == "!="
    if subject.kind == "ordinal":
        return _compared(subject.order.index(given), operator, subject.order.index(value))
    if subject.kind == "number":
        return _compared(Decimal(str(given)), operator, value)
    return _compared(given, operator, value)


def _compared(left, operator: str, right) -> bool:
    return {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        ">": left > right,
        "<=": left <= right,
        ">=": left >= right,
    }[operator]
