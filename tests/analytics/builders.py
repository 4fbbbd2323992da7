"""Small questionnaires and CSV files built in tests, for the engine's end-to-end checks."""

import csv
import json
from pathlib import Path

from django.core.management import call_command

from surveys.models import Survey
from surveys.questionnaire import questionnaire_parse
from surveys.services import questionnaire_import


def texts(word: str) -> dict:
    return {"en": word}


def questionnaire(slug: str, questions: list[tuple[str, str, list[str]]]) -> Survey:
    """An English-only survey with (code, kind, choice codes) questions."""
    document = {
        "slug": slug,
        "languages": ["en"],
        "title": texts(slug),
        "questions": [
            {
                "code": code,
                "kind": kind,
                "required": kind == "single",
                "text": texts(code),
                "choices": [{"code": c, "label": texts(c)} for c in choices],
            }
            for code, kind, choices in questions
        ],
    }
    questionnaire_import(spec=questionnaire_parse(json.loads(json.dumps(document))))
    return Survey.objects.get(slug=slug)


def import_csv(tmp_path: Path, slug: str, header: list[str], rows: list[list]) -> None:
    path = tmp_path / f"{slug}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "submitted_at", "language", *header])
        for number, row in enumerate(rows, start=1):
            writer.writerow([number, "", "en", *row])
    call_command("import_responses", slug, str(path))


def analyze(slug: str, *args: str) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("analyze", slug, "--json", *args, stdout=out)
    return json.loads(out.getvalue(), parse_constant=_refuse)


def _refuse(name: str):
    raise AssertionError(f"the JSON holds {name}")


def field_study() -> Survey:
    """A survey unlike the default one: no q01, single-choice questions named in words,
    a multi-choice question between them, English and Russian texts."""
    document = {
        "slug": "field-study",
        "languages": ["en", "ru"],
        "title": {"en": "Field study", "ru": "Полевое исследование"},
        "questions": [
            {
                "code": "role",
                "kind": "single",
                "text": {"en": "Your role on the farm", "ru": "Ваша роль в хозяйстве"},
                "choices": [
                    {"code": "owner", "label": {"en": "Owner", "ru": "Владелец"}},
                    {"code": "worker", "label": {"en": "Worker", "ru": "Работник"}},
                ],
            },
            {
                "code": "topics",
                "kind": "multi",
                "required": False,
                "text": {"en": "Worries", "ru": "Заботы"},
                "choices": [
                    {"code": "water", "label": {"en": "Water", "ru": "Вода"}},
                    {"code": "prices", "label": {"en": "Prices", "ru": "Цены"}},
                ],
            },
            {
                "code": "region",
                "kind": "single",
                "text": {"en": "Where the farm is", "ru": "Где хозяйство"},
                "choices": [
                    {"code": "north", "label": {"en": "North", "ru": "Север"}},
                    {"code": "south", "label": {"en": "South", "ru": "Юг"}},
                ],
            },
        ],
    }
    questionnaire_import(spec=questionnaire_parse(document))
    return Survey.objects.get(slug="field-study")
