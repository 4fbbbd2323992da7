"""The response filters as OpenAPI query parameters, made from analytics.forms'
ResponseFilterForm so the documented parameters are the ones the form reads.

Every field becomes a parameter of its own name; the per-question answer filters, which
differ from survey to survey, are documented as one exploded object.
"""

from collections.abc import Iterable
from typing import cast

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from analytics.forms import ANSWER_FILTER_HELP, FIRST_DAY, LAST_DAY, ResponseFilterForm

# The dashboard's filter bar sends untouched fields empty; an empty value means no filter.
# OpenAPI has no minimum for a date string: the pattern bounds the year as the form does
# (FIRST_DAY, LAST_DAY), and the description says so.
assert (FIRST_DAY.year, LAST_DAY.year) == (1900, 2999), "update the year pattern"
DATE_OR_EMPTY = {
    "oneOf": [
        {"type": "string", "format": "date", "pattern": "^(19|2[0-9])[0-9]{2}-"},
        {"type": "string", "maxLength": 0},
    ]
}
ANSWERS_PARAMETER = OpenApiParameter(
    "answers",
    # Values untyped: on the wire every value is text, and a typed value lets
    # schemathesis count ?q01=false (a "boolean") as invalid data that was accepted.
    {"type": "object", "additionalProperties": {}},
    style="form",
    explode=True,
    description="One parameter per single-choice question, named by its code, e.g. "
    f"q01=teacher: {ANSWER_FILTER_HELP} Repeat it to keep several choices "
    "(q01=teacher&q01=researcher).",
)


def filter_parameter(name: str, field: forms.Field) -> OpenApiParameter:
    """The query parameter that a field of the filter form reads."""
    description = str(field.help_text)
    if isinstance(field, forms.DateField):
        bounds = f"Between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}."
        return OpenApiParameter(name, DATE_OR_EMPTY, description=f"{description} {bounds}")
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"The filter form's field {name!r} has no query parameter type.")
    many = isinstance(field, forms.MultipleChoiceField)
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        many=many,
        enum=[*(str(value) for value, _label in cast(Iterable, field.choices)), ""],
        description=f"{description} Repeatable." if many else description,
    )


FILTER_PARAMETERS = [
    *(filter_parameter(name, field) for name, field in ResponseFilterForm.base_fields.items()),
    ANSWERS_PARAMETER,
]
