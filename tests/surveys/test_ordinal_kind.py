"""The ordinal question kind: a single choice whose choices are ordered."""

import pytest

from surveys.questionnaire import QuestionnaireInvalid, questionnaire_parse
from tests.factories import default_questionnaire_document


def test_it_reads_q02_and_q10_as_ordinal():
    spec = questionnaire_parse(default_questionnaire_document())
    kinds = {q.code: q.kind for q in spec.questions}
    assert kinds["q02"] == kinds["q10"] == "ordinal"
    assert [q.code for q in spec.single_choice_questions if q.is_ordinal] == ["q02", "q10"]


def test_it_refuses_an_other_choice_on_an_ordinal_question():
    document = default_questionnaire_document()
    document["questions"][1]["choices"][0]["other"] = True
    with pytest.raises(QuestionnaireInvalid, match="ordinal question cannot have an 'other'"):
        questionnaire_parse(document)


def test_it_refuses_an_ordinal_question_with_one_choice():
    document = default_questionnaire_document()
    document["questions"][1]["choices"] = document["questions"][1]["choices"][:1]
    with pytest.raises(QuestionnaireInvalid, match="an ordinal question needs at least two"):
        questionnaire_parse(document)


def test_it_offers_an_ordinal_question_as_a_form_choice_and_a_filter(client, survey):
    page = client.get("/s/us-russia-kz/?lang=en").content.decode()
    assert 'name="q10" value="high"' in page or 'value="high"' in page
