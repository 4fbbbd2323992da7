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


def test_it_asks_an_ordinal_question_as_one_choice_in_order(client, survey):
    page = client.get("/s/us-russia-kz/?lang=en").content.decode()
    radios = [f'type="radio" name="q10" value="{code}"' for code in ("low", "medium", "high")]
    assert all(radio in page for radio in radios)
    assert page.index(radios[0]) < page.index(radios[1]) < page.index(radios[2])


def test_it_offers_an_ordinal_question_as_a_filter(survey):
    from analytics.forms import ResponseFilterForm
    from surveys.selectors import survey_questionnaire

    form = ResponseFilterForm(survey_questionnaire(survey), "en")
    assert "q10" in form.fields and "q02" in form.fields
