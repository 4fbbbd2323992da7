"""The bundle's recompute.py on a survey with number questions and skip logic: it
recomputes the number questions' descriptives and their Kruskal–Wallis pairs from the
responses and finds analysis.json's values. The responses CSV is written here from the
stored answers in the export's layout (one column per single-choice or number question,
one 0/1 column per option, empty where there is no answer), so that this test does not
depend on the export's own code."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.results import AnalysisOptions
from analytics.selectors import survey_analysis
from exports.bundle import SCRIPTS, SHIPPED
from exports.codebook import codebook_json
from surveys.selectors import survey_questionnaire
from tests.factories import every_kind_responses, every_kind_study

pytestmark = pytest.mark.postgres


def _responses_csv(survey, path: Path) -> None:
    spec = survey_questionnaire(survey)
    questions = [q for q in spec.questions if q.is_choice or q.is_number]
    header = ["response_id"] + [c.name for q in questions for c in q.answer_columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for response in survey.responses.order_by("pk"):
            row: list = [response.pk]
            for question in questions:
                given = response.answers.get(question.code)
                if question.is_multi:
                    ticks = [int(code in given) for code in question.choice_codes]
                    row += ticks if given is not None else [""] * len(ticks)
                else:
                    row.append("" if given is None else given)
            writer.writerow(row)


@pytest.mark.parametrize("language", ["python", "r"])
def test_it_recomputes_the_number_questions_of_analysis_json(db, tmp_path, language):
    survey = every_kind_study()
    every_kind_responses(survey, 200, seed=12)
    analysis = survey_analysis(survey, options=AnalysisOptions(permutations=1000))
    (tmp_path / "analysis.json").write_text(json.dumps(analysis.to_json()))
    (tmp_path / "codebook.json").write_bytes(codebook_json(survey))
    _responses_csv(survey, tmp_path / "responses.csv")
    for name in SHIPPED:
        (tmp_path / name).write_bytes((SCRIPTS / name).read_bytes())
    done = _recompute(tmp_path, language)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 differ" in done.stdout, done.stdout
    skipped = next(
        (line for line in done.stdout.splitlines() if line.startswith("Not recomputed")), ""
    )
    assert "hours" not in skipped and "income" not in skipped
    changed = analysis.to_json()
    hours = next(q for q in changed["questions"] if q["code"] == "hours")
    hours["descriptives"]["mean"] += 1
    pair = next(p for p in changed["pairs"] if (p["a"], p["b"]) == ("hours", "trust"))
    pair["epsilon_squared"] /= 2
    (tmp_path / "analysis.json").write_text(json.dumps(changed))
    done = _recompute(tmp_path, language)
    assert done.returncode == 1
    assert "hours.mean" in done.stdout and "hours-trust.epsilon_squared" in done.stdout


def _recompute(folder: Path, language: str) -> subprocess.CompletedProcess:
    if language == "r" and shutil.which("Rscript") is None:
        pytest.skip("R is not installed (apt-get install r-base-core)")
    command = (
        [sys.executable, "recompute.py"] if language == "python" else ["Rscript", "recompute.R"]
    )
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
