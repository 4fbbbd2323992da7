"""The weighted analysis end to end (``weights_set``, ``analyze --json --weighted``, the CSV
export's ``weight`` column) against R 4.2's survey package on the same exported data:
rake → weights, svydesign(ids = ~1, weights = ~weight), svymean, svyciprop(method =
"logit"), svychisq(statistic = "F" and "Chisq") for every pair of single or ordinal
questions and every option of the multi-choice one; and the ordinal pair against coin."""

import json
from itertools import combinations

import pytest
from django.core.management import CommandError, call_command

from analytics.models import WeightingScheme
from analytics.weighting import weights_set
from exports.services import responses_csv
from surveys.services import demo_responses_create
from tests.analytics.r_reference import requires_r
from tests.factories import analyze

SCHEME = {
    "method": "raking",
    "margins": {
        "q01": {
            "bachelor": 0.40,
            "master_phd": 0.15,
            "teacher": 0.25,
            "researcher": 0.10,
            "admin_staff": 0.10,
        },
        "q10": {"low": 0.5, "medium": 0.3, "high": 0.2},
    },
}
SINGLE = ["q01", "q02", "q04", "q05", "q06", "q07", "q08", "q09", "q10"]
Q03 = ["sanctions", "cyber", "trade", "espionage", "spheres", "nuclear", "armed", "other"]

R_SCRIPT = """
suppressMessages({library(survey); library(coin)})
d <- read.csv(commandArgs(TRUE)[1], colClasses = "character")
d$weight <- as.numeric(d$weight)
m1 <- data.frame(q01 = c("bachelor", "master_phd", "teacher", "researcher", "admin_staff"),
                 Freq = c(0.40, 0.15, 0.25, 0.10, 0.10) * nrow(d))
m2 <- data.frame(q10 = c("low", "medium", "high"), Freq = c(0.5, 0.3, 0.2) * nrow(d))
raked <- rake(suppressWarnings(svydesign(ids = ~1, data = d)), list(~q01, ~q10), list(m1, m2),
              control = list(maxit = 1000, epsilon = 1e-13))
cat("raked", max(abs(weights(raked) - d$weight)), "\\n")
design <- svydesign(ids = ~1, weights = ~weight, data = d)
single <- c("q01", "q02", "q04", "q05", "q06", "q07", "q08", "q09", "q10")
for (q in single) for (level in sort(unique(d[[q]]))) {
  m <- svymean(as.formula(paste0("~I(as.numeric(", q, " == '", level, "'))")), design)
  ci <- attr(svyciprop(as.formula(paste0("~I(", q, " == '", level, "')")), design,
                       method = "logit"), "ci")
  cat("freq", q, level, coef(m), SE(m), ci, "\\n")
}
for (pair in combn(single, 2, simplify = FALSE)) {
  f <- as.formula(paste0("~", pair[1], "+", pair[2]))
  a <- svychisq(f, design, statistic = "F"); x <- svychisq(f, design, statistic = "Chisq")
  cat("pair", pair, a$statistic, a$parameter, a$p.value, x$statistic, x$p.value, "\\n")
}
for (q in single) for (option in grep("^q03[.]", names(d), value = TRUE)) {
  if (option == "q03.other_text") next
  a <- svychisq(as.formula(paste0("~", q, "+", option)), design, statistic = "F")
  cat("item", q, option, a$statistic, a$p.value, "\\n")
}
t <- table(factor(d$q02, c("full", "partial", "heard", "none")),
           factor(d$q10, c("low", "medium", "high")))
k <- cor.test(as.numeric(factor(d$q02, c("full", "partial", "heard", "none"))),
              as.numeric(factor(d$q10, c("low", "medium", "high"))),
              method = "kendall", exact = FALSE)
m2 <- statistic(lbl_test(t))^2
cat("ordinal q02 q10", m2, pchisq(m2, 1, lower.tail = FALSE), k$estimate, k$p.value, "\\n")
"""


def _r_lines(path) -> dict[tuple[str, ...], list[float]]:
    import subprocess

    completed = subprocess.run(
        ["Rscript", "-e", "options(digits = 15)\n" + R_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    found = {}
    for line in completed.stdout.splitlines():
        words = line.split()
        names = 1 if words[0] == "raked" else 3
        found[tuple(words[:names])] = [float(word) for word in words[names:]]
    return found


@pytest.fixture
def weighted_survey(survey):
    demo_responses_create(survey=survey, n=400, seed=11)
    weights_set(survey=survey, document=SCHEME)
    return survey


@requires_r
def test_it_matches_r_survey_end_to_end(weighted_survey, tmp_path):
    result = analyze("us-russia-kz", "--weighted", "--permutations", "100")
    path = tmp_path / "responses.csv"
    path.write_bytes(b"".join(responses_csv(weighted_survey)))
    expected = _r_lines(path)
    assert expected[("raked",)][0] < 1e-6
    assert result["weighted"] is True
    assert result["weights"]["n"] == 400
    for question in result["questions"]:
        for row in question["frequencies"] if question["code"] in SINGLE else []:
            key = ("freq", question["code"], row["choice"])
            if key not in expected:
                assert row["count"] == 0
                continue
            mean, se, low, high = expected[key]
            shown = [row["weighted_percent"], row["weighted_se"]]
            assert shown == pytest.approx([100 * mean, 100 * se], abs=1e-6)
            bounds = [row["weighted_ci_low"], row["weighted_ci_high"]]
            assert bounds == pytest.approx([100 * low, 100 * high], abs=1e-6)
    pairs = {(pair["a"], pair["b"]): pair for pair in result["pairs"]}
    for a, b in combinations(SINGLE, 2):
        found = pairs[(a, b)]["rao_scott"]
        f, ndf, ddf, p_f, pearson, p_chisq = expected[("pair", a, b)]
        assert [found["f"], found["ndf"], found["ddf"]] == pytest.approx([f, ndf, ddf], rel=1e-6)
        assert [found["p_f"], found["p_chisq"]] == pytest.approx([p_f, p_chisq], rel=1e-6)
        assert found["pearson"] == pytest.approx(pearson, rel=1e-6)
        assert pairs[(a, b)]["shown_p"] == found["p_f"]
    for single in SINGLE:
        pair = pairs.get((single, "q03")) or pairs[("q03", single)]
        items = pair["rao_scott"]["items"]
        for option, item in zip(Q03, items, strict=True):
            f, p = expected[("item", single, f"q03.{option}")]
            assert [item["f"], item["p_f"]] == pytest.approx([f, p], rel=1e-6)
    ordinal = pairs[("q02", "q10")]
    statistic, p, tau, tau_p = expected[("ordinal", "q02", "q10")]
    assert ordinal["ordinal"] is True
    assert ordinal["linear_by_linear"]["statistic"] == pytest.approx(statistic, rel=1e-6)
    assert ordinal["linear_by_linear"]["p"] == pytest.approx(p, rel=1e-6)
    assert [ordinal["tau_b"]["estimate"], ordinal["tau_b"]["p"]] == pytest.approx(
        [tau, tau_p], rel=1e-6
    )


def test_it_keeps_the_unweighted_analysis_unchanged_by_a_scheme(survey):
    demo_responses_create(survey=survey, n=200, seed=2)
    before = analyze("us-russia-kz", "--permutations", "100")
    weights_set(survey=survey, document=SCHEME)
    after = analyze("us-russia-kz", "--permutations", "100")
    assert after["weighted"] is False and after["weights"] is None
    assert [p["p"] for p in after["pairs"]] == [p["p"] for p in before["pairs"]]
    assert [p.get("rao_scott") for p in after["pairs"]] == [None] * len(after["pairs"])


def test_it_refuses_a_weighted_analysis_without_a_scheme(survey):
    with pytest.raises(CommandError, match="no weighting scheme"):
        call_command("analyze", "us-russia-kz", "--weighted")


BAD_SCHEMES = [
    ({"margins": {"q01": {"bachelor": 0.5, "teacher": 0.3}}}, "give a share for"),
    (
        {
            "margins": {
                "q10": {"low": 0.5, "medium": 0.3, "high": 0.1},
            }
        },
        "sum to 0.9, not 1",
    ),
    ({"margins": {"q10": {"low": 0.5, "medium": 0.3, "huge": 0.2}}}, "'huge' is not a choice"),
    ({"margins": {"q03": {"cyber": 1}}}, "multiple-choice question cannot"),
    ({"margins": {"q99": {"a": 1}}}, "no question 'q99'"),
    ({"margins": {"q10": {"low": 0.5, "medium": 0.3, "high": 0.2}}, "trim": [2, 3]}, "impossible"),
    ({"margins": {"q10": {"low": 0.5, "medium": 0.3, "high": 0.2}}, "trim": [1]}, "two numbers"),
    ({"method": "calibration", "margins": {}}, "use 'raking'"),
]


@pytest.mark.parametrize(("document", "message"), BAD_SCHEMES)
def test_it_refuses_bad_weighting_input_and_changes_nothing(survey, tmp_path, document, message):
    demo_responses_create(survey=survey, n=50, seed=1)
    weights_set(survey=survey, document=SCHEME)
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=message):
        call_command("weights_set", "us-russia-kz", str(path))
    assert WeightingScheme.objects.get(survey=survey).document == SCHEME


def test_it_refuses_a_margin_category_without_respondents_by_name(survey, answers, tmp_path):
    from tests.factories import response_add

    response_add(survey, answers | {"q10": "low"})
    response_add(survey, answers | {"q10": "medium"})
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps({"margins": {"q10": SCHEME["margins"]["q10"]}}))
    with pytest.raises(CommandError, match="No respondent has answered high to q10"):
        call_command("weights_set", "us-russia-kz", str(path))
    assert not WeightingScheme.objects.filter(survey=survey).exists()


def test_it_refuses_trim_bounds_that_cannot_be_met(survey, tmp_path):
    demo_responses_create(survey=survey, n=300, seed=4)
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(SCHEME | {"trim": [0.99, 1.01]}))
    with pytest.raises(CommandError, match="trim bounds .*widen"):
        call_command("weights_set", "us-russia-kz", str(path))
    assert not WeightingScheme.objects.filter(survey=survey).exists()


def test_it_clears_the_scheme(weighted_survey, capsys):
    call_command("weights_clear", "us-russia-kz")
    assert not WeightingScheme.objects.exists()
    assert "removed" in capsys.readouterr().out


def test_it_names_the_category_whose_share_the_trim_bounds_rule_out():
    import numpy as np

    from analytics.weighting import WeightsUnavailable, scheme_parse, weights_compute
    from surveys.questionnaire import questionnaire_parse
    from tests.factories import default_questionnaire_document

    spec = questionnaire_parse(default_questionnaire_document())
    scheme = scheme_parse(
        spec, {"margins": {"q10": {"low": 0.35, "medium": 0.35, "high": 0.3}}, "trim": [0.5, 2]}
    )
    cells = np.array([20, 20, 5, 0])  # low, medium, high, skipped
    with pytest.raises(WeightsUnavailable, match="q10 = high .* 2.7 times"):
        weights_compute(scheme, spec, cells)
