"""seed_demo: synthetic responses marked as demo, following the article's printed shares."""

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from surveys.models import Response, Survey
from surveys.questionnaire_files import questionnaire_load
from surveys.services import questionnaire_import
from tests.factories import PAPER_FINDINGS, default_questionnaire_document

FINDINGS = json.loads(PAPER_FINDINGS.read_text())["marginals"]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_adds_demo_responses_that_pass_validation(survey):
    seed("--n", "300", "--seed", "3")
    from surveys.answers import answers_clean
    from surveys.selectors import survey_questionnaire

    questions = survey_questionnaire(survey).questions
    stored = list(Response.objects.all())
    assert len(stored) == 300
    assert all(r.provenance == "demo" for r in stored)
    assert all(answers_clean(questions, r.answers) == r.answers for r in stored)
    assert {r.language for r in stored} == {"kk", "ru", "en"}


@pytest.mark.parametrize("random_seed", [0, 1, 2])
def test_it_reproduces_the_printed_shares_within_five_points(survey, random_seed):
    seed("--n", "1000", "--seed", str(random_seed))
    answers = [r.answers for r in Response.objects.all()]
    for code, shares in FINDINGS.items():
        if code == "q03_selected_share":
            for choice, share in shares.items():
                observed = np.mean([choice in a["q03"] for a in answers])
                assert abs(observed - share) <= 0.05, (code, choice, observed)
            continue
        for choice, share in shares.items():
            if not choice.startswith("_"):
                observed = np.mean([a[code] == choice for a in answers])
                assert abs(observed - share) <= 0.05, (code, choice, observed)


def test_it_gives_the_same_answers_for_the_same_seed(survey):
    seed("--n", "50", "--seed", "7")
    first = sorted(json.dumps(r.answers, sort_keys=True) for r in Response.objects.all())
    Response.objects.all().delete()
    seed("--n", "50", "--seed", "7")
    again = sorted(json.dumps(r.answers, sort_keys=True) for r in Response.objects.all())
    assert first == again


def test_it_gives_other_surveys_uniform_valid_answers(survey, tmp_path):
    document = default_questionnaire_document()
    document.update(slug="copy", languages=["en"], default_language="en")
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(document))
    questionnaire_import(spec=questionnaire_load(path))
    seed("--survey", "copy", "--n", "400")
    statuses = [r.answers["q01"] for r in Survey.objects.get(slug="copy").responses.all()]
    assert 50 <= statuses.count("researcher") <= 110


def test_it_does_nothing_with_if_empty_when_there_are_responses(survey):
    seed("--n", "5")
    assert "no demo data added" in seed("--n", "5", "--if-empty")
    assert Response.objects.count() == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--n", "0"], "argument --n: must be at least 1"),
        (["--seed", "-1"], "argument --seed: must be at least 0"),
        (["--survey", "missing"], "No survey 'missing'"),
    ],
)
def test_it_refuses_bad_arguments(survey, args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)


def test_it_stores_times_tokens_and_durations_the_orm_reads_back(survey):
    from datetime import timedelta

    from django.utils import timezone

    seed("--n", "200")
    stored = list(Response.objects.all())
    now = timezone.now()
    assert len({r.client_token for r in stored}) == 200
    assert all(now - timedelta(days=31) <= r.submitted_at <= now for r in stored)
    assert all(r.duration_ms > 0 for r in stored)
