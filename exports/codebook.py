"""The codebook: what each column of the exports means, in every language of the survey."""

import csv
import io
import json

from django.utils import translation
from django.utils.translation import gettext as _

from exports.weights import WeightColumn, weight_column
from surveys import csv_format
from surveys.answers import FREE_TEXT_NOTE, question_conditions
from surveys.conditions import Condition, condition_words
from surveys.models import Survey
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec
from surveys.selectors import survey_questionnaire

BOM = "\ufeff".encode()


# What a question's answer columns hold, and SPSS's measurement level of them.
COLUMN_TYPES = {
    "single": ("code", "nominal"),
    "ordinal": ("code", "ordinal"),
    "multi": ("flags", "nominal"),
    "number": ("number", "scale"),
    "text": ("text", "nominal"),
    "note": ("none", ""),
}
NOT_ASKED_NOTE = (
    f"{csv_format.NOT_ASKED!r} in every column of a question (CSV, Excel): skip logic did not "
    "ask it, its condition being false; an empty cell: asked, not answered. In the SPSS "
    "file: a user-missing value labelled 'not asked' (-2 for codes and flags; for a number "
    "question -2, or one below its minimum when -2 is allowed), empty for texts."
)


def codebook_entries(spec: QuestionnaireSpec) -> list[dict]:
    """Per question: code, kind, what its columns hold (type, SPSS measure, bounds, unit,
    longest text), texts, its condition (as written, and in words in each language),
    choices (with their SPSS values) and the export columns that hold its answers (none for
    a note)."""
    return [
        _entry(question, _in_words(condition, spec))
        for question, condition in question_conditions(spec.questions)
    ]


def _in_words(condition: Condition | None, spec: QuestionnaireSpec) -> dict[str, str]:
    """The condition in words in each language of the survey (empty: always asked)."""
    if condition is None:
        return {}
    return {language: condition_words(condition, spec, language) for language in spec.languages}


def _entry(question: QuestionSpec, relevant_words: dict[str, str]) -> dict:
    column_type, measure = COLUMN_TYPES[question.kind]
    entry = {
        "code": question.code,
        "kind": question.kind,
        "type": column_type,
        "measure": measure,
        "required": question.required,
        "text": question.text,
        "relevant": question.relevant,
        "relevant_words": relevant_words,
        "columns": list(question.export_columns),
        "choices": [
            {
                "code": choice.code,
                "value": value,
                "label": choice.label,
                "other": choice.is_other,
                "column": question.column_of(choice),
            }
            for value, choice in enumerate(question.choices, start=1)
        ],
    }
    if question.is_number:
        entry |= {
            "minimum": _bound(question.minimum),
            "maximum": _bound(question.maximum),
            "integer": question.integer,
            "unit": question.unit,
        }
    if question.is_text:
        entry["max_length"] = question.max_length
    return entry


def _bound(value: float | None) -> int | float | None:
    """16, not 16.0: the database keeps bounds as floats."""
    return int(value) if value is not None and value.is_integer() else value


def _meta_texts(spec: QuestionnaireSpec) -> dict[str, dict]:
    """The provenance and is_suspect columns: what they mean and what each value means,
    in every language of the survey."""
    described: dict[str, dict] = {"provenance": {}, "is_suspect": {}}
    for language in spec.languages:
        with translation.override(language):
            described["provenance"][language] = (
                _("Where the response comes from"),
                {
                    "real": _("a respondent"),
                    "test": _("a staff member trying the form in test mode"),
                    "demo": _("synthetic demo data, not from a person"),
                },
            )
            described["is_suspect"][language] = (
                _("Flagged by the bot checks (honeypot filled or sent too fast)"),
                {"0": _("no"), "1": _("yes")},
            )
    return described


def meta_entries(spec: QuestionnaireSpec) -> list[dict]:
    """The provenance and is_suspect columns as codebook entries (texts per language)."""
    return [
        {
            "column": column,
            "text": {lang: text for lang, (text, _values) in texts.items()},
            "values": {
                value: {lang: meanings[value] for lang, (_text, meanings) in texts.items()}
                for value in next(iter(texts.values()))[1]
            },
        }
        for column, texts in _meta_texts(spec).items()
    ]


def codebook_json(survey: Survey) -> bytes:
    spec = survey_questionnaire(survey)
    weight = weight_column(survey, spec)
    document = {
        "survey": spec.slug,
        "languages": list(spec.languages),
        "title": spec.title,
        "meta_columns": list(csv_format.META_COLUMNS),
        "meta": meta_entries(spec),
        "questions": codebook_entries(spec),
        "weight": weight.codebook() if weight else None,
        "free_text": FREE_TEXT_NOTE,
        "not_asked": NOT_ASKED_NOTE,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def codebook_rows(spec: QuestionnaireSpec, weight: WeightColumn | None = None) -> list[list]:
    """The codebook as a table: one row per choice, one per number, text or note question,
    one per "other" text column, and with a weighting scheme one for the weight column."""
    languages = list(spec.languages)
    blanks = [""] * len(languages)
    header = ["question", "kind", "type", "measure", "required", "relevant"]
    header += [f"text_{lang}" for lang in languages]
    header += ["choice", "value"] + [f"label_{lang}" for lang in languages]
    header += ["other", "column", "minimum", "maximum", "integer"]
    header += [f"unit_{lang}" for lang in languages] + ["max_length", "note"]
    rows: list[list] = [header]
    for entry in meta_entries(spec):
        about = [entry["column"], "meta", "code", "nominal", 1, ""]
        about += [entry["text"][lang] for lang in languages]
        for value, meaning in entry["values"].items():
            labels = [meaning[lang] for lang in languages]
            rows.append(about + [value, ""] + labels + [0, entry["column"], "", "", ""])
    for question, entry in zip(spec.questions, codebook_entries(spec), strict=True):
        about = [entry["code"], entry["kind"], entry["type"], entry["measure"]]
        about += [int(entry["required"]), entry["relevant"]]
        about += [entry["text"][lang] for lang in languages]
        for choice in entry["choices"]:
            labels = [choice["label"][lang] for lang in languages]
            rows.append(
                about
                + [choice["code"], choice["value"]]
                + labels
                + [int(choice["other"]), choice["column"], "", "", ""]
            )
        if not question.is_choice:
            column = entry["columns"][0] if entry["columns"] else ""
            rows.append(about + ["", ""] + blanks + ["", column] + _rules(entry, languages))
        if question.other_column:
            other = ["", question.other_column, "", "", "", *blanks, "", FREE_TEXT_NOTE]
            rows.append(about + ["", ""] + blanks + other)
    if weight is not None:
        described = [weight.codebook()["description"]] * len(languages)
        rows.append(["weight", "weight", "number", "scale", 0, "", *described, "", ""])
        rows[-1] += [*blanks, "", "weight"]
    return [row + [""] * (len(header) - len(row)) for row in rows]


def _rules(entry: dict, languages: list[str]) -> list:
    """The bounds, unit and longest text of a number or text question's row."""
    unit = entry.get("unit", {})
    integer = entry.get("integer")
    return [
        "" if entry.get("minimum") is None else entry["minimum"],
        "" if entry.get("maximum") is None else entry["maximum"],
        "" if integer is None else int(integer),
        *(unit.get(lang, "") for lang in languages),
        entry.get("max_length") or "",
        FREE_TEXT_NOTE if entry["kind"] == "text" else "",
    ]


def codebook_csv(survey: Survey, *, bom: bool = False) -> bytes:
    spec = survey_questionnaire(survey)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in codebook_rows(spec, weight_column(survey, spec)):
        writer.writerow([csv_format.neutralise(c) if isinstance(c, str) else c for c in row])
    return (BOM if bom else b"") + buffer.getvalue().encode()
