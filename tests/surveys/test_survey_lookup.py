"""A submission finds its survey in the cache (one query: the INSERT), and forgets it as
soon as the survey, a question or a choice is saved."""

import pytest
from django.core.cache import cache

from surveys.models import Choice, Survey
from surveys.selectors import survey_by_slug, survey_cache_key, survey_read
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


def test_it_gives_a_respondent_the_same_survey_without_a_query(survey, django_assert_num_queries):
    first = survey_by_slug(survey.slug)
    with django_assert_num_queries(0):
        assert survey_by_slug(survey.slug) is first


def test_it_reads_the_survey_again_when_another_process_stamped_it(survey):
    """Another process read the survey after a change this one did not see (a bulk update,
    whose stamp expired): its stamp differs from the one kept here."""
    kept = survey_by_slug(survey.slug)
    Survey.objects.filter(pk=survey.pk).update(quota=5)
    assert survey_by_slug(survey.slug).quota is None  # unseen while the stamp holds
    cache.set(survey_cache_key(survey.slug), "another process's stamp")
    again = survey_by_slug(survey.slug)
    assert again is not kept and again.quota == 5
    assert cache.get(survey_cache_key(survey.slug)) == "another process's stamp"


def test_it_sees_a_bulk_update_once_the_stamp_expires(survey):
    survey_by_slug(survey.slug)
    Survey.objects.filter(pk=survey.pk).update(is_open=False)
    cache.delete(survey_cache_key(survey.slug))  # what SURVEY_SECONDS does
    assert survey_by_slug(survey.slug).is_open is False


def test_it_finds_no_survey_once_it_is_deleted(survey):
    slug = survey.slug
    assert survey_by_slug(slug) is not None
    survey.delete()
    assert survey_by_slug(slug) is None


def test_it_gives_staff_a_survey_of_their_own(survey):
    """A staff request may change the survey it is given; respondents must not see that
    unsaved change."""
    shared = survey_by_slug(survey.slug)
    for_staff = survey_read(survey.slug)
    assert for_staff is not shared and for_staff.pk == shared.pk
