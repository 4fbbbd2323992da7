"""Reading surveys and questionnaires through the API, in the language asked for."""

from surveys.models import Survey
from tests.factories import SURVEYS, survey_from_document

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


def test_it_shows_each_kind_with_its_rules_and_condition(client, db):
    survey_from_document(
        {
            "slug": "kinds",
            "languages": ["en", "ru"],
            "title": {"en": "Kinds", "ru": "Виды"},
            "questions": [
                {"code": "intro", "kind": "note", "text": {"en": "About you", "ru": "О вас"}},
                {
                    "code": "works",
                    "kind": "single",
                    "text": {"en": "Do you work?", "ru": "Работаете?"},
                    "choices": [
                        {"code": "yes", "label": {"en": "Yes", "ru": "Да"}},
                        {"code": "no", "label": {"en": "No", "ru": "Нет"}},
                    ],
                },
                {
                    "code": "hours",
                    "kind": "number",
                    "text": {"en": "Hours a week?", "ru": "Часов в неделю?"},
                    "hint": {"en": "Paid work only", "ru": "Только оплачиваемая работа"},
                    "relevant": "${works} = 'yes'",
                    "min": 0,
                    "max": 80,
                    "integer": True,
                    "unit": {"en": "hours", "ru": "часов"},
                },
                {
                    "code": "why",
                    "kind": "text",
                    "required": False,
                    "text": {"en": "Why?", "ru": "Почему?"},
                    "max_length": 300,
                },
            ],
        }
    )
    questions = client.get(f"{SURVEYS}kinds/", {"lang": "ru"}).json()["questions"]
    note, works, hours, why = questions
    assert (note["kind"], note["required"], note["choices"]) == ("note", False, [])
    assert works["relevant"] == "" and works["min"] is None and works["max_length"] is None
    assert hours == {
        "code": "hours",
        "kind": "number",
        "required": True,
        "text": "Часов в неделю?",
        "hint": "Только оплачиваемая работа",
        "relevant": "${works} = 'yes'",
        "min": 0,
        "max": 80,
        "integer": True,
        "unit": "часов",
        "max_length": None,
        "choices": [],
    }
    assert (why["kind"], why["max_length"], why["unit"]) == ("text", 300, "")
