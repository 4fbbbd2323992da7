"""CSRF on the respondent form. Session-authenticated API writes are covered in
tests/api/test_api_abuse.py (403 without the token, 201 with it)."""

import pytest
from django.test import Client

from surveys.models import Response
from tests.factories import form_data

FORM = "/s/us-russia-kz/"


@pytest.fixture
def browser_like(survey) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    return client


def test_it_refuses_a_form_post_without_the_csrf_token(browser_like, answers):
    response = browser_like.post(FORM, form_data(answers))
    assert response.status_code == 403
    assert Response.objects.count() == 0


def test_it_refuses_a_form_post_with_another_pages_token(browser_like, answers):
    browser_like.get(FORM)
    response = browser_like.post(FORM, {**form_data(answers), "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert Response.objects.count() == 0


def test_it_accepts_the_form_with_the_token_it_was_given(browser_like, answers):
    page = browser_like.get(FORM)
    token = page.context["csrf_token"]
    response = browser_like.post(FORM, {**form_data(answers), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Response.objects.count() == 1
