"""Fuzzing the submission service: whatever the answers document holds, it either stores
one valid response or refuses with AnswersInvalid/SubmissionRefused, and stores nothing
when it refuses."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.answers import AnswersInvalid, answers_clean
from surveys.models import Response
from surveys.selectors import survey_questionnaire
from surveys.submissions import SubmissionRefused
from tests.factories import response_add

pytestmark = pytest.mark.fuzzing

CODES = ["q01", "q02", "q03", "q03_other", "q04", "q05", "q06", "q07", "q08", "q09", "q10"]
TEXTS = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=12),
    # A JSON body can carry a lone surrogate ("\ud800"); Hypothesis never draws one itself.
    st.tuples(st.text(max_size=4), st.sampled_from("\ud800\udfff")).map("".join),
    st.sampled_from(
        [
            "teacher",
            "other",
            "cyber",
            "yes",
            "",
            " ",
            "\x00",
            "\ud800 lone surrogate",
            "=cmd|' /C calc'!A0",
            "<script>alert(1)</script>",
            "Ақпарат" * 100,
        ]
    ),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def answers_documents(draw, valid: dict):
    """Valid answers with some values replaced, removed or added, or anything at all."""
    if draw(st.integers(0, 7)) == 0:
        return draw(JSON)
    document = dict(valid)
    for code in draw(st.lists(st.sampled_from(CODES), max_size=2)):
        if draw(st.booleans()):
            document.pop(code, None)
        else:
            document[code] = draw(JSON)
    if draw(st.booleans()):
        document["q03_other"] = draw(TEXTS)  # the one free text: where storage can fail
    if draw(st.integers(0, 5)) == 0:
        document[draw(TEXTS)] = draw(JSON)
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_it_stores_a_valid_response_or_refuses_and_stores_nothing(survey, answers, data):
    document = data.draw(answers_documents(answers))
    language = data.draw(st.sampled_from(["kk", "ru", "en"]) | st.sampled_from(["de", ""]))
    before = Response.objects.count()
    try:
        submission = response_add(survey, document, language=language)
    except (AnswersInvalid, SubmissionRefused):
        assert Response.objects.count() == before
        return
    assert Response.objects.count() == before + 1
    stored = Response.objects.get(pk=submission.response.pk)
    spec = survey_questionnaire(survey)
    assert answers_clean(spec.questions, stored.answers) == stored.answers
    assert stored.language == language


def test_it_refuses_a_lone_surrogate_that_postgresql_cannot_store(survey, answers):
    # Found by the test above: JSON may carry "\ud800", and jsonb refused it with a 500.
    try:
        response_add(survey, {**answers, "q03_other": "\ud800 x"}, language="ru")
    except AnswersInvalid as error:
        assert "q03" in error.errors
    assert Response.objects.count() == 0


def test_it_answers_400_to_a_lone_surrogate_through_the_api(client, survey, answers):
    body = json.dumps({"language": "ru", "answers": {**answers, "q03_other": "\ud800"}})
    response = client.post(
        "/api/v1/surveys/us-russia-kz/responses/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert Response.objects.count() == 0
