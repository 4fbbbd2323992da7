"""The response filters, declared once: the dashboards' filter bar, the API's query parameters
(api/filters.py) and the admin's export page are all this form.

They are read from the query string, so a filtered view is a shareable link:
``?q01=teacher&q01=researcher&language=kk&since=2026-01-01&until=2026-02-01&provenance=real``.
An empty value, which an untouched field of the filter bar sends, is no filter; no
provenance is the survey's default (analytics.filters.filter_default).
"""

from datetime import date
from typing import TYPE_CHECKING

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.filters import ResponseFilter, filter_for_survey
from core.errors import ApplicationError
from core.languages import language_names
from surveys.models import Provenance, in_language
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

SUSPECT_CHOICES = [
    ("include", gettext_lazy("Include suspect")),
    ("exclude", gettext_lazy("Leave out suspect")),
]
WEIGHTED_CHOICES = [
    ("1", gettext_lazy("Weighted")),
    ("0", gettext_lazy("Unweighted")),
]
LETTER_CHOICES = [
    ("bh", gettext_lazy("Benjamini–Hochberg")),
    ("bonferroni", "Bonferroni"),
]
ANSWER_FILTER_HELP = "Keep respondents who chose one of these."


class FilterInvalid(ApplicationError):
    """A query string the dashboards cannot use; the message says what to change."""

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"filters": message})


class KeptChoicesField(forms.MultipleChoiceField):
    """The choices whose respondents are kept, repeatable (``?q01=teacher&q01=researcher``).
    An empty value keeps everyone: an untouched select of the filter bar sends ``q01=``."""

    def to_python(self, value) -> list[str]:
        return [choice for choice in super().to_python(value) if choice]


def _language_choices() -> list[tuple[str, str]]:
    return list(language_names().items())


# The days a filter may name. Imported responses keep their own times (import_responses),
# so the first day reaches back past any study that could be digitised; the last is far
# enough that a link meaning "no end" (until=2999-12-31) keeps working, and far from
# date.max, whose next day, which the filters count up to, does not exist.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def _day_in_bounds(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s.")
            % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        )


def _day_field(label: "StrPromise", help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(
            attrs={"type": "date", "min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
        ),
        validators=[_day_in_bounds],
        help_text=help_text,
    )


class ResponseFilterForm(forms.Form):
    """Which responses count. Besides the fields declared here, one KeptChoicesField per
    single-choice question, named by its code and labelled by its text."""

    language = KeptChoicesField(
        label=gettext_lazy("Language"),
        choices=_language_choices,
        required=False,
        help_text="Keep responses given in these languages.",
    )
    since = _day_field(gettext_lazy("From"), "Keep responses from this day on (YYYY-MM-DD).")
    until = _day_field(
        gettext_lazy("Until"), "Keep responses up to this day, included (YYYY-MM-DD)."
    )
    provenance = KeptChoicesField(
        label=gettext_lazy("Provenance"),
        choices=Provenance.choices,
        required=False,
        help_text="Keep responses of these provenances: real (from respondents), test (staff "
        "trying the form in test mode), demo (synthetic). None chosen: real only once the "
        "survey has a real response, else all.",
    )
    # Responses flagged by the bot checks (honeypot, minimum fill time); counted unless
    # left out here, so nothing disappears from the figures without a visible choice.
    suspect = forms.ChoiceField(
        label=gettext_lazy("Suspect responses"),
        choices=SUSPECT_CHOICES,
        required=False,
        help_text="exclude: leave out responses flagged as suspect (honeypot filled, or "
        "sent faster than the minimum fill time).",
    )

    # Not a filter of responses but of how they count: with the survey's weighting scheme
    # (analytics/weighting.py) or not. Empty: the dashboards weight when there is a scheme,
    # the API does not.
    weighted = forms.ChoiceField(
        label=gettext_lazy("Weights"),
        choices=WEIGHTED_CHOICES,
        required=False,
        help_text="1: weighted shares and Rao–Scott tests with the survey's weighting scheme "
        "(400 without one); 0: unweighted.",
    )
    letters = forms.ChoiceField(
        label=gettext_lazy("Letters"),
        choices=LETTER_CHOICES,
        required=False,
        help_text="Column-proportion letters: p-values adjusted within each row by bh "
        "(Benjamini–Hochberg, the default) or bonferroni.",
    )

    def __init__(
        self,
        spec: QuestionnaireSpec,
        language: str,
        data: QueryDict | None = None,
        *,
        has_real: bool = False,
    ) -> None:
        """``has_real``: whether the survey has a real response, which decides the
        provenances kept when none is chosen."""
        super().__init__(data)
        self.spec = spec
        self.has_real = has_real
        for question in spec.single_choice_questions:
            self.fields[question.code] = _answer_filter(question, language, spec.default_language)

    def answer_filters(self) -> list[forms.BoundField]:
        """One filter per single-choice question, in questionnaire order."""
        return [self[question.code] for question in self.spec.single_choice_questions]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        multi = [q.code for q in self.spec.questions if q.is_multi and q.code in self.data]
        if multi:
            raise forms.ValidationError(
                _("Filtering by %(codes)s is not possible: choose a single-choice question.")
                % {"codes": ", ".join(multi)}
            )
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return cleaned

    def weighting(self, *, default: bool) -> bool:
        """Whether to weight: as asked, else ``default``."""
        asked = self.weighting_asked()
        return default if asked is None else asked

    def letters_adjust(self) -> str:
        return self.cleaned_data.get("letters") or "bh"

    def weighting_asked(self) -> bool | None:
        """True or False if the query string says, else None."""
        asked = self.cleaned_data.get("weighted") or ""
        return None if asked == "" else asked == "1"

    def response_filter(self) -> ResponseFilter:
        data = self.cleaned_data
        answers = {
            q.code: tuple(data[q.code]) for q in self.spec.single_choice_questions if data[q.code]
        }
        chosen = [p for p in Provenance.values if p in data["provenance"]]
        return ResponseFilter(
            answers=answers,
            languages=tuple(data["language"]),
            since=data["since"],
            until=data["until"],
            provenances=tuple(chosen) or filter_for_survey(self.has_real).provenances,
            include_suspect=data["suspect"] != "exclude",
        )


def _answer_filter(question: QuestionSpec, language: str, fallback: str) -> KeptChoicesField:
    return KeptChoicesField(
        label=in_language(question.text, language, fallback),
        choices=[(c.code, in_language(c.label, language, fallback)) for c in question.choices],
        required=False,
        help_text=ANSWER_FILTER_HELP,
    )


def filter_parse(
    spec: QuestionnaireSpec, language: str, query: QueryDict, *, has_real: bool
) -> ResponseFilterForm:
    """The bound, valid filter form for this query string; FilterInvalid says what is wrong.
    ``has_real``: whether the survey has a real response (the default provenances)."""
    form = ResponseFilterForm(spec, language, query, has_real=has_real)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else ''}: {message}".lstrip(": ")
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise FilterInvalid(" ".join(problems))
    return form
