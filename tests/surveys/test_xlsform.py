"""XLSForm in and out: real workbooks in the style of Kobo's and ODK's samples import to
the expected survey, export → import gives the same survey, and what is not supported is
refused by name, sheet and row with nothing stored."""

import dataclasses
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import Question, Survey
from surveys.questionnaire import (
    CODE_PATTERN,
    TEXT_MAX_LENGTH,
    ChoiceSpec,
    QuestionnaireSpec,
    QuestionSpec,
    questionnaire_parse,
)
from surveys.questionnaire_files import questionnaire_document, questionnaire_load
from surveys.selectors import survey_questionnaire
from surveys.xlsform import XLSFormInvalid, xlsform_load, xlsform_read, xlsform_write
from tests.factories import (
    CHOICE_SHEET,
    DEFAULT_QUESTIONNAIRE,
    SURVEY_SHEET,
    XLSFORM_FIXTURES,
    xlsform_workbook,
)

WORKBOOKS = ("kobo-household", "odk-clinic")
DEFAULT_XLSFORM = DEFAULT_QUESTIONNAIRE.with_suffix(".xlsx")


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("name", WORKBOOKS)
def test_it_reads_a_workbook_into_the_expected_questionnaire(name):
    expected = questionnaire_load(XLSFORM_FIXTURES / f"{name}.json")
    assert xlsform_load(XLSFORM_FIXTURES / f"{name}.xlsx") == expected


def test_it_flattens_groups_into_a_heading_and_their_conditions_into_each_question():
    document = xlsform_read(XLSFORM_FIXTURES / "odk-clinic.xlsx")
    by_code = {question["code"]: question for question in document["questions"]}
    assert by_code["visit"]["kind"] == "note"
    assert by_code["wait_hours"]["relevant"] == "${last_visit} != 'never'"
    assert by_code["child_services"]["relevant"] == "(${last_visit} != 'never') and (${age} >= 18)"


def test_it_adds_the_other_choice_of_or_other_in_every_language():
    spec = xlsform_load(XLSFORM_FIXTURES / "kobo-household.xlsx")
    water = next(q for q in spec.questions if q.code == "water_source")
    assert water.other_choice == ChoiceSpec(
        code="other",
        label={
            "en": "Other (please specify)",
            "ru": "Другое (уточните)",
            "kk": "Басқа (нақтылаңыз)",
        },
        is_other=True,
    )


@pytest.mark.parametrize("name", WORKBOOKS)
def test_it_reads_back_what_it_writes(name):
    spec = xlsform_load(XLSFORM_FIXTURES / f"{name}.xlsx")
    assert xlsform_load(xlsform_write(spec)) == spec


def test_it_ships_the_default_questionnaire_as_json_and_as_xlsform_alike():
    assert xlsform_load(DEFAULT_XLSFORM) == questionnaire_load(DEFAULT_QUESTIONNAIRE)


def test_it_writes_a_workbook_that_kobo_and_odk_convert():
    from pyxform.xls2xform import convert

    spec = questionnaire_load(DEFAULT_QUESTIONNAIRE)
    xform = convert(xlsform=xlsform_write(spec), file_type=".xlsx").xform
    assert 'id="us-russia-kz"' in xform
    for question in spec.questions:
        assert f"/data/{question.code}" in xform
    assert "selected(../q03, 'other')" in xform  # or_other: Kobo asks for the other text


@pytest.mark.django_db
@pytest.mark.parametrize("name", WORKBOOKS)
def test_it_imports_an_xlsform_and_its_export_again_unchanged(name, tmp_path):
    assert "created" in run("import_questionnaire", str(XLSFORM_FIXTURES / f"{name}.xlsx"))
    slug = Survey.objects.get().slug
    for format, extension in (("xlsform", "xlsx"), ("json", "json")):
        out = tmp_path / f"export.{extension}"
        assert "written" in run("export_questionnaire", slug, "--format", format, "--out", str(out))
        assert "unchanged" in run("import_questionnaire", str(out))
    assert survey_questionnaire(Survey.objects.get()) == xlsform_load(
        XLSFORM_FIXTURES / f"{name}.xlsx"
    )


@pytest.mark.django_db
def test_it_writes_the_json_a_person_can_read(tmp_path):
    run("import_questionnaire", str(DEFAULT_QUESTIONNAIRE))
    out = tmp_path / "q.json"
    run("export_questionnaire", "us-russia-kz", "--format", "json", "--out", str(out))
    assert json.loads(out.read_text()) == json.loads(DEFAULT_QUESTIONNAIRE.read_text())
    assert "Ресей" in out.read_text(encoding="utf-8")  # not \u-escaped


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--format", "json", "--out", "x.json"], "No survey 'nope'"),
        (["us-russia-kz", "--format", "json", "--out", "/no/such/folder/q.json"], "cannot write"),
    ],
)
def test_it_refuses_an_export_it_cannot_make_in_words(args, message):
    run("import_questionnaire", str(DEFAULT_QUESTIONNAIRE))
    with pytest.raises(CommandError, match=message):
        run("export_questionnaire", *args)


def with_row(row: list) -> list:
    return [*SURVEY_SHEET, row]


INVALID = {
    "condition on a later question": (
        {
            "survey": [
                SURVEY_SHEET[0],
                [*SURVEY_SHEET[1][:6], "${per_day} > 2", ""],
                SURVEY_SHEET[2],
            ]
        },
        "survey sheet, row 2 (smoker).relevant: at character 1: ",
    ),
    "unsupported type": (
        {"survey": with_row(["geopoint", "where", "Қайда?", "Где?", "Where?", "", "", ""])},
        "survey sheet, row 4: type 'geopoint' is not supported",
    ),
    "repeat": (
        {"survey": with_row(["begin repeat", "people", "Адамдар", "Люди", "People", "", "", ""])},
        "survey sheet, row 4: type 'begin repeat' is not supported",
    ),
    "calculation": (
        {"survey": with_row(["calculate", "x", "", "", "", "", "", ""])},
        "survey sheet, row 4: type 'calculate' is not supported",
    ),
    "unsupported column": (
        {
            "survey": [
                [*SURVEY_SHEET[0], "choice_filter"],
                *SURVEY_SHEET[1:],
                [*SURVEY_SHEET[1], "x"],
            ]
        },
        "survey sheet, row 4: column 'choice_filter' is not supported",
    ),
    "appearance that changes meaning": (
        {
            "survey": [
                [*SURVEY_SHEET[0], "appearance"],
                *SURVEY_SHEET[1:],
                ["text", "sig", "a", "b", "c"] + [""] * 3 + ["signature"],
            ]
        },
        "survey sheet, row 4: appearance 'signature' is not supported",
    ),
    "missing label language": (
        {"survey": with_row(["text", "why", "Неге?", "", "Why?", "", "", ""])},
        "survey sheet, row 4: label: missing the 'ru' translation (column label::Russian (ru))",
    ),
    "missing choice label language": (
        {"choices": [*CHOICE_SHEET, ["yn", "maybe", "Мүмкін", "Может быть", None]]},
        "choices sheet, row 4: label: missing the 'en' translation",
    ),
    "bad constraint": (
        {"survey": with_row(["integer", "n", "a", "b", "c", "", "", ". > 0 or . = -1"])},
        "survey sheet, row 4: constraint '. > 0 or . = -1' is not supported on a number",
    ),
    "constraint on a choice": (
        {"survey": with_row(["select_one yn", "s", "a", "b", "c", "", "", "${smoker} = 'no'"])},
        "survey sheet, row 4: a constraint is supported on numbers and texts only",
    ),
    "duplicate name": (
        {"survey": with_row(["text", "smoker", "a", "b", "c", "", "", ""])},
        "survey sheet, row 4: name 'smoker' is already used in row 2",
    ),
    "name that is not a code": (
        {"survey": with_row(["text", "Why-Not", "a", "b", "c", "", "", ""])},
        "survey sheet, row 4: name 'Why-Not' is not a valid code",
    ),
    "missing choices list": (
        {"survey": with_row(["select_one colours", "colour", "a", "b", "c", "", "", ""])},
        "survey sheet, row 4: list 'colours' has no choices in the choices sheet",
    ),
    "numeric choice name": (
        {"choices": [*CHOICE_SHEET, ["yn", "1", "a", "b", "c"]]},
        "choices sheet, row 4: name '1' is not a valid code",
    ),
    "required by a condition": (
        {"survey": with_row(["text", "why", "a", "b", "c", "${smoker} = 'yes'", "", ""])},
        "survey sheet, row 4: \"${smoker} = 'yes'\" is not yes or no",
    ),
    "unclosed group": (
        {"survey": with_row(["begin group", "g", "a", "b", "c", "", "", ""])},
        "survey sheet, row 4: this 'begin group' has no 'end group'",
    ),
    "stray end group": (
        {"survey": with_row(["end group", "", "", "", "", "", "", ""])},
        "survey sheet, row 4: 'end group' without a 'begin group'",
    ),
    "unknown language": (
        {"survey": [[*SURVEY_SHEET[0], "label::French (fr)"], *SURVEY_SHEET[1:]]},
        "survey sheet, column 'label::French (fr)': 'French (fr)' is not one of",
    ),
    "ordinal number": (
        {"survey": [[*SURVEY_SHEET[0], "ordinal"], *SURVEY_SHEET[1:2], [*SURVEY_SHEET[2], "yes"]]},
        "survey sheet, row 3: 'ordinal' applies to a select_one only",
    ),
    "ordinal or_other": (
        {
            "survey": [
                [*SURVEY_SHEET[0], "ordinal"],
                ["select_one yn or_other", "smoker", "a", "b", "c", "yes", "", "", "yes"],
            ]
        },
        "survey sheet, row 2 (smoker).choices: an ordinal question cannot have an 'other' choice",
    ),
    "no settings": ({"settings": None}, "the workbook has no 'settings' sheet"),
    "unsupported setting": (
        {"settings": [["form_id", "form_title", "public_key"], ["smoking", "Smoking", "MIIB"]]},
        "settings sheet: column 'public_key' is not supported",
    ),
    "form_id that is no address": (
        {"settings": [["form_id", "form_title"], ["smoking survey!", "Smoking"]]},
        "settings sheet: form_id 'smoking survey!' cannot be the survey's address",
    ),
    "introduction in one language only": (
        {"settings": [["form_id", "form_title", "intro_en"], ["smoking", "Smoking", "Hello"]]},
        "settings sheet: intro_kk is missing",
    ),
    "no title": (
        {"settings": [["form_id"], ["smoking"]]},
        "settings sheet: the survey's title in 'kk' is missing",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", INVALID)
def test_it_refuses_what_it_does_not_support_by_place_and_stores_nothing(case, tmp_path):
    sheets, message = INVALID[case]
    path = xlsform_workbook(tmp_path / "form.xlsx", **sheets)
    with pytest.raises(CommandError) as refused:
        run("import_questionnaire", str(path))
    assert message in str(refused.value)
    assert Survey.objects.count() == 0
    assert Question.objects.count() == 0


def test_it_reads_the_small_valid_form_the_refusals_start_from(tmp_path):
    spec = xlsform_load(xlsform_workbook(tmp_path / "form.xlsx"))
    assert [(q.code, q.kind, q.required, q.relevant) for q in spec.questions] == [
        ("smoker", "single", True, ""),
        ("per_day", "number", True, "${smoker} = 'yes'"),
    ]
    assert spec.questions[1].integer and spec.questions[1].minimum == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("form.xlsx", b"not a zip file", "not a readable .xlsx workbook"),
        ("form.xlsx", b"PK\x03\x04broken", "not a readable .xlsx workbook"),
        ("form.csv", b"type,name\n", ".csv is not a questionnaire format"),
        ("form", b"{}", "a name without extension is not a questionnaire format"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_workbook_in_words(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("import_questionnaire", str(path))
    assert Survey.objects.count() == 0


def damaged(part: str, content: bytes) -> bytes:
    """The Kobo-style workbook with one of its zip members replaced."""
    original = zipfile.ZipFile(XLSFORM_FIXTURES / "kobo-household.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for member in original.namelist():
            copy.writestr(member, content if member == part else original.read(member))
    return out.getvalue()


PARTS = zipfile.ZipFile(XLSFORM_FIXTURES / "kobo-household.xlsx").namelist()


@pytest.mark.fuzzing
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    part=st.sampled_from(PARTS),
    content=st.one_of(
        st.binary(max_size=64),
        st.text(max_size=64).map(str.encode),
        st.sampled_from([b"<x/>", b"<?xml version='1.0'?><worksheet/>", b"<sst count='-1'/>"]),
    ),
)
def test_it_refuses_a_damaged_workbook_in_words(part, content):
    """Whatever part of the file is broken, the answer is a refusal, never a traceback."""
    try:
        xlsform_load(damaged(part, content))
    except XLSFormInvalid as refusal:
        assert str(refusal)


def test_it_refuses_to_write_an_other_choice_xlsform_cannot_name():
    spec = questionnaire_load(DEFAULT_QUESTIONNAIRE)
    q03 = spec.questions[2]
    renamed = tuple(
        ChoiceSpec("elsewhere", c.label, True) if c.is_other else c for c in q03.choices
    )
    changed = dataclasses.replace(
        spec,
        questions=(
            *spec.questions[:2],
            dataclasses.replace(q03, choices=renamed),
            *spec.questions[3:],
        ),
    )
    with pytest.raises(XLSFormInvalid, match="rename the choice 'elsewhere' to 'other'"):
        xlsform_write(changed)


# Texts as a spreadsheet keeps them: trimmed, no control characters, and no no-break space
# (pyxform reads it as a space, as Kobo does).
TEXT = (
    st.text(st.characters(categories=["L", "N", "P", "Sm"], include_characters=" =+-@"), min_size=1)
    .map(str.strip)
    .filter(bool)
)
CODES = st.from_regex(CODE_PATTERN, fullmatch=True).filter(lambda code: not code.endswith("_other"))
BOUNDS = st.one_of(st.none(), st.integers(-(10**6), 10**6), st.floats(-1e9, 1e9, allow_nan=False))


@st.composite
def questionnaires(draw) -> QuestionnaireSpec:
    languages = tuple(draw(st.permutations(["kk", "ru", "en"]))[: draw(st.integers(1, 3))])

    def words(optional: bool = False) -> dict[str, str]:
        if optional and draw(st.booleans()):
            return {}
        return {language: draw(TEXT) for language in languages}

    codes = draw(st.lists(CODES, min_size=1, max_size=6, unique=True))
    return QuestionnaireSpec(
        slug=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,49}", fullmatch=True)),
        languages=languages,
        default_language=draw(st.sampled_from(languages)),
        title=words(),
        intro=words(optional=True),
        questions=tuple(draw(question(code, words)) for code in codes),
    )


@st.composite
def question(draw, code: str, words) -> QuestionSpec:
    kind = draw(st.sampled_from(["single", "ordinal", "multi", "number", "text", "note"]))
    parts: dict = {"choices": ()}
    if kind in ("single", "ordinal", "multi"):
        choice_codes = draw(st.lists(CODES, min_size=2, max_size=4, unique=True))
        other = kind != "ordinal" and "other" not in choice_codes and draw(st.booleans())
        parts["choices"] = tuple(ChoiceSpec(c, words(), False) for c in choice_codes) + (
            (ChoiceSpec("other", words(), True),) if other else ()
        )
    elif kind == "number":
        low, high = sorted(draw(BOUNDS) or 0 for _ in range(2))
        parts |= {
            "minimum": draw(st.sampled_from([None, low])),
            "maximum": draw(st.sampled_from([None, high])),
            "integer": draw(st.booleans()),
            "unit": words(optional=True),
        }
    elif kind == "text":
        parts["max_length"] = draw(st.integers(1, TEXT_MAX_LENGTH))
    return QuestionSpec(
        code=code,
        kind=kind,
        required=kind != "note" and draw(st.booleans()),
        text=words(),
        hint=words(optional=True),
        **parts,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=questionnaires())
def test_it_parses_the_document_of_any_questionnaire_back_to_it(spec):
    assert questionnaire_parse(questionnaire_document(spec)) == spec


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=questionnaires())
def test_it_reads_back_any_questionnaire_it_writes_as_xlsform(spec):
    assert xlsform_load(xlsform_write(spec)) == spec
