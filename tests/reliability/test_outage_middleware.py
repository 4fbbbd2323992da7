"""A database failure in middleware, before any view runs, is a 503 too.

Django turns an exception raised in middleware into a 500 before the outage middleware
sees it; these tests put a middleware that loses its database connection right below it.
"""

import pytest
from django.db import OperationalError
from django.test import Client


class DatabaseGoneMiddleware:
    """Fails as SessionMiddleware does when PostgreSQL refuses the connection."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


@pytest.fixture
def client(settings) -> Client:
    outage = settings.MIDDLEWARE.index("core.outage.DatabaseOutageMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: outage + 1],
        f"{__name__}.DatabaseGoneMiddleware",
        *settings.MIDDLEWARE[outage + 1 :],
    ]
    return Client(raise_request_exception=False)


def test_it_shows_the_503_page_in_the_language_of_the_cookie(client):
    client.cookies["django_language"] = "kk"
    response = client.get("/s/us-russia-kz/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Сауалнама уақытша қолжетімсіз" in response.content.decode()


def test_it_answers_the_api_in_json(client):
    response = client.post("/api/v1/surveys/us-russia-kz/responses/", {}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["code"] == "database_unavailable"
    assert response.json()["detail"].startswith("База данных временно недоступна")


def test_it_keeps_the_security_headers_on_the_503(client):
    response = client.get("/s/us-russia-kz/")
    assert response["X-Content-Type-Options"] == "nosniff"
