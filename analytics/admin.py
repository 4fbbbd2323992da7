"""The staff UI for a survey's weighting scheme: the JSON of ``manage.py weights_set`` in a
form that checks it (analytics/weighting.py) and rakes the responses so far before it is
saved, so a scheme that cannot be used is refused with the reason and nothing changes.
Like every survey's object in the admin, seen by its analysts and set by its owners
(surveys/teams.py)."""

import json

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from analytics.models import WeightingScheme
from analytics.weighting import weights_set
from core.errors import ApplicationError
from surveys.admin import TeamScoped

EXAMPLE = {
    "method": "raking",
    "margins": {"q01": {"bachelor": 0.45, "teacher": 0.55}},
    "trim": [0.3, 3.0],
}


class WeightingSchemeForm(forms.ModelForm):
    document = forms.JSONField(
        label="Scheme",
        help_text="Population margins of single or ordinal questions, shares summing to 1 "
        f"(or totals) for every choice; trim optional. Example: {json.dumps(EXAMPLE)}",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
    )

    class Meta:
        model = WeightingScheme
        fields = ["survey", "document"]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        survey, document = cleaned.get("survey"), cleaned.get("document")
        if survey is None or document is None:
            return cleaned
        try:
            with transaction.atomic():
                self.weights = weights_set(survey=survey, document=document)
                transaction.set_rollback(True)  # a trial: the admin saves it for real
        except ApplicationError as error:
            raise forms.ValidationError(str(error.message)) from None
        return cleaned


@admin.register(WeightingScheme)
class WeightingSchemeAdmin(TeamScoped, admin.ModelAdmin):
    form = WeightingSchemeForm
    list_display = ["survey", "updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        weights = weights_set(survey=obj.survey, document=obj.document)
        obj.pk = WeightingScheme.objects.get(survey=obj.survey).pk
        obj.refresh_from_db()
        shown = weights.to_json()
        self.message_user(
            request,
            f"Weights for {weights.n} responses: effective n {shown['n_effective']:.1f}, "
            f"design effect {shown['design_effect']:.3f}, from {shown['min']:.3g} to "
            f"{shown['max']:.3g}.",
            messages.SUCCESS,
        )
