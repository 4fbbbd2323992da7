"""The dashboard filters, read from the query string so a filtered view is a shareable link."""

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.filters import ResponseFilter
from core.errors import ApplicationError
from surveys.models import in_language
from surveys.questionnaire import QuestionnaireSpec

DEMO_CHOICES = [
    ("include", gettext_lazy("Include demo data")),
    ("exclude", gettext_lazy("Real only")),
]
SUSPECT_CHOICES = [
    ("include", gettext_lazy("Include suspect")),
    ("exclude", gettext_lazy("Leave out suspect")),
]


class FilterInvalid(ApplicationError):
    """A query string the dashboards cannot use; the message says what to change."""

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"filters": message})


class DashboardFilterForm(forms.Form):
    language = forms.MultipleChoiceField(
        label=gettext_lazy("Language"), choices=settings.LANGUAGES, required=False
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, input_formats=["%Y-%m-%d"])
    until = forms.DateField(label=gettext_lazy("Until"), required=False, input_formats=["%Y-%m-%d"])
    demo = forms.ChoiceField(label=gettext_lazy("Demo data"), choices=DEMO_CHOICES, required=False)
    # Responses flagged by the bot checks (honeypot, minimum fill time); counted unless
    # left out here, so nothing disappears from the figures without a visible choice.
    suspect = forms.ChoiceField(
        label=gettext_lazy("Suspect responses"), choices=SUSPECT_CHOICES, required=False
    )

    def __init__(self, spec: QuestionnaireSpec, language: str, data: QueryDict) -> None:
        super().__init__(data)
        self.spec = spec
        for question in spec.questions:
            if question.kind == "single":
                self.fields[question.code] = forms.MultipleChoiceField(
                    label=question.code.upper(),
                    choices=[
                        (c.code, in_language(c.label, language, spec.default_language))
                        for c in question.choices
                    ],
                    required=False,
                )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        multi = [q.code for q in self.spec.questions if q.kind == "multi" and q.code in self.data]
        if multi:
            raise forms.ValidationError(
                _("Filtering by %(codes)s is not possible: choose a single-choice question.")
                % {"codes": ", ".join(multi)}
            )
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return cleaned

    def response_filter(self) -> ResponseFilter:
        data = self.cleaned_data
        answers = {
            q.code: tuple(data[q.code])
            for q in self.spec.questions
            if q.kind == "single" and data.get(q.code)
        }
        return ResponseFilter(
            answers=answers,
            languages=tuple(data["language"]),
            since=data["since"],
            until=data["until"],
            include_demo=data["demo"] != "exclude",
            include_suspect=data["suspect"] != "exclude",
        )


def filter_parse(spec: QuestionnaireSpec, language: str, query: QueryDict) -> DashboardFilterForm:
    """The bound, valid filter form for this query string; FilterInvalid says what is wrong."""
    form = DashboardFilterForm(spec, language, query)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else ''}: {message}".lstrip(": ")
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise FilterInvalid(" ".join(problems))
    return form
