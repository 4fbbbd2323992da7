"""The questionnaire as an HTML form, built from the stored questionnaire.

The form only turns POST data into an answers document; every rule lives in
surveys.answers, so the form, the API and the CSV import refuse the same things.
"""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from surveys.answers import OTHER_TEXT_MAX_LENGTH, AnswersInvalid, answers_clean
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec

MAX_DURATION_MS = 24 * 3600 * 1000
HONEYPOT = "website"  # an innocuous name that form-filling bots fill in
FORM_DAMAGED = _("This page is incomplete. Please reload it and answer again.")


class QuestionnaireForm(forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput)
    started_at_ms = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # The honeypot, written out in the template: hidden from people (CSS, aria-hidden, out
    # of the tab order), an ordinary input to bots.
    website = forms.CharField(required=False, strip=False, label=_("Leave this field empty"))

    def __init__(self, spec: QuestionnaireSpec, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.language = language
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4())
        for question in spec.questions:
            self.fields[question.code] = self._answer_field(question)
            if question.other_choice:
                self.fields[question.other_key] = forms.CharField(
                    required=False,
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 2, "maxlength": OTHER_TEXT_MAX_LENGTH}),
                )

    def _answer_field(self, question: QuestionSpec) -> forms.Field:
        choices = [(c.code, c.label[self.language]) for c in question.choices]
        if question.is_multi:
            return forms.MultipleChoiceField(
                choices=choices, required=False, widget=forms.CheckboxSelectMultiple
            )
        return forms.ChoiceField(choices=choices, required=False, widget=forms.RadioSelect)

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
        """What the template needs per question, in questionnaire order."""
        errors = self.judged_errors()
        rows = []
        for number, question in enumerate(self.spec.questions, start=1):
            other_key = question.other_key
            rows.append(
                {
                    "number": number,
                    "spec": question,
                    "text": question.text[self.language],
                    "field": self[question.code],
                    "other": self[other_key] if other_key in self.fields else None,
                    "errors": errors.get(question.code),
                }
            )
        return rows

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        try:
            cleaned["answers"] = answers_clean(self.spec.questions, self._answers_document())
        except AnswersInvalid as error:
            for code, message in error.errors.items():
                self.add_error(code if code in self.fields else None, message)
        return cleaned

    def _answers_document(self) -> dict:
        document: dict = {}
        for question in self.spec.questions:
            value = self.cleaned_data.get(question.code)
            if question.is_multi:
                # Seeing the question and ticking nothing is an answer ("none of these").
                document[question.code] = list(value or [])
            elif value:
                document[question.code] = value
            text = self.cleaned_data.get(question.other_key)
            if text:
                document[question.other_key] = text
        return document

    def suspect_reasons(self, now_ms: int) -> list[str]:
        """Why the submission looks automated: the honeypot was filled, or the form came
        back sooner than SURVEY_MIN_FILL_SECONDS after it was shown. Empty: nothing odd."""
        reasons = []
        if self.cleaned_data.get(HONEYPOT):
            reasons.append("honeypot")
        started = self.cleaned_data.get("started_at_ms")
        if started and 0 <= now_ms - started < settings.SURVEY_MIN_FILL_SECONDS * 1000:
            reasons.append("too_fast")
        return reasons

    def duration_ms(self, now_ms: int) -> int | None:
        started = self.cleaned_data.get("started_at_ms")
        if not started or not 0 <= now_ms - started <= MAX_DURATION_MS:
            return None
        return now_ms - started
