"""A parsed condition: frozen dataclasses, their canonical source and their JSON for the form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.errors import ApplicationError


class ConditionInvalid(ApplicationError):
    """The condition cannot be used; the message names the character and what is wrong."""


@dataclass(frozen=True)
class Answer:
    """The answer to an earlier question. ``order`` is the choice codes of an ordinal, by
    which <, >, <= and >= compare."""

    code: str
    kind: str
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class CountSelected:
    """``count-selected(${code})``: how many options of a multi choice are ticked."""

    code: str


@dataclass(frozen=True)
class Comparison:
    subject: Answer | CountSelected
    operator: str
    value: str | Decimal  # a choice code or text (str), or a number; '' is "no answer"


@dataclass(frozen=True)
class Selected:
    code: str
    choice: str


@dataclass(frozen=True)
class Not:
    operand: Condition


@dataclass(frozen=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    left: Condition
    right: Condition


Condition = Comparison | Selected | Not | And | Or


def condition_text(condition: Condition) -> str:
    """The canonical source: single spaces, single quotes (double if the text holds one),
    parentheses only where the precedence of "and" over "or" needs them."""
    if isinstance(condition, Or):
        left, right = condition.left, condition.right
        return f"{condition_text(left)} or {_grouped(right, (Or,))}"
    if isinstance(condition, And):
        left, right = condition.left, condition.right
        return f"{_grouped(left, (Or,))} and {_grouped(right, (Or, And))}"
    if isinstance(condition, Not):
        return f"not({condition_text(condition.operand)})"
    if isinstance(condition, Selected):
        return f"selected(${{{condition.code}}}, {_quoted(condition.choice)})"
    reference = f"${{{condition.subject.code}}}"
    if isinstance(condition.subject, CountSelected):
        reference = f"count-selected({reference})"
    value = condition.value
    shown = _quoted(value) if isinstance(value, str) else _number_text(value)
    return f"{reference} {condition.operator} {shown}"


def _grouped(operand: Condition, regrouping: tuple[type, ...]) -> str:
    """An operand of "and"/"or" in parentheses when, written bare, it would regroup (both
    associate to the left, and "and" binds tighter than "or")."""
    text = condition_text(operand)
    return f"({text})" if isinstance(operand, regrouping) else text


def _quoted(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"


def _number_text(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


def condition_json(condition: Condition) -> dict:
    """The condition as the small tree static/js/skip-logic.js judges (the same rules as
    surveys.conditions.judging): {"op": "and"|"or"|"not", "args": [...]},
    {"op": "selected", "question", "choice"}, {"op": "compare", "question", "count" (true
    for count-selected), "kind", "operator", "value" ('' is no answer), "order" (ordinal)}."""
    if isinstance(condition, And | Or):
        op = "and" if isinstance(condition, And) else "or"
        return {"op": op, "args": [condition_json(condition.left), condition_json(condition.right)]}
    if isinstance(condition, Not):
        return {"op": "not", "args": [condition_json(condition.operand)]}
    if isinstance(condition, Selected):
        return {"op": "selected", "question": condition.code, "choice": condition.choice}
    subject, value = condition.subject, condition.value
    tree = {
        "op": "compare",
        "question": subject.code,
        "count": isinstance(subject, CountSelected),
        "kind": "multi",
        "operator": condition.operator,
        "value": value if isinstance(value, str) else float(value),
        "order": [],
    }
    if isinstance(subject, Answer):
        tree.update(kind=subject.kind, order=list(subject.order))
    return tree
