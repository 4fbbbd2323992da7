"""The analysis endpoints: who may read them, the dashboard filters, the shapes returned."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from surveys.services import demo_responses_create
from tests.factories import signed_in

BASE = "/api/v1/surveys/us-russia-kz/analytics"
ENDPOINTS = [f"{BASE}/frequencies/", f"{BASE}/matrix/", f"{BASE}/pairs/q01/q04/"]


@pytest.fixture
def responses(survey):
    demo_responses_create(survey=survey, n=300, seed=3)
    return survey


@pytest.fixture
def staff_client(staff) -> Client:
    return signed_in(staff)


def _as(role: str, request) -> Client:
    if role == "anonymous":
        return Client()
    if role == "token_staff":
        return Client(headers={"Authorization": f"Token {request.getfixturevalue('staff_token')}"})
    users = {
        "user": lambda: User.objects.create_user("someone", password="pw"),
        "staff": lambda: request.getfixturevalue("staff"),
        "superuser": lambda: User.objects.create_superuser("root", password="pw"),
    }
    return signed_in(users[role]())


@pytest.mark.matrix
@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("user", 403), ("staff", 200), ("superuser", 200), ("token_staff", 200)],
)
def test_it_lets_only_staff_read_the_analysis(request, responses, url, role, status):
    response = _as(role, request).get(url)
    assert response.status_code == status
    if status != 200:
        assert response.json()["detail"]


def test_it_gives_the_frequencies_of_every_question(staff_client, responses):
    body = staff_client.get(f"{BASE}/frequencies/").json()
    assert set(body) == {"survey", "n", "watermark", "weighted", "weights", "questions"}
    assert body["weighted"] is False
    assert body["n"] == 300
    assert [q["code"] for q in body["questions"]][:2] == ["q01", "q02"]
    assert sum(f["count"] for f in body["questions"][0]["frequencies"]) == 300


def test_it_gives_the_matrix_without_tables(staff_client, responses):
    body = staff_client.get(f"{BASE}/matrix/").json()
    assert set(body) == {"survey", "n", "watermark", "weighted", "weights", "pairs"}
    assert len(body["pairs"]) == 45
    assert all("table" not in pair and "expected" not in pair for pair in body["pairs"])
    mixed = next(pair for pair in body["pairs"] if pair["kind"] == "single×multi")
    assert all("table" not in item for item in mixed["items"])


def test_it_gives_the_anytime_p_of_every_pair_but_none_with_filters(staff_client, responses):
    pairs = staff_client.get(f"{BASE}/matrix/").json()["pairs"]
    assert all(0 <= pair["p_anytime"] <= 1 for pair in pairs)
    filtered = staff_client.get(f"{BASE}/matrix/?language=ru").json()["pairs"]
    assert all(pair["p_anytime"] is None for pair in filtered)


def test_it_gives_one_pair_with_its_tables_in_either_order(staff_client, responses):
    pair = staff_client.get(f"{BASE}/pairs/q01/q04/").json()
    assert (pair["a"], pair["b"], pair["n"]) == ("q01", "q04", 300)
    assert sum(map(sum, pair["table"])) == 300
    assert staff_client.get(f"{BASE}/pairs/q04/q01/").json() == pair


def test_it_answers_an_unknown_pair_with_404(staff_client, responses):
    response = staff_client.get(f"{BASE}/pairs/q01/q99/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_it_answers_an_unknown_survey_with_404(staff_client, db):
    assert staff_client.get("/api/v1/surveys/nope/analytics/matrix/").status_code == 404


def test_it_applies_the_dashboard_filters(staff_client, responses):
    everyone = staff_client.get(f"{BASE}/frequencies/").json()
    teachers = staff_client.get(f"{BASE}/frequencies/", {"q01": "teacher"}).json()
    teacher_count = next(
        f["count"] for f in everyone["questions"][0]["frequencies"] if f["choice"] == "teacher"
    )
    assert teachers["n"] == teacher_count
    assert staff_client.get(f"{BASE}/matrix/", {"provenance": "real"}).json()["n"] == 0
    kazakh = staff_client.get(f"{BASE}/frequencies/", {"language": ["kk", "ru"]}).json()
    assert 0 < kazakh["n"] < 300


@pytest.mark.parametrize(
    "query",
    [
        {"q01": "astronaut"},
        {"q03": "cyber"},
        {"since": "yesterday"},
        {"since": "2025-02-01", "until": "2025-01-01"},
        {"language": "de"},
        {"provenance": "maybe"},
    ],
)
def test_it_refuses_a_filter_it_cannot_use_with_400(staff_client, responses, query):
    response = staff_client.get(f"{BASE}/frequencies/", query)
    assert response.status_code == 400
    assert response.json()["errors"]["filters"]
