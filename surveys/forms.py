"""The questionnaire as an HTML form, built from the stored questionnaire.

A submission's POST data is read straight into an answers document (form_submission);
every rule lives in surveys.answers, so the form, the API and the CSV import refuse the same
things. The form (QuestionnaireForm) shows the questions, and the problems when a
submission is refused.
"""

import json
import uuid
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BoundField
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from surveys.answers import (
    OTHER_TEXT_MAX_LENGTH,
    AnswersInvalid,
    number_range,
    question_conditions,
)
from surveys.conditions import condition_json, condition_words, question_numbers
from surveys.questionnaire import TEXT_MAX_LENGTH, QuestionnaireSpec, QuestionSpec

MAX_DURATION_MS = 24 * 3600 * 1000
HONEYPOT = "website"  # an innocuous name that form-filling bots fill in
FORM_DAMAGED = _("This page is incomplete. Please reload it and answer again.")


# The fields every questionnaire's form has, besides its questions': shared by every form,
# as the answer fields are (below), not declared on the class, whose fields Django copies
# deeply for each form (a few percent of a submission's CPU).
FORM_FIELDS: dict[str, forms.Field] = {
    "client_token": forms.UUIDField(widget=forms.HiddenInput),
    "started_at_ms": forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0),
    # The honeypot, written out in the template: hidden from people (CSS, aria-hidden, out
    # of the tab order), an ordinary input to bots.
    HONEYPOT: forms.CharField(required=False, strip=False, label=_("Leave this field empty")),
}


class QuestionnaireForm(forms.Form):
    def __init__(self, spec: QuestionnaireSpec, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.language = language
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4())
        # Shared by every form of this questionnaire and language: judging and rendering
        # only read them.
        self.fields.update(FORM_FIELDS)
        self.fields.update(_answer_fields(spec, language))

    # What showing the form needs (a valid submission is stored without them).

    @cached_property
    def conditions(self) -> dict:
        return {q.code: c for q, c in question_conditions(self.spec.questions)}

    @cached_property
    def numbers(self) -> dict:
        return question_numbers(self.spec)

    def judged_errors(self) -> dict:
        """Errors only once the form was judged: a language switch must not show them."""
        return self._errors or {}  # type: ignore[attr-defined]  # Django's own cache

    def error_summary(self) -> list[tuple[str | None, str]]:
        """(anchor, message) per faulty question, then the errors of the whole form."""
        errors = self.judged_errors()
        rows: list[tuple[str | None, str]] = [
            (f"q-{row['spec'].code}", f"{row['number']}. {row['errors'][0]}")
            for row in self.questions()
            if row["errors"]
        ]
        if any(name in errors for name in ("client_token", "started_at_ms")):
            rows.append((None, str(FORM_DAMAGED)))
        return rows + [(None, message) for message in errors.get(NON_FIELD_ERRORS, [])]

    def questions(self) -> list[dict]:
        """What the template needs per question, in questionnaire order (notes included,
        without a number or a field)."""
        errors = self.judged_errors()
        return [self._row(question, errors.get(question.code)) for question in self.spec.questions]

    def _row(self, question: QuestionSpec, errors: list | None) -> dict:
        code = question.code
        condition = self.conditions.get(code)
        row = {
            "number": self.numbers.get(code),
            "spec": question,
            "text": question.text[self.language],
            "hint": question.hint.get(self.language, ""),
            "rule": _answer_rule(question),
            "unit": question.unit.get(self.language, ""),
            "field": self[code] if code in self.fields else None,
            "other": self[question.other_key] if question.other_key in self.fields else None,
            "errors": errors,
            "condition_json": json.dumps(condition_json(condition)) if condition else "",
            "condition_words": (
                condition_words(condition, self.spec, self.language) if condition else ""
            ),
        }
        row["describedby"] = " ".join(
            f"q-{code}-{part}"
            for part, shown in (
                ("hint", row["hint"]),
                ("rule", row["rule"]),
                ("unit", row["unit"]),
                ("condition", condition),
                ("error", errors),
            )
            if shown
        )
        field = row["field"]
        if isinstance(field, BoundField) and (question.is_number or question.is_text):
            # A lone input names its own description; a fieldset of options names it.
            attrs: dict[str, str | bool] = {}
            if row["describedby"]:
                attrs["aria-describedby"] = str(row["describedby"])
            if errors:
                attrs["aria-invalid"] = "true"
            row["input"] = field.as_widget(attrs=attrs)
        return row

    def answers_refused(self, refusal: AnswersInvalid) -> None:
        """Show each problem with the answers beside its question (or above the form)."""
        for code, message in refusal.errors.items():
            self.add_error(code if code in self.fields else None, message)


@dataclass(frozen=True)
class FormSubmission:
    """What a respondent's POST says: the answers as the API takes them, and the page's own
    fields. The questionnaire's rules (a choice among its options, a number in its range,
    "other" with its text, a question asked only under a condition…) are checked where the
    answers are stored, by surveys.submissions.response_submit, as for the API and the CSV
    import; an AnswersInvalid from there goes back to the form (QuestionnaireForm)."""

    answers: dict
    client_token: uuid.UUID
    started_at_ms: int | None
    honeypot: str

    def suspect_reasons(self, now_ms: int) -> list[str]:
        """Why the submission looks automated: the honeypot was filled, or the form came
        back sooner than SURVEY_MIN_FILL_SECONDS after it was shown. Empty: nothing odd."""
        reasons = []
        if self.honeypot:
            reasons.append("honeypot")
        started = self.started_at_ms
        if started and 0 <= now_ms - started < settings.SURVEY_MIN_FILL_SECONDS * 1000:
            reasons.append("too_fast")
        return reasons

    def duration_ms(self, now_ms: int) -> int | None:
        started = self.started_at_ms
        if not started or not 0 <= now_ms - started <= MAX_DURATION_MS:
            return None
        return now_ms - started


def form_submission(spec: QuestionnaireSpec, data: QueryDict) -> FormSubmission | None:
    """The submission read straight from the POST data, without building the form (12 % of
    a form submission's instructions, docs/benchmarks.md): None when the page's own fields
    are damaged, which the form then says.

    The answers are what the form's fields would give: the ticked options of a multi-choice
    question (ticking nothing is an answer, "none of these"), the value of any other
    question answered, and the text of a question's "other" option when given."""
    try:
        client_token = FORM_FIELDS["client_token"].clean(data.get("client_token"))
        started_at_ms = FORM_FIELDS["started_at_ms"].clean(data.get("started_at_ms"))
        honeypot = FORM_FIELDS[HONEYPOT].clean(data.get(HONEYPOT))
    except ValidationError:
        return None
    answers: dict = {}
    for question in spec.answered_questions:
        if question.is_multi:
            answers[question.code] = data.getlist(question.code)
        elif value := data.get(question.code):
            answers[question.code] = value
        if question.other_choice and (text := data.get(question.other_key)):
            answers[question.other_key] = text
    return FormSubmission(answers, client_token, started_at_ms, honeypot)


# The answer fields per questionnaire and language, built once per process: a form's
# choices cost about 0.4 ms of CPU to build (Django normalises them), every submission paid
# that. A questionnaire's new revision is a new spec object (surveys.selectors).
_ANSWER_FIELDS: dict[tuple[int, str], tuple[QuestionnaireSpec, dict[str, forms.Field]]] = {}
ANSWER_FIELDS_KEPT = 64


def _answer_fields(spec: QuestionnaireSpec, language: str) -> dict[str, forms.Field]:
    kept = _ANSWER_FIELDS.get((id(spec), language))
    if kept is None or kept[0] is not spec:
        if len(_ANSWER_FIELDS) >= ANSWER_FIELDS_KEPT:
            _ANSWER_FIELDS.clear()
        kept = (spec, _answer_fields_built(spec, language))
        _ANSWER_FIELDS[id(spec), language] = kept
    return kept[1]


def _answer_fields_built(spec: QuestionnaireSpec, language: str) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for question in spec.answered_questions:
        fields[question.code] = _answer_field(question, language)
        if question.other_choice:
            fields[question.other_key] = forms.CharField(
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": OTHER_TEXT_MAX_LENGTH}),
            )
    return fields


def _answer_field(question: QuestionSpec, language: str) -> forms.Field:
    if question.is_number:
        return forms.CharField(required=False, strip=False, widget=_number_input(question))
    if question.is_text:
        attrs = {"rows": 4, "maxlength": question.max_length or TEXT_MAX_LENGTH}
        return forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs))
    choices = [(c.code, c.label[language]) for c in question.choices]
    if question.is_multi:
        return forms.MultipleChoiceField(
            choices=choices, required=False, widget=forms.CheckboxSelectMultiple
        )
    return forms.ChoiceField(choices=choices, required=False, widget=forms.RadioSelect)


def _number_input(question: QuestionSpec) -> forms.TextInput:
    """A text input, not type=number: that one drops what it cannot read (12,5 in some
    browsers) instead of letting the server say what is wrong. The keyboard a phone shows
    has no minus sign, so only for questions that take no negative number."""
    attrs = {"autocomplete": "off", "class": "number"}
    if question.minimum is not None and question.minimum >= 0:
        attrs["inputmode"] = "numeric" if question.integer else "decimal"
    return forms.TextInput(attrs)


def _answer_rule(question: QuestionSpec) -> str:
    """What a number or text answer must be, said under the question."""
    if question.is_text:
        limit = question.max_length or TEXT_MAX_LENGTH
        return str(_("Up to %(limit)d characters.") % {"limit": limit})
    if not question.is_number:
        return ""
    bounds = number_range(question)
    if not bounds:
        return str(_("A whole number.")) if question.integer else ""
    if question.integer:
        return str(_("A whole number %(range)s.") % {"range": bounds})
    return str(_("A number %(range)s.") % {"range": bounds})
