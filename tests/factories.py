"""Test data and the builders every suite shares; the fixtures in conftest.py call these.

Importable before Django is set up (bench/load.py's plain-HTTP respondent sends ANSWERS), so
the builders import the app's models where they use them.
"""

import copy
import csv
import json
import uuid
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONNAIRE = ROOT / "surveys/questionnaires/us-russia-kz.json"
XLSFORM_FIXTURES = ROOT / "tests/fixtures/xlsform"
PAPER_FINDINGS = ROOT / "surveys/questionnaires/us-russia-kz.paper-findings.json"
SLUG = "us-russia-kz"
SURVEYS = "/api/v1/surveys/"
SUBMIT = f"/api/v1/surveys/{SLUG}/responses/"

ANSWERS = {
    "q01": "teacher",
    "q02": "full",
    "q03": ["sanctions", "cyber", "other"],
    "q03_other": "Информациялық соғыс — information war",
    "q04": "yes",
    "q05": "yes",
    "q06": "keeps_multivector",
    "q07": "yes",
    "q08": "no",
    "q09": "negative",
    "q10": "medium",
}


_default_rows: tuple | None = None  # what the first import in this process stored


def default_survey():
    """The default questionnaire (us-russia-kz) as questionnaire_import stores it.

    The first call in a process runs the import and keeps the rows it stored; later calls
    insert copies of them in three queries. The import itself takes about 360 (a revision
    bump per choice saved), which was half of the whole suite's time."""
    global _default_rows
    if _default_rows is None:
        survey = survey_from_document(default_questionnaire_document())
        _default_rows = _questionnaire_rows(survey)
        return survey
    return _questionnaire_rows_insert(_default_rows)


def _questionnaire_rows(survey) -> tuple:
    """The survey's, questions' and choices' own fields, without ids and creation time."""
    questions = survey.questions.prefetch_related("choices").order_by("position")
    return (
        _fields(survey, "created_at"),
        [
            (_fields(q, "survey_id"), [_fields(c, "question_id") for c in q.choices.all()])
            for q in questions
        ],
    )


def _fields(instance, *left_out: str) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in ("id", *left_out)
    }


def _questionnaire_rows_insert(rows: tuple):
    from surveys.models import Choice, Question, Survey

    survey_fields, question_rows = copy.deepcopy(rows)
    survey = Survey.objects.create(**survey_fields)
    questions = Question.objects.bulk_create(
        [Question(survey=survey, **fields) for fields, _choices in question_rows]
    )
    Choice.objects.bulk_create(
        [
            Choice(question=question, **fields)
            for question, (_question_fields, choices) in zip(questions, question_rows, strict=True)
            for fields in choices
        ]
    )
    return survey


def default_questionnaire_document() -> dict:
    """The default questionnaire's JSON, a fresh copy to change."""
    return json.loads(DEFAULT_QUESTIONNAIRE.read_text())


def copy_survey(slug: str = "copy"):
    """A second survey with the default questionnaire, for round trips."""
    return survey_from_document({**default_questionnaire_document(), "slug": slug})


def survey_from_document(document: dict):
    from surveys.models import Survey
    from surveys.questionnaire import questionnaire_parse
    from surveys.services import questionnaire_import

    questionnaire_import(spec=questionnaire_parse(document))
    return Survey.objects.get(slug=document["slug"])


def questionnaire(slug: str, questions: list[tuple[str, str, list[str]]]):
    """An English-only survey with (code, kind, choice codes) questions."""
    return survey_from_document(
        {
            "slug": slug,
            "languages": ["en"],
            "title": {"en": slug},
            "questions": [
                {
                    "code": code,
                    "kind": kind,
                    "required": kind == "single",
                    "text": {"en": code},
                    "choices": [{"code": c, "label": {"en": c}} for c in choices],
                }
                for code, kind, choices in questions
            ],
        }
    )


def field_study():
    """A survey unlike the default one: no q01, single-choice questions named in words,
    a multi-choice question between them, English and Russian texts."""
    return survey_from_document(
        {
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
    )


def answers_complete() -> dict:
    """A complete, valid answers document for the default questionnaire, a fresh copy."""
    return json.loads(json.dumps(ANSWERS))


def form_data(answers: dict, token: uuid.UUID | None = None) -> dict:
    """POST data for the respondent form carrying these answers."""
    return {"client_token": str(token or uuid.uuid4()), **answers}


def response_add(survey, answers: dict, *, language: str = "en", **options):
    """A response submitted through the service with a fresh client token; its Submission."""
    from surveys.submissions import response_submit

    return response_submit(
        survey=survey, answers=answers, language=language, client_token=uuid.uuid4(), **options
    )


def import_csv(tmp_path: Path, slug: str, header: list[str], rows: list[list]) -> None:
    """Import rows (answer cells after the header's own columns) with import_responses."""
    path = tmp_path / f"{slug}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "submitted_at", "language", *header])
        for number, row in enumerate(rows, start=1):
            writer.writerow([number, "", "en", *row])
    call_command("import_responses", slug, str(path))


def analyze(slug: str, *args: str) -> dict:
    """What `analyze SLUG --json` prints, parsed; NaN or Infinity in it fails the test."""
    out = StringIO()
    call_command("analyze", slug, "--json", *args, stdout=out)
    return json.loads(out.getvalue(), parse_constant=_refuse)


def _refuse(name: str):
    raise AssertionError(f"the JSON holds {name}")


def user_in_group(group: str, *, username: str | None = None, is_staff: bool = False):
    """A user in "staff" (watches dashboards) or "admins" (runs studies, exports)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username or f"{group}-member", password="pw", is_staff=is_staff)
    user.groups.add(Group.objects.get(name=group))
    return user


TEAM_ROLES = ("viewer", "analyst", "owner")


def user_in_role(role: str, survey=None):
    """None for anonymous; "staff" watch every survey's dashboards, "admin" runs every study
    and may use the Django admin, "superuser" may do everything; "viewer", "analyst" and
    "owner" are that role in ``survey``'s team and "outsider" owns another survey only
    (all four with staff status and no group)."""
    from django.contrib.auth.models import User

    if role == "anonymous":
        return None
    if role == "superuser":
        return User.objects.create_superuser("root", password="pw")
    if role in (*TEAM_ROLES, "outsider"):
        return team_member(survey if role != "outsider" else other_survey(), role, username=role)
    is_admin = role == "admin"
    return user_in_group("admins" if is_admin else "staff", username=role, is_staff=is_admin)


def team_member(survey, role: str, *, username: str):
    """A user with staff status and no group, in ``survey``'s team with this role."""
    from django.contrib.auth.models import User

    from surveys.models import SurveyMember

    user = User.objects.create_user(username, password="pw", is_staff=True)
    SurveyMember.objects.create(
        survey=survey, user=user, role=role if role in TEAM_ROLES else "owner"
    )
    return user


def other_survey():
    """Another study on the same site (closed, so the respondents' list still has one)."""
    from surveys.models import Survey

    survey, _ = Survey.objects.get_or_create(
        slug="other-study",
        defaults={
            "title": {"en": "Other"},
            "languages": ["en"],
            "default_language": "en",
            "is_open": False,
        },
    )
    return survey


def api_token(user, **options) -> str:
    """A new API token's key for the user (what the admin shows once)."""
    from core.models import ApiToken

    _token, key = ApiToken.objects.create(user=user, name="test script", **options)
    return key


def signed_in(user, **options) -> Client:
    """A test client with this user signed in."""
    client = Client(**options)
    client.force_login(user)
    return client


def submit(client: Client, body, key: str | None = None, **headers):
    """POST a submission to the API, with an Idempotency-Key when given."""
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(SUBMIT, body, content_type="application/json", headers=headers)


def background_file(client: Client, address: str):
    """GET an export that is made as a background job (every report and bundle; tasks run
    at once here: no broker) and return the response of its finished file."""
    started = client.get(address)
    assert started.status_code == 202, started.content[:300]
    job = started.json()
    assert job["state"] == "done", job["message"]
    return client.get(job["download_url"])


# A small valid XLSForm, in rows per sheet; tests/surveys/test_xlsform.py breaks it one
# thing at a time.
XLSFORM_LABELS = ["label::Kazakh (kk)", "label::Russian (ru)", "label::English (en)"]
SURVEY_SHEET = [
    ["type", "name", *XLSFORM_LABELS, "required", "relevant", "constraint"],
    ["select_one yn", "smoker", "Темекі?", "Курите?", "Smoke?", "yes", "", ""],
    ["integer", "per_day", "Неше?", "Сколько?", "How many?", "yes", "${smoker} = 'yes'", ". >= 1"],
]
CHOICE_SHEET = [
    ["list_name", "name", *XLSFORM_LABELS],
    ["yn", "yes", "Иә", "Да", "Yes"],
    ["yn", "no", "Жоқ", "Нет", "No"],
]
SETTINGS_SHEET = [["form_id", "form_title"], ["smoking", "Smoking"]]


def xlsform_workbook(
    path: Path, survey=SURVEY_SHEET, choices=CHOICE_SHEET, settings=SETTINGS_SHEET
) -> Path:
    """A small XLSForm workbook from rows per sheet (None: no such sheet)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is not None:
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(row)
    book.save(path)
    return path


SKIP_LOGIC_QUESTIONNAIRE = Path(__file__).resolve().parent / "fixtures" / "skip_logic.json"


def skip_logic_document() -> dict:
    """A small questionnaire in kk, ru and en with every kind and conditions (a note, then
    q01 single, q02 ordinal if q01 != no, q03 multi if q02 >= sometimes, q04 integer, q05
    decimal if two or more devices, q06 text if q01 is yes or partly)."""
    return json.loads(SKIP_LOGIC_QUESTIONNAIRE.read_text())


def every_kind_document(slug: str = "kinds") -> dict:
    """A questionnaire with a question of each kind (single, ordinal, multi with "other",
    number, text, note) in kk, ru and en, and two skip-logic conditions."""

    def texts(word: str) -> dict:
        return {"kk": f"{word} (kk)", "ru": f"{word} (ru)", "en": word}

    def choices(*codes: str) -> list[dict]:
        return [{"code": code, "label": texts(code)} for code in codes]

    return {
        "slug": slug,
        "languages": ["kk", "ru", "en"],
        "title": texts("Every kind"),
        "questions": [
            {
                "code": "works",
                "kind": "single",
                "text": texts("Works?"),
                "choices": choices("yes", "no"),
            },
            {
                "code": "trust",
                "kind": "ordinal",
                "required": False,
                "text": texts("Trust"),
                "choices": choices("low", "medium", "high"),
            },
            {
                "code": "news",
                "kind": "multi",
                "text": texts("News from"),
                "choices": [
                    *choices("tv", "social"),
                    {"code": "other", "label": texts("other"), "other": True},
                ],
            },
            {
                "code": "age",
                "kind": "number",
                "text": texts("Age"),
                "min": 16,
                "max": 100,
                "integer": True,
                "unit": texts("years"),
            },
            {
                "code": "hours",
                "kind": "number",
                "required": False,
                "text": texts("Hours at work"),
                "relevant": "${works} = 'yes'",
            },
            {"code": "thanks", "kind": "note", "text": texts("Thank you")},
            {
                "code": "why",
                "kind": "text",
                "required": False,
                "max_length": 500,
                "text": texts("Why social media?"),
                "relevant": "selected(${news}, 'social')",
            },
        ],
    }


def every_kind_survey(slug: str = "kinds"):
    return survey_from_document(every_kind_document(slug))


def _texts(en: str) -> dict:
    return {"kk": f"{en} (kk)", "ru": f"{en} (ru)", "en": en}


def _choices(*codes: str) -> list[dict]:
    return [{"code": code, "label": _texts(code.capitalize())} for code in codes]


EVERY_KIND_DOCUMENT = {
    "slug": "every-kind",
    "languages": ["kk", "ru", "en"],
    "title": _texts("Every kind"),
    "questions": [
        {"code": "intro", "kind": "note", "text": _texts("About your household")},
        {"code": "region", "kind": "single", "text": _texts("Region"),
         "choices": _choices("north", "south", "east")},
        {"code": "works", "kind": "single", "text": _texts("Do you work?"),
         "choices": _choices("yes", "no")},
        {"code": "hours", "kind": "number", "text": _texts("Hours a week"), "min": 0,
         "max": 100, "integer": True, "unit": _texts("hours"), "relevant": "${works} = 'yes'"},
        {"code": "trust", "kind": "ordinal", "text": _texts("Trust"),
         "choices": _choices("low", "medium", "high")},
        {"code": "media", "kind": "multi", "required": False, "text": _texts("Media"),
         "choices": _choices("tv", "web", "radio")},
        {"code": "why", "kind": "single", "required": False, "text": _texts("Why not?"),
         "choices": _choices("study", "retired"), "relevant": "${works} = 'no'"},
        {"code": "income", "kind": "number", "required": False, "text": _texts("Income")},
        {"code": "comment", "kind": "text", "required": False, "text": _texts("Comment")},
    ],
}  # fmt: skip


def every_kind_study():
    """A survey with every question kind (note, single, ordinal, multi, number, text) and
    two conditions: ``hours`` asked only if ``works`` is yes, ``why`` only if it is no."""
    return survey_from_document(json.loads(json.dumps(EVERY_KIND_DOCUMENT)))


def every_kind_responses(survey, n: int, seed: int = 0) -> None:
    """n responses stored directly (answers document and ``skipped``, as the form stores
    them): hours rising with trust, some answers left out."""
    import numpy as np

    from surveys.models import Response

    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        works = str(rng.choice(["yes", "no"]))
        trust = int(rng.integers(0, 3))
        answers = {
            "region": str(rng.choice(["north", "south", "east"])),
            "works": works,
            "trust": ["low", "medium", "high"][trust],
            "media": [m for m in ("tv", "web", "radio") if rng.random() < 0.5],
            "income": round(float(rng.lognormal(7, 0.5)), 2),
            "comment": "fine",
        }
        if works == "yes":
            answers["hours"] = int(rng.integers(10, 30)) + 8 * trust
        else:
            answers["why"] = str(rng.choice(["study", "retired"]))
        if rng.random() < 0.1:
            del answers["income"]
        skipped = ["why"] if works == "yes" else ["hours"]
        rows.append(
            Response(
                survey=survey,
                answers=answers,
                skipped=skipped,
                language=str(rng.choice(["kk", "ru", "en"])),
                client_token=uuid.uuid4(),
            )
        )
    Response.objects.bulk_create(rows)
