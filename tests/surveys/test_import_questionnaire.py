"""import_questionnaire: create or update, idempotent, refuses malformed files atomically."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from surveys.models import Choice, Question, Survey
from tests.factories import DEFAULT_QUESTIONNAIRE

ORIGINAL = json.loads(DEFAULT_QUESTIONNAIRE.read_text())


def write(tmp_path, document) -> str:
    path = tmp_path / "questionnaire.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    return str(path)


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_questionnaire", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_imports_the_default_questionnaire_twice_into_one_survey():
    assert "created" in run(str(DEFAULT_QUESTIONNAIRE))
    assert "unchanged" in run(str(DEFAULT_QUESTIONNAIRE))
    assert Survey.objects.count() == 1
    assert Question.objects.count() == 10
    assert Choice.objects.count() == 39
    assert Question.objects.get(code="q03").kind == "multi"
    assert Choice.objects.get(question__code="q03", code="other").is_other


@pytest.mark.django_db
def test_it_writes_nothing_when_reimporting_the_same_file(django_assert_max_num_queries):
    run(str(DEFAULT_QUESTIONNAIRE))
    with django_assert_max_num_queries(5) as captured:
        run(str(DEFAULT_QUESTIONNAIRE))
    assert not [q for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


@pytest.mark.django_db
def test_it_updates_texts_and_removes_choices_gone_from_the_file(tmp_path):
    run(str(DEFAULT_QUESTIONNAIRE))
    document = copy.deepcopy(ORIGINAL)
    document["questions"][3]["text"]["en"] = "Does it affect Kazakhstan?"
    document["questions"][3]["choices"].pop()
    assert "updated" in run(write(tmp_path, document))
    q04 = Question.objects.get(code="q04")
    assert q04.text["en"] == "Does it affect Kazakhstan?"
    assert list(q04.choices.values_list("code", flat=True)) == ["yes", "partly", "no"]


def broken(change) -> dict:
    document = copy.deepcopy(ORIGINAL)
    change(document)
    return document


MALFORMED = {
    "missing translation": (
        lambda d: d["questions"][2]["text"].pop("kk"),
        "questions[2] (q03).text: missing the 'kk' translation",
    ),
    "duplicate question code": (
        lambda d: d["questions"][1].update(code="q01"),
        "duplicate question code 'q01'",
    ),
    "duplicate choice code": (
        lambda d: d["questions"][0]["choices"][1].update(code="bachelor"),
        "questions[0] (q01).choices: duplicate choice code 'bachelor'",
    ),
    "multi without choices": (
        lambda d: d["questions"][2].update(choices=[]),
        "questions[2] (q03).choices",
    ),
    "unknown kind": (
        lambda d: d["questions"][4].update(kind="scale"),
        "questions[4] (q05).kind: 'scale' is not one of",
    ),
    "missing label translation": (
        lambda d: d["questions"][5]["choices"][0]["label"].pop("ru"),
        "questions[5] (q06).choices[0].label: missing the 'ru' translation",
    ),
    "unknown language": (lambda d: d.update(languages=["kk", "de"]), "languages"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", MALFORMED.keys())
def test_it_refuses_a_malformed_file_naming_the_place_and_stores_nothing(tmp_path, case):
    change, place = MALFORMED[case]
    with pytest.raises(
        CommandError,
        match=place.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]"),
    ):
        run(write(tmp_path, broken(change)))
    assert Survey.objects.count() == 0
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_malformed_update_without_touching_the_stored_survey(tmp_path):
    run(str(DEFAULT_QUESTIONNAIRE))
    document = broken(lambda d: d["questions"][9]["choices"][0]["label"].pop("en"))
    document["questions"][0]["text"]["en"] = "Changed"
    with pytest.raises(CommandError):
        run(write(tmp_path, document))
    assert Question.objects.get(code="q01").text["en"] == ORIGINAL["questions"][0]["text"]["en"]


@pytest.mark.django_db
def test_it_refuses_bad_json_with_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"slug": "x",\n  oops}')
    with pytest.raises(CommandError, match="not valid JSON \\(line 2, column 3"):
        run(str(path))


@pytest.mark.django_db
def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "absent.json"))


@pytest.mark.django_db
def test_it_imports_a_questionnaire_in_one_language_only(tmp_path):
    document = copy.deepcopy(ORIGINAL)
    document.update(slug="english-only", languages=["en"], default_language="en")
    run(write(tmp_path, document))
    survey = Survey.objects.get(slug="english-only")
    assert survey.languages == ["en"]
    assert set(survey.questions.get(code="q01").text) == {"en"}


@pytest.mark.django_db
def test_it_raises_the_revision_when_a_question_changes_in_the_admin_way():
    from surveys.selectors import survey_questionnaire

    run(str(DEFAULT_QUESTIONNAIRE))
    survey = Survey.objects.get()
    before = survey_questionnaire(survey)
    question = survey.questions.get(code="q04")
    question.text = {**question.text, "en": "Edited in the admin"}
    question.save()
    survey.refresh_from_db()
    assert survey_questionnaire(survey).questions[3].text["en"] == "Edited in the admin"
    assert before.questions[3].text["en"] != "Edited in the admin"
