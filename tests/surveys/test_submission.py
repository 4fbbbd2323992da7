"""Submitting stores one Response, exactly as given, once per client token."""

import threading
import uuid

import pytest
from django.db import connection

from surveys.models import Response
from surveys.submissions import SubmissionRefused, SurveyClosed, TokenReused, response_submit


def submit(survey, answers, token, language="ru"):
    return response_submit(survey=survey, answers=answers, language=language, client_token=token)


def test_it_stores_one_response_with_the_exact_answers(survey, answers):
    submission = submit(survey, answers, uuid.uuid4())
    stored = Response.objects.get()
    assert submission.created
    assert stored.answers == answers
    assert stored.language == "ru"
    assert stored.provenance == "real"


def test_it_gives_the_stored_response_as_the_database_holds_it(survey, answers):
    """The instance is built from the submitted values, not read back: it must be what the
    ORM reads, field by field."""
    token = uuid.uuid4()
    submission = submit(survey, answers, token)
    stored = Response.objects.get()
    assert submission.client_token == token == stored.client_token
    for field in Response._meta.concrete_fields:
        assert getattr(submission.response, field.attname) == getattr(stored, field.attname)
    assert not submission.response._state.adding


def test_it_stores_nothing_new_when_the_same_submission_comes_again(survey, answers):
    token = uuid.uuid4()
    first = submit(survey, answers, token)
    again = submit(survey, dict(answers), token)
    assert not again.created
    assert again.response.pk == first.response.pk
    assert Response.objects.count() == 1


def test_it_refuses_the_same_token_with_other_answers_and_keeps_the_stored_one(survey, answers):
    token = uuid.uuid4()
    submit(survey, answers, token)
    with pytest.raises(TokenReused):
        submit(survey, {**answers, "q04": "no"}, token)
    assert Response.objects.get().answers["q04"] == "yes"


def test_it_refuses_a_closed_survey_and_stores_nothing(survey, answers):
    survey.is_open = False
    survey.save()
    with pytest.raises(SurveyClosed):
        submit(survey, answers, uuid.uuid4())
    assert Response.objects.count() == 0


def test_it_refuses_a_language_the_survey_does_not_have(survey, answers):
    with pytest.raises(SubmissionRefused):
        submit(survey, answers, uuid.uuid4(), language="de")
    assert Response.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_stores_one_row_when_20_threads_submit_the_same_answers_at_once(survey, answers):
    token = uuid.uuid4()
    barrier = threading.Barrier(20)
    outcomes: list = []

    def post():
        try:
            barrier.wait()
            outcomes.append(submit(survey, answers, token).created)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 19 + [True]
    assert Response.objects.filter(client_token=token).count() == 1
