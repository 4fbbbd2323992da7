"""A submission finds its survey in the cache (one query: the INSERT), and forgets it as
soon as the survey, a question or a choice is saved."""

import pytest

from surveys.models import Choice
from tests.factories import submit


def body(answers: dict) -> dict:
    return {"language": "en", "answers": answers}


@pytest.mark.django_db(transaction=True)  # as in production: no transaction around it
def test_it_stores_a_submission_in_one_query(client, survey, answers, django_assert_num_queries):
    assert submit(client, body(answers)).status_code == 201
    with django_assert_num_queries(1):
        assert submit(client, body(answers)).status_code == 201


def test_it_refuses_submissions_as_soon_as_the_survey_is_closed(client, survey, answers):
    assert submit(client, body(answers)).status_code == 201
    survey.is_open = False
    survey.save()
    assert submit(client, body(answers)).status_code == 410


def test_it_checks_against_a_choice_as_soon_as_it_is_removed(client, survey, answers):
    assert submit(client, body(answers)).status_code == 201
    Choice.objects.get(question__survey=survey, question__code="q01", code="teacher").delete()
    refused = submit(client, body(answers))
    assert refused.status_code == 400
    assert "q01" in refused.json()["errors"]
