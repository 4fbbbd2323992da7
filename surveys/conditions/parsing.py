"""The grammar of the XLSForm subset (surveys.conditions) and the checks of a parsed condition
against the questions before it."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING

from surveys.conditions.tree import (
    And,
    Answer,
    Comparison,
    Condition,
    ConditionInvalid,
    CountSelected,
    Not,
    Or,
    Selected,
)

if TYPE_CHECKING:
    from surveys.questionnaire import QuestionSpec

GRAMMAR = r"""
?start: either
?either: both | either OR both -> or_
?both: factor | both AND factor -> and_
?factor: comparison | selected | negation | LPAR either RPAR -> group
negation: NOT LPAR either RPAR
selected: SELECTED LPAR REF COMMA STRING RPAR
comparison: subject COMPARATOR literal
subject: REF | COUNT LPAR REF RPAR
literal: STRING | NUMBER

OR: "or"
AND: "and"
NOT: "not"
SELECTED: "selected"
COUNT: "count-selected"
LPAR: "("
RPAR: ")"
COMMA: ","
REF: /\$\{\s*[A-Za-z_][A-Za-z0-9_.-]*\s*\}/
STRING: /'[^']*'|"[^"]*"/
NUMBER: /-?(\d+(\.\d*)?|\.\d+)/
COMPARATOR: "!=" | "<=" | ">=" | "=" | "<" | ">"
%ignore /[ \t\r\n]+/
"""

# What each terminal is, for "expected ..." in an error.
TERMINAL_WORDS = {
    "OR": "'or'",
    "AND": "'and'",
    "NOT": "not(",
    "SELECTED": "selected(",
    "COUNT": "count-selected(",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "REF": "a question such as ${q04}",
    "STRING": "a text in quotes such as 'yes'",
    "NUMBER": "a number",
    "COMPARATOR": "a comparison (=, !=, <, >, <=, >=)",
    "$END": "the end",
}
ORDER_OPERATORS = ("<", ">", "<=", ">=")
KIND_NAMES = {
    "single": "a single-choice",
    "ordinal": "an ordinal",
    "multi": "a multi-choice",
    "number": "a number",
    "text": "a text",
}


@functools.cache
def _parser():
    from lark import Lark

    return Lark(GRAMMAR, parser="lalr", lexer="basic", maybe_placeholders=False)


def condition_parse(
    source: str, earlier: dict[str, QuestionSpec], *, later: frozenset[str] = frozenset()
) -> Condition:
    """Parse ``source`` against the questions before this one (``earlier``, by code).

    ``later`` (the codes of this question and those after it) only sharpens the message for
    a forward reference. Raises ConditionInvalid naming the character (counted from 1).
    """
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    try:
        tree = _parser().parse(source)
    except UnexpectedToken as error:
        at_end = error.token.type == "$END"
        position = len(source) if at_end else error.token.start_pos
        raise _syntax_error(source, position, error.expected) from None
    except UnexpectedCharacters as error:
        position = error.pos_in_stream or 0
        raise ConditionInvalid(
            f"at character {position + 1}: {source[position]!r} is not part of a condition, "
            "which is made of ${question}, texts in quotes, numbers, = != < > <= >=, and, or, "
            "not(), selected(), count-selected() and brackets."
        ) from None
    return _Builder(earlier, later).build(tree)


def _syntax_error(source: str, position: int, expected) -> ConditionInvalid:
    words = " or ".join(sorted({TERMINAL_WORDS.get(name, name) for name in expected}))
    found = f"found {source[position : position + 12]!r}" if position < len(source) else "it ends"
    return ConditionInvalid(f"at character {position + 1}: expected {words}, but {found}.")


class _Builder:
    """Turns the parse tree into a Condition, checking each name, choice and operator."""

    def __init__(self, earlier: dict[str, QuestionSpec], later: frozenset[str]):
        self.earlier = earlier
        self.later = later

    def build(self, tree) -> Condition:
        kind = tree.data
        if kind == "or_":
            return Or(self.build(tree.children[0]), self.build(tree.children[2]))
        if kind == "and_":
            return And(self.build(tree.children[0]), self.build(tree.children[2]))
        if kind == "group":
            return self.build(tree.children[1])
        if kind == "negation":
            return Not(self.build(tree.children[2]))
        if kind == "selected":
            return self.selected(tree.children[2], tree.children[4])
        return self.comparison(*tree.children)

    def question(self, token) -> QuestionSpec:
        code = token.value[2:-1].strip()
        where = f"at character {token.start_pos + 1}"
        if code in self.later:
            raise ConditionInvalid(
                f"{where}: {code} is not before this question; a condition can only use "
                "the answers to earlier questions."
            )
        question = self.earlier.get(code)
        if question is None:
            raise ConditionInvalid(f"{where}: there is no question {code}.")
        if question.is_note:
            raise ConditionInvalid(f"{where}: {code} is a note, which takes no answer.")
        return question

    def selected(self, ref, literal) -> Selected:
        question = self.question(ref)
        if question.kind not in ("single", "ordinal", "multi"):
            raise ConditionInvalid(
                f"at character {ref.start_pos + 1}: selected() needs a choice question, and "
                f"{question.code} is {KIND_NAMES[question.kind]} question."
            )
        return Selected(question.code, self.choice(question, literal))

    def choice(self, question: QuestionSpec, literal) -> str:
        code = literal.value[1:-1]
        if code not in question.choice_codes:
            raise ConditionInvalid(
                f"at character {literal.start_pos + 1}: {code!r} is not a choice of "
                f"{question.code} (its choices: {', '.join(question.choice_codes)})."
            )
        return code

    def comparison(self, subject_tree, operator, literal_tree) -> Comparison:
        literal = literal_tree.children[0]
        tokens = subject_tree.children
        question = self.question(tokens[-2] if len(tokens) > 1 else tokens[0])
        where = f"at character {operator.start_pos + 1}"
        if len(tokens) > 1:
            if not question.is_multi:
                raise ConditionInvalid(
                    f"at character {tokens[0].start_pos + 1}: count-selected() needs a "
                    f"multi-choice question, and {question.code} is "
                    f"{KIND_NAMES[question.kind]} question."
                )
            return Comparison(CountSelected(question.code), operator.value, _number(literal))
        subject = Answer(
            question.code,
            question.kind,
            tuple(question.choice_codes) if question.is_ordinal else (),
        )
        if literal.type == "STRING" and literal.value[1:-1] == "":
            if operator.value not in ("=", "!="):
                raise ConditionInvalid(f"{where}: '' (no answer) takes only = or !=.")
            return Comparison(subject, operator.value, "")
        return Comparison(subject, operator.value, self.value(question, operator, literal))

    def value(self, question: QuestionSpec, operator, literal) -> str | Decimal:
        where = f"at character {operator.start_pos + 1}"
        code = question.code
        if question.is_multi:
            raise ConditionInvalid(
                f"{where}: {code} is a multi-choice question; ask whether an option is ticked "
                f"with selected(${{{code}}}, 'option') or count them with count-selected()."
            )
        if operator.value in ORDER_OPERATORS and question.kind not in ("ordinal", "number"):
            raise ConditionInvalid(
                f"{where}: {operator.value} needs an ordered answer (a number or an ordinal "
                f"question), and {code} is {KIND_NAMES[question.kind]} question; use = or !=."
            )
        if question.is_number:
            return _number(literal, f"{code} is a number question: ")
        if literal.type != "STRING":
            raise ConditionInvalid(
                f"at character {literal.start_pos + 1}: {code} is "
                f"{KIND_NAMES[question.kind]} question; compare it with a text in quotes."
            )
        return literal.value[1:-1] if question.is_text else self.choice(question, literal)


def _number(literal, why: str = "") -> Decimal:
    if literal.type != "NUMBER":
        raise ConditionInvalid(
            f"at character {literal.start_pos + 1}: {why}compare it with a number, "
            "written without quotes."
        )
    return Decimal(literal.value)
