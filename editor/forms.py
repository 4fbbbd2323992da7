"""The editor's forms: a survey's settings and a question with its choices, each text with
one field per language of the survey, side by side.

The forms only check what a field can tell alone (a number is a number); every rule of a
questionnaire is ``questionnaire_parse``'s, whose error the view puts back next to the field
it names (editor.places).
"""

import re

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.languages import language_names
from editor.places import Place
from surveys.models import Question, Survey
from surveys.questionnaire import CHOICE_KINDS, TEXT_MAX_LENGTH

SLUG = RegexValidator(
    re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$"),
    _("Use lower-case letters, digits and hyphens (at most 50), starting with a letter or digit."),
)
# A text every language needs: empty, it shows as a missing translation (editor.css).
TRANSLATION = {"class": "translation", "placeholder": _("missing translation")}
OPTIONAL = {"placeholder": _("optional")}


def _texts(cleaned: dict, key: str, languages: list[str]) -> dict[str, str]:
    return {language: cleaned.get(f"{key}_{language}") or "" for language in languages}


def _filled(texts: dict[str, str]) -> bool:
    return any(text.strip() for text in texts.values())


class PerLanguage:
    """A form with a field per language for some texts: ``<key>_<language>``."""

    languages: list[str]
    fields: dict

    def per_language(self, key: str, label, *, long: bool = False, optional: bool = False) -> None:
        """A field per language; an optional text (a hint) may be left out in every one."""
        names = language_names()
        for language in self.languages:
            attrs = {**(OPTIONAL if optional else TRANSLATION), "lang": language}
            widget: forms.Widget = (
                forms.Textarea(attrs={**attrs, "rows": 2}) if long else forms.TextInput(attrs=attrs)
            )
            self.fields[f"{key}_{language}"] = forms.CharField(
                required=False, label=f"{label} ({names.get(language, language)})", widget=widget
            )

    def rows(self, *keys: str) -> list[tuple[str, list]]:
        """(key, its bound field per language) for the template's side-by-side rows."""
        return [(key, [self[f"{key}_{lang}"] for lang in self.languages]) for key in keys]  # type: ignore[index]

    def place_error(self, place: Place) -> None:
        field = place.field if place.field in self.fields else None
        self.add_error(field, place.message)  # type: ignore[attr-defined]


class SurveyNewForm(forms.Form):
    slug = forms.CharField(
        label=_("Address (slug)"),
        max_length=50,
        validators=[SLUG],
        help_text=_("Part of the form's address: /s/<slug>/. It cannot change later."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = language_names()
        for language, _name in settings.LANGUAGES:
            self.fields[f"title_{language}"] = forms.CharField(
                required=False,
                label=_("Title (%(language)s)") % {"language": names[language]},
                widget=forms.TextInput(attrs={**TRANSLATION, "lang": language}),
            )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Survey.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A survey has this address already; choose another."))
        return slug

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        languages = cleaned.get("languages") or []
        if languages and cleaned.get("default_language") not in languages:
            self.add_error("default_language", _("Choose one of the survey's languages."))
        for language in languages:
            if not (cleaned.get(f"title_{language}") or "").strip():
                self.add_error(f"title_{language}", _("Write the title in this language."))
        return cleaned

    def title(self) -> dict[str, str]:
        return {
            language: self.cleaned_data[f"title_{language}"].strip()
            for language in self.cleaned_data["languages"]
        }


class SurveySettingsForm(PerLanguage, forms.Form):
    default_language = forms.ChoiceField(label=_("Default language"))

    def __init__(self, languages: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        names = language_names()
        self.fields["default_language"].choices = [(code, names[code]) for code in languages]
        self.per_language("title", _("Title"))
        self.per_language("intro", _("Introduction"), long=True, optional=True)

    def text_rows(self) -> list:
        return self.rows("title", "intro")

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for language in self.languages:
            if not (cleaned.get(f"title_{language}") or "").strip():
                self.add_error(f"title_{language}", _("Write the title in this language."))
        return cleaned

    @classmethod
    def initial_from(cls, document: dict) -> dict:
        initial = {"default_language": document["default_language"]}
        for key in ("title", "intro"):
            initial |= {f"{key}_{lang}": text for lang, text in document.get(key, {}).items()}
        return initial

    def document_update(self, document: dict) -> dict:
        """The questionnaire document with this form's title, intro and default language."""
        updated = {**document, "default_language": self.cleaned_data["default_language"]}
        updated["title"] = _texts(self.cleaned_data, "title", self.languages)
        intro = _texts(self.cleaned_data, "intro", self.languages)
        updated.pop("intro", None)
        if _filled(intro):
            updated["intro"] = intro
        return updated


class SurveyCopyForm(forms.Form):
    slug = forms.CharField(label=_("Address of the copy"), max_length=50, validators=[SLUG])


class QuestionForm(PerLanguage, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Lower-case letters, digits and underscores, e.g. q05; the data column."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.KINDS)
    required = forms.BooleanField(label=_("Required"), required=False)
    relevant = forms.CharField(
        label=_("Condition (ask only if)"),
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        help_text=_("XLSForm syntax over earlier answers, e.g. ${q04} = 'yes'; empty: always."),
    )
    min = forms.FloatField(label=_("Minimum"), required=False)
    max = forms.FloatField(label=_("Maximum"), required=False)
    integer = forms.BooleanField(label=_("Whole numbers only"), required=False)
    max_length = forms.IntegerField(
        label=_("Longest answer (characters)"),
        required=False,
        min_value=1,
        max_value=TEXT_MAX_LENGTH,
    )

    def __init__(self, languages: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        self.per_language("text", _("Text"), long=True)
        self.per_language("hint", _("Hint"), optional=True)
        self.per_language("unit", _("Unit"), optional=True)

    def text_rows(self) -> list:
        return self.rows("text", "hint")

    def unit_rows(self) -> list:
        return self.rows("unit")

    @classmethod
    def initial_from(cls, question: dict) -> dict:
        initial = {key: question.get(key) for key in ("code", "kind", "required", "relevant")}
        initial |= {key: question.get(key) for key in ("min", "max", "integer", "max_length")}
        for key in ("text", "hint", "unit"):
            initial |= {f"{key}_{lang}": text for lang, text in question.get(key, {}).items()}
        return initial

    def question_document(self, choices: list[dict]) -> dict:
        """The question as the JSON file has it, with only the keys its kind takes."""
        data = self.cleaned_data
        kind = data["kind"]
        document: dict = {
            "code": data["code"].strip(),
            "kind": kind,
            "required": data["required"] and kind != "note",
            "text": _texts(data, "text", self.languages),
        }
        if kind in CHOICE_KINDS:
            document["choices"] = choices
        if data["relevant"].strip():
            document["relevant"] = data["relevant"].strip()
        hint = _texts(data, "hint", self.languages)
        if _filled(hint):
            document["hint"] = hint
        if kind == "number":
            document |= {"min": data["min"], "max": data["max"], "integer": data["integer"]}
            unit = _texts(data, "unit", self.languages)
            if _filled(unit):
                document["unit"] = unit
        if kind == "text":
            document["max_length"] = data["max_length"]
        return document


class ChoiceForm(PerLanguage, forms.Form):
    code = forms.CharField(label=_("Choice code"), max_length=40)
    other = forms.BooleanField(label=_("“Other”, please specify"), required=False)

    def __init__(self, languages: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        self.per_language("label", _("Label"))

    def labels(self) -> list:
        return [self[f"label_{language}"] for language in self.languages]

    @classmethod
    def initial_from(cls, choice: dict) -> dict:
        initial = {"code": choice["code"], "other": choice.get("other", False)}
        return initial | {f"label_{lang}": text for lang, text in choice["label"].items()}

    def choice_document(self) -> dict:
        data = self.cleaned_data
        document = {"code": data["code"].strip(), "label": _texts(data, "label", self.languages)}
        return document | ({"other": True} if data["other"] else {})


ChoiceFormSet = forms.formset_factory(
    ChoiceForm, extra=2, can_order=True, can_delete=True, max_num=200, absolute_max=200
)
