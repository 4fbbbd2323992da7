"""The reproducible bundle: its files, and its two scripts run as a reader would run them —
recompute.py with this Python (pandas, scipy) and recompute.R with Debian's Rscript —
exiting 0 on the default survey and on a survey with a multi × multi pair and small tables
(Monte Carlo, Fisher), and 1 when a number of analysis.json is altered."""

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from uuid import uuid4

import pytest
from django.core.management import CommandError, call_command

from analytics.results import AnalysisOptions
from analytics.selectors import survey_analysis
from analytics.weighting import weights_set
from exports.services import ExportRefused, export_make
from surveys.models import ExportRecord, Response
from surveys.services import demo_responses_create
from tests.analytics.r_reference import requires_r
from tests.analytics.test_weighted_analysis import SCHEME
from tests.factories import questionnaire, response_add

pytestmark = pytest.mark.postgres

NEEDS_R = pytest.mark.skipif(
    shutil.which("Rscript") is None and os.environ.get("REQUIRE_R") != "1",
    reason="R is not installed (apt-get install r-base-core); set REQUIRE_R=1 to fail instead",
)
FILES = {
    "responses.csv",
    "codebook.csv",
    "codebook.json",
    "analysis.json",
    "filters.json",
    "recompute.R",
    "recompute_weighted.R",
    "recompute_compare.R",
    "recompute.py",
    "recompute_compare.py",
    "recompute_weighted.py",
    "README.md",
}


def _bundle(survey, tmp_path: Path, *filters: str) -> Path:
    out = tmp_path / "bundle.zip"
    call_command("bundle", survey.slug, "--out", str(out), *filters, stdout=io.StringIO())
    with zipfile.ZipFile(out) as archive:
        archive.extractall(tmp_path)
    return tmp_path / f"{survey.slug}-bundle"


def _run(folder: Path, language: str) -> subprocess.CompletedProcess:
    command = {
        "python": [sys.executable, "recompute.py"],
        "r": ["Rscript", "recompute.R"],
    }[language]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)


def _alter(folder: Path, change) -> None:
    path = folder / "analysis.json"
    analysis = json.loads(path.read_text())
    change(analysis)
    path.write_text(json.dumps(analysis))


@pytest.fixture
def default_bundle(survey, tmp_path) -> Path:
    demo_responses_create(survey=survey, n=400, seed=3)
    return _bundle(survey, tmp_path)


@pytest.fixture
def small_survey(db):
    """Two multi-choice questions (a multi × multi pair), a 2×2 pair (Yates, Fisher) and, at
    30 respondents, tables too sparse for Cochran's rule (a Monte Carlo p)."""
    survey = questionnaire(
        "small",
        [
            ("s1", "single", ["a", "b"]),
            ("s2", "single", ["a", "b"]),
            ("s3", "single", ["a", "b", "c", "d"]),
            ("m1", "multi", ["x", "y", "z"]),
            ("m2", "multi", ["u", "v"]),
        ],
    )
    demo_responses_create(survey=survey, n=30, seed=11)
    return survey


def test_it_holds_the_data_the_analysis_and_both_scripts(default_bundle, survey):
    assert {path.name for path in default_bundle.iterdir()} == FILES
    analysis = json.loads((default_bundle / "analysis.json").read_text())
    assert analysis == json.loads(json.dumps(survey_analysis(survey).to_json()))
    lines = (default_bundle / "responses.csv").read_text().splitlines()
    assert len(lines) == 1 + analysis["n"] == 401
    assert ExportRecord.objects.get().format == "bundle"


def test_it_bundles_only_the_filtered_responses(survey, tmp_path):
    demo_responses_create(survey=survey, n=200, seed=4)
    folder = _bundle(survey, tmp_path, "--filter", "q01=teacher")
    analysis = json.loads((folder / "analysis.json").read_text())
    rows = (folder / "responses.csv").read_text().splitlines()[1:]
    assert len(rows) == analysis["n"] > 0
    assert all(",teacher," in row for row in rows)
    assert json.loads((folder / "filters.json").read_text())["answers"] == {"q01": ["teacher"]}


def test_it_refuses_a_filter_it_cannot_use(survey, tmp_path):
    with pytest.raises(CommandError, match="Unknown filter q99"):
        call_command("bundle", survey.slug, "--out", str(tmp_path / "b.zip"), "--filter", "q99=x")


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=NEEDS_R)])
def test_it_reproduces_every_number_of_the_default_survey(default_bundle, language):
    done = _run(default_bundle, language)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 differ" in done.stdout


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=NEEDS_R)])
def test_it_reproduces_multi_by_multi_fisher_and_monte_carlo(small_survey, tmp_path, language):
    analysis = survey_analysis(small_survey, options=AnalysisOptions())
    kinds = {pair.kind for pair in analysis.pairs}
    assert kinds == {"single×single", "single×multi", "multi×multi"}
    assert any(pair.test.p_exact is not None for pair in analysis.pairs if pair.kind[0] == "s")
    folder = _bundle(small_survey, tmp_path)
    saved = json.loads((folder / "analysis.json").read_text())
    assert any(pair.get("fisher_p") is not None for pair in saved["pairs"])
    done = _run(folder, language)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=NEEDS_R)])
def test_it_fails_when_a_number_is_altered(default_bundle, language):
    _alter(default_bundle, lambda a: a["pairs"][0].__setitem__("statistic", 1.5))
    done = _run(default_bundle, language)
    assert done.returncode == 1
    assert "q01-q02.statistic" in done.stdout


@pytest.mark.matrix
@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=NEEDS_R)])
@pytest.mark.parametrize(
    ("where", "change"),
    [
        (
            "q01-q03.rs2_p",
            lambda a: a["pairs"][1].__setitem__("rs2_p", a["pairs"][1]["rs2_p"] + 1e-5),
        ),
        (
            "q01.teacher.ci_low",
            lambda a: a["questions"][0]["frequencies"][2].__setitem__("ci_low", 20.0),
        ),
        ("q01-q02.significant", lambda a: a["pairs"][0].__setitem__("significant", True)),
        (
            "q01-q02.adjusted_residuals",
            lambda a: a["pairs"][0]["adjusted_residuals"][2].__setitem__(1, 0.5),
        ),
    ],
)
def test_it_fails_whichever_kind_of_number_is_altered(default_bundle, language, where, change):
    _alter(default_bundle, change)
    done = _run(default_bundle, language)
    assert done.returncode == 1
    assert where in done.stdout


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=NEEDS_R)])
def test_it_reproduces_a_survey_without_responses(survey, tmp_path, language):
    done = _run(_bundle(survey, tmp_path), language)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=NEEDS_R)])
def test_it_reproduces_pairs_with_an_option_nobody_ticks(db, tmp_path, language):
    survey = questionnaire(
        "untested",
        [("s", "single", ["a", "b"]), ("m", "multi", ["x", "y", "never"]), ("o", "multi", ["u"])],
    )
    for k in range(24):
        ticks = [["x"], ["y"], ["x", "y"]][k % 3]
        response_add(survey, {"s": "ab"[k % 2], "m": ticks, "o": ["u"] if k % 4 else []})
    analysis = survey_analysis(survey)
    assert all(pair.shown_p is None for pair in analysis.pairs if "m" in (pair.a, pair.b))
    assert analysis.pair("s", "m").power.power is not None
    done = _run(_bundle(survey, tmp_path), language)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=NEEDS_R)])
def test_it_reproduces_a_survey_with_questions_not_asked(db, tmp_path, language):
    """Skip logic writes "not asked" in every column of a question; the scripts count it as
    missing, as the analysis does."""
    survey = questionnaire(
        "skipping",
        [("s", "single", ["a", "b"]), ("t", "single", ["c", "d"]), ("m", "multi", ["x", "y"])],
    )
    for k in range(30):
        skipped = ["t", "m"] if k % 5 == 0 else []
        answers = {"s": "ab"[k % 2]} | ({} if skipped else {"t": "cd"[k % 3 % 2], "m": ["x"]})
        Response.objects.create(
            survey=survey, answers=answers, skipped=skipped, language="en", client_token=uuid4()
        )
    folder = _bundle(survey, tmp_path)
    assert "not asked" in (folder / "responses.csv").read_text()
    done = _run(folder, language)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def weighted_bundle(survey, tmp_path) -> Path:
    demo_responses_create(survey=survey, n=200, seed=6)
    weights_set(survey=survey, document=SCHEME)
    return _bundle(survey, tmp_path)


def test_it_bundles_the_weighted_analysis_of_a_weighted_survey(weighted_bundle, survey):
    analysis = json.loads((weighted_bundle / "analysis.json").read_text())
    weighted = survey_analysis(survey, options=AnalysisOptions(weighted=True))
    assert analysis == json.loads(json.dumps(weighted.to_json()))
    assert analysis["weighted"] is True
    assert "weight" in (weighted_bundle / "responses.csv").read_text().splitlines()[0].split(",")


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=requires_r)])
def test_it_reproduces_the_weighted_analysis(weighted_bundle, language):
    done = _run(weighted_bundle, language)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 differ" in done.stdout


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=requires_r)])
@pytest.mark.parametrize(
    ("where", "change"),
    [
        (
            "q01-q02.rao_scott.f",
            lambda a: a["pairs"][0]["rao_scott"].__setitem__(
                "f", a["pairs"][0]["rao_scott"]["f"] + 1e-4
            ),
        ),
        (
            "q01-q03.rao_scott.items[0].p_f",
            lambda a: a["pairs"][1]["rao_scott"]["items"][0].__setitem__("p_f", 0.5),
        ),
        (
            "q01.bachelor.weighted_ci_low",
            lambda a: a["questions"][0]["frequencies"][0].__setitem__("weighted_ci_low", 30.0),
        ),
        ("weights.n_effective", lambda a: a["weights"].__setitem__("n_effective", 100.0)),
    ],
)
def test_it_fails_when_a_weighted_number_is_altered(weighted_bundle, language, where, change):
    _alter(weighted_bundle, change)
    done = _run(weighted_bundle, language)
    assert done.returncode == 1
    assert where in done.stdout


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=requires_r)])
def test_it_reproduces_a_filtered_weighted_analysis(survey, tmp_path, language):
    demo_responses_create(survey=survey, n=300, seed=7)
    weights_set(survey=survey, document=SCHEME)
    folder = _bundle(survey, tmp_path, "--filter", "q05=yes")
    analysis = json.loads((folder / "analysis.json").read_text())
    assert analysis["weighted"] is True
    assert analysis["n"] < analysis["weights"]["n"]  # the weights are those of every response
    done = _run(folder, language)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 differ" in done.stdout


def test_it_refuses_a_weighted_bundle_without_a_scheme(survey):
    with pytest.raises(ExportRefused, match="no weighting scheme"):
        export_make(survey=survey, format="bundle", weighted=True)


def test_it_bundles_the_unweighted_analysis_when_asked(survey, tmp_path):
    demo_responses_create(survey=survey, n=100, seed=6)
    weights_set(survey=survey, document=SCHEME)
    folder = _bundle(survey, tmp_path, "--unweighted")
    assert json.loads((folder / "analysis.json").read_text())["weighted"] is False


@pytest.mark.parametrize("language", ["python", pytest.param("r", marks=NEEDS_R)])
def test_it_reproduces_the_unweighted_analysis_of_a_weighted_survey(survey, tmp_path, language):
    demo_responses_create(survey=survey, n=200, seed=6)
    weights_set(survey=survey, document=SCHEME)
    folder = _bundle(survey, tmp_path, "--unweighted")
    assert "weight" in (folder / "responses.csv").read_text().splitlines()[0].split(",")
    done = _run(folder, language)
    assert done.returncode == 0, done.stdout + done.stderr
