"""Changing a questionnaire that has responses (issue 11, item 4): what is allowed, what is
refused with the number of responses that use it, and the copy that starts afresh."""

import json

import pytest
from django.core.management import CommandError, call_command

from surveys.editing import ChangeRefused, questionnaire_save, survey_copy
from surveys.models import Provenance, Response, Survey, SurveyMember
from surveys.questionnaire_files import questionnaire_document
from surveys.selectors import survey_questionnaire
from tests.factories import default_questionnaire_document, response_add, user_in_role


def document_of(survey) -> dict:
    return questionnaire_document(survey_questionnaire(survey))


def question_in(document: dict, code: str) -> dict:
    return next(q for q in document["questions"] if q["code"] == code)


@pytest.fixture
def answered(survey, answers):
    """The default survey with two responses: both answer q03 with sanctions, cyber, other."""
    response_add(survey, answers)
    response_add(survey, {**answers, "q01": "researcher"})
    survey.refresh_from_db()
    return survey


def refused(survey, document) -> str:
    before = (survey_questionnaire(survey), Survey.objects.get(pk=survey.pk).revision)
    with pytest.raises(ChangeRefused) as error:
        questionnaire_save(survey=survey, document=document)
    after = Survey.objects.get(pk=survey.pk)
    assert (survey_questionnaire(after), after.revision) == before
    return str(error.value)


def test_it_gives_back_the_same_questionnaire_from_its_document(survey):
    assert questionnaire_save(survey=survey, document=document_of(survey)) == "unchanged"
    assert document_of(survey) == {
        **default_questionnaire_document(),
        "questions": document_of(survey)["questions"],
    }


def test_it_allows_adding_rewording_reordering_and_conditions_and_raises_the_revision(answered):
    document = document_of(answered)
    questions = document["questions"]
    questions[0]["text"]["en"] = "What is your occupation now?"
    questions[1], questions[2] = questions[2], questions[1]
    question_in(document, "q05")["relevant"] = "${q04} = 'yes'"
    question_in(document, "q03")["choices"][-1]["label"]["en"] = "Something else"
    question_in(document, "q01")["choices"].append(
        {"code": "farmer", "label": {"kk": "Фермер", "ru": "Фермер", "en": "Farmer"}}
    )
    questions.append(
        {
            "code": "age",
            "kind": "number",
            "text": {"kk": "Жас", "ru": "Возраст", "en": "Age"},
            "min": 16,
            "max": 99,
            "integer": True,
        }
    )
    revision = answered.revision
    assert questionnaire_save(survey=answered, document=document) == "updated"
    answered.refresh_from_db()
    spec = survey_questionnaire(answered)
    assert answered.revision > revision
    assert [q.code for q in spec.questions][:3] == ["q01", "q03", "q02"]
    assert spec.questions[0].text["en"] == "What is your occupation now?"
    assert spec.questions[-1].code == "age" and spec.questions[-1].integer
    assert "farmer" in spec.questions[0].choice_codes
    assert spec.questions[1].other_choice.label["en"] == "Something else"
    assert Response.objects.filter(survey=answered).count() == 2


def test_it_refuses_deleting_an_answered_question_with_the_count(answered):
    document = document_of(answered)
    document["questions"] = [q for q in document["questions"] if q["code"] != "q04"]
    message = refused(answered, document)
    assert "Question q04 cannot be deleted or recoded: 2 responses answer it." in message
    assert "close this survey and copy it as a new one" in message


def test_it_says_how_to_clear_test_responses_that_block_a_change(survey, answers):
    response_add(survey, answers, provenance=Provenance.TEST)
    document = document_of(survey)
    document["questions"] = [q for q in document["questions"] if q["code"] != "q04"]
    message = refused(survey, document)
    assert "Question q04 cannot be deleted or recoded: 1 response answers it." in message
    assert "They are all test or demo responses: delete them" in message


def test_it_refuses_recoding_an_answered_question(answered):
    document = document_of(answered)
    question_in(document, "q09")["code"] = "q09_attitude"
    assert "Question q09 cannot be deleted or recoded: 2 responses" in refused(answered, document)


def test_it_refuses_deleting_a_chosen_choice_with_the_count(answered):
    document = document_of(answered)
    q01 = question_in(document, "q01")
    q01["choices"] = [c for c in q01["choices"] if c["code"] != "researcher"]
    message = refused(answered, document)
    assert (
        "Choice researcher of question q01 cannot be deleted or recoded: 1 response chose it."
        in message
    )


def test_it_refuses_recoding_a_ticked_option_of_a_multiple_choice(answered):
    document = document_of(answered)
    question_in(document, "q03")["choices"][1]["code"] = "cyber_attacks"
    assert question_in(document_of(answered), "q03")["choices"][1]["code"] == "cyber"
    message = refused(answered, document)
    assert (
        "Choice cyber of question q03 cannot be deleted or recoded: 2 responses chose it."
        in message
    )


def test_it_allows_deleting_a_choice_nobody_chose(answered):
    document = document_of(answered)
    q01 = question_in(document, "q01")
    unchosen = [c["code"] for c in q01["choices"] if c["code"] not in ("teacher", "researcher")]
    q01["choices"] = [c for c in q01["choices"] if c["code"] != unchosen[0]]
    assert questionnaire_save(survey=answered, document=document) == "updated"
    assert unchosen[0] not in survey_questionnaire(answered).questions[0].choice_codes


def test_it_refuses_unmarking_an_other_choice_that_holds_free_texts(answered):
    document = document_of(answered)
    question_in(document, "q03")["choices"][-1].pop("other")
    message = refused(answered, document)
    assert "The “other” choice of question q03 must stay “other”: 2 responses wrote" in message


def test_it_refuses_changing_the_kind_of_an_answered_question(answered):
    document = document_of(answered)
    question_in(document, "q02")["kind"] = "single"
    message = refused(answered, document)
    assert "The kind of question q02 cannot change: 2 responses answer it." in message


def test_it_allows_any_change_before_the_first_response(survey):
    document = document_of(survey)
    question_in(document, "q02")["kind"] = "single"
    document["questions"] = [q for q in document["questions"] if q["code"] != "q10"]
    assert questionnaire_save(survey=survey, document=document) == "updated"
    spec = survey_questionnaire(survey)
    assert "q10" not in [q.code for q in spec.questions] and spec.questions[1].kind == "single"


def test_it_raises_the_revision_when_questions_are_deleted_or_reordered(survey):
    document = document_of(survey)
    revision = Survey.objects.get(pk=survey.pk).revision
    document["questions"] = document["questions"][::-1][1:]
    questionnaire_save(survey=survey, document=document)
    assert Survey.objects.get(pk=survey.pk).revision > revision
    assert [q.code for q in survey_questionnaire(survey).questions][0] == "q09"


def test_import_questionnaire_obeys_the_same_rules(answered, tmp_path):
    document = default_questionnaire_document()
    document["questions"] = [q for q in document["questions"] if q["code"] != "q07"]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(
        CommandError, match="Question q07 cannot be deleted or recoded: 2 responses"
    ):
        call_command("import_questionnaire", str(path))
    assert answered.questions.filter(code="q07").exists()


def test_it_copies_a_survey_without_responses_and_closes_the_original(answered):
    owner = user_in_role("owner", answered)
    copy = survey_copy(survey=answered, slug="us-russia-kz-2", user=owner)
    answered.refresh_from_db()
    assert not answered.is_open and not copy.is_open
    assert survey_questionnaire(copy).questions == survey_questionnaire(answered).questions
    assert copy.responses.count() == 0 and answered.responses.count() == 2
    assert SurveyMember.objects.get(survey=copy, user=owner).role == "owner"


def test_it_refuses_a_copy_to_an_address_in_use(answered):
    other = survey_copy(survey=answered, slug="taken", user=user_in_role("admin"))
    with pytest.raises(Exception, match="exists already"):
        survey_copy(survey=answered, slug=other.slug, user=user_in_role("superuser"))
