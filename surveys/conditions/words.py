"""A condition in words for people: the no-JavaScript form ("Answer only if …") and the
editor say which earlier question it depends on by its number, and which answer by its
label, in the respondent's language."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _

from surveys.conditions.tree import And, Comparison, Condition, CountSelected, Not, Or, Selected

if TYPE_CHECKING:
    from surveys.questionnaire import QuestionnaireSpec


def question_numbers(spec: QuestionnaireSpec) -> dict[str, int]:
    """The number the form shows before each question; notes are not numbered."""
    answered = [question.code for question in spec.questions if not question.is_note]
    return {code: number for number, code in enumerate(answered, start=1)}


def condition_words(condition: Condition, spec: QuestionnaireSpec, language: str) -> str:
    """E.g. "the answer to question 4 is “Yes” or the answer to question 4 is “Partly”"."""
    with translation.override(language):
        return _Words(spec, language).say(condition)


class _Words:
    def __init__(self, spec: QuestionnaireSpec, language: str):
        self.questions = {question.code: question for question in spec.questions}
        self.numbers = question_numbers(spec)
        self.language = language

    def say(self, condition: Condition) -> str:
        if isinstance(condition, Or):
            left, right = self.say(condition.left), self.grouped(condition.right, (Or,))
            return _("%(left)s or %(right)s") % {"left": left, "right": right}
        if isinstance(condition, And):
            left = self.grouped(condition.left, (Or,))
            right = self.grouped(condition.right, (Or, And))
            return _("%(left)s and %(right)s") % {"left": left, "right": right}
        if isinstance(condition, Not):
            return _("not (%(condition)s)") % {"condition": self.say(condition.operand)}
        if isinstance(condition, Selected):
            return _("“%(choice)s” is chosen in question %(number)s") % {
                "choice": self.label(condition.code, condition.choice),
                "number": self.numbers[condition.code],
            }
        return self.comparison(condition)

    def grouped(self, condition: Condition, regrouping: tuple[type, ...]) -> str:
        words = self.say(condition)
        return f"({words})" if isinstance(condition, regrouping) else words

    def label(self, code: str, choice: str) -> str:
        question = self.questions[code]
        return next(c.label[self.language] for c in question.choices if c.code == choice)

    def comparison(self, comparison: Comparison) -> str:
        subject, value = comparison.subject, comparison.value
        number = self.numbers[subject.code]
        if value == "":
            if comparison.operator == "=":
                return _("question %(number)s is not answered") % {"number": number}
            return _("question %(number)s is answered") % {"number": number}
        if isinstance(subject, CountSelected):
            what, kind = _("the number of options chosen in question %(number)s"), "number"
        else:
            what, kind = _("the answer to question %(number)s"), subject.kind
        template = self.templates(kind)[comparison.operator]
        return template % {"subject": what % {"number": number}, "value": self.value(comparison)}

    def value(self, comparison: Comparison) -> str:
        value = comparison.value
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f")
            return text if self.language == "en" else text.replace(".", ",")
        subject = comparison.subject
        if isinstance(subject, CountSelected) or subject.kind == "text":
            return value
        return self.label(subject.code, value)

    @staticmethod
    def templates(kind: str) -> dict[str, str]:
        if kind == "number":
            return {
                "=": _("%(subject)s is %(value)s"),
                "!=": _("%(subject)s is not %(value)s"),
                "<": _("%(subject)s is less than %(value)s"),
                ">": _("%(subject)s is more than %(value)s"),
                "<=": _("%(subject)s is at most %(value)s"),
                ">=": _("%(subject)s is at least %(value)s"),
            }
        return {
            "=": _("%(subject)s is “%(value)s”"),
            "!=": _("%(subject)s is not “%(value)s”"),
            "<": _("%(subject)s comes before “%(value)s”"),
            ">": _("%(subject)s comes after “%(value)s”"),
            "<=": _("%(subject)s is “%(value)s” or comes before it"),
            ">=": _("%(subject)s is “%(value)s” or comes after it"),
        }
