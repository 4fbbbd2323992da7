"""Reading surveys and questionnaires through the API, in the language asked for."""

from surveys.models import Response, Survey
from tests.factories import SURVEYS, skip_logic_document, survey_from_document

DETAIL = f"{SURVEYS}us-russia-kz/"


def test_it_lists_only_the_open_surveys(client, survey):
    Survey.objects.create(
        slug="closed",
        title={"en": "Closed"},
        languages=["en"],
        default_language="en",
        is_open=False,
    )
    response = client.get(SURVEYS, {"lang": "en"})
    assert response.status_code == 200
    assert [s["slug"] for s in response.json()] == ["us-russia-kz"]
    assert response.json()[0]["language"] == "en"
    assert response.json()[0]["languages"] == survey.languages


def test_it_shows_the_questionnaire_in_the_language_of_the_query(client, survey):
    body = client.get(DETAIL, {"lang": "en"}).json()
    assert body["language"] == "en"
    assert body["questions"][0]["code"] == "q01"
    assert body["questions"][0]["text"] == "Which respondent status suits you best?"
    assert body["questions"][2]["kind"] == "multi"
    assert any(choice["is_other"] for choice in body["questions"][2]["choices"])


def test_it_follows_accept_language_when_no_language_is_asked_for(client, survey):
    response = client.get(DETAIL, headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert response.json()["language"] == "ru"
    assert response["Content-Language"] == "ru"
    assert response.json()["questions"][0]["text"] == (
        "Какой статус респондента вам больше всего подходит?"
    )


def test_it_falls_back_to_the_survey_default_language(client, survey):
    response = client.get(DETAIL, {"lang": "de"}, headers={"Accept-Language": "fr"})
    assert response.json()["language"] == survey.default_language


def test_it_answers_an_unknown_survey_with_a_json_404(client, db):
    response = client.get(f"{SURVEYS}no-such-survey/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "slug" in response.json()["detail"]


def test_it_answers_an_unknown_api_address_with_a_json_404(client, db):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_it_gives_each_kind_its_rules_and_each_condition_as_source_and_tree(client, db):
    survey_from_document(skip_logic_document())
    questions = client.get(f"{SURVEYS}skip-logic/", {"lang": "ru"}).json()["questions"]
    note, single, ordinal, _multi, whole, _decimal, text = questions
    assert note["kind"] == "note" and note["required"] is False and note["condition"] is None
    assert ordinal["relevant"] == "${q01} != 'no'"
    assert ordinal["condition"] == {
        "op": "compare",
        "question": "q01",
        "count": False,
        "kind": "single",
        "operator": "!=",
        "value": "no",
        "order": [],
    }
    assert (whole["min"], whole["max"], whole["integer"], whole["unit"]) == (16, 99, True, "лет")
    assert text["max_length"] == 300 and text["min"] is None
    assert single["relevant"] == "" and single["max_length"] is None


def test_it_drops_an_answer_to_a_question_not_asked_and_stores_what_was_skipped(client, db):
    survey_from_document(skip_logic_document())
    body = {"language": "en", "answers": {"q01": "no", "q02": "daily", "q04": "40"}}
    response = client.post(f"{SURVEYS}skip-logic/responses/", body, content_type="application/json")
    assert response.status_code == 201
    stored = Response.objects.get()
    assert stored.answers == {"q01": "no", "q04": 40}
    assert stored.skipped == ["q02", "q03", "q05", "q06"]
