"""Synthetic demo answers: the article's story for us-russia-kz, uniform answers elsewhere.

For the article's survey the answers follow the shares printed in
``us-russia-kz.paper-findings.json`` and its chi-square findings. Status (q01) and
awareness (q02) are drawn first; the opinion questions lean on them through a log-linear
tilt whose base is solved so the overall shares stay the printed ones. Pairs the article
found independent are built balanced: within each status × awareness cell the attitude
(q09) is allotted in fixed proportions, and each manifestation of q03 within each
awareness group, so those tests come out clearly non-significant for any seed.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from surveys.answers import conditions_skipped, question_conditions
from surveys.questionnaire import QuestionnaireSpec, QuestionSpec

FINDINGS_PATH = Path(__file__).parent / "questionnaires" / "us-russia-kz.paper-findings.json"
ARTICLE_SURVEY = "us-russia-kz"
LANGUAGE_SHARES = {"kk": 0.45, "ru": 0.45, "en": 0.10}

# How strongly each opinion question leans on status (q01) and awareness (q02), and which
# answers the lean favours (+) or disfavours (−). Chosen so that at N = 1,000 every pair the
# article calls dependent has p far below 0.05.
STATUS_SCORE = {
    "bachelor": -1.0,
    "master_phd": 0.0,
    "teacher": 1.0,
    "researcher": 1.0,
    "admin_staff": 0.5,
}
AWARENESS_SCORE = {"full": 1.0, "partial": 0.3, "heard": -0.5, "none": -1.0}
LEANS = {
    "q04": (0.6, 0.8, {"yes": 1.0, "partly": 0.0, "no": -1.0, "hard_to_say": -1.0}),
    "q05": (0.6, 0.8, {"yes": 1.0, "no": -0.5, "hard_to_say": -1.0}),
    "q06": (0.6, 0.8, {"difficult": 0.5, "keeps_multivector": 0.5, "hard_to_say": -1.5}),
    "q07": (0.6, 0.8, {"yes": 1.0, "no": -0.5, "hard_to_say": -1.0}),
    "q08": (0.6, 0.8, {"yes": 1.0, "no": -0.5, "hard_to_say": -1.0}),
    "q09": (0.0, 0.8, {"positive": -0.5, "neutral": -0.5, "negative": 1.0}),
    "q10": (0.6, 0.8, {"low": -0.5, "medium": 1.0, "high": -1.0}),
}


@dataclass(frozen=True)
class DemoAnswers:
    answers: list[dict]
    languages: list[str]
    skipped: list[list[str]]  # per document, the questions its answers skip (skip logic)


def demo_answers(spec: QuestionnaireSpec, n: int, rng: np.random.Generator) -> DemoAnswers:
    """n synthetic answer documents for the questionnaire."""
    if spec.slug == ARTICLE_SURVEY:
        columns = _article_columns(spec, n, rng)
    else:
        columns = {q.code: _uniform_column(q, n, rng) for q in spec.answered_questions}
    answers = [
        {code: column[i] for code, column in columns.items() if column[i] is not None}
        for i in range(n)
    ]
    for question in spec.questions:
        _add_other_texts(question, answers)
    languages = _languages(spec, n, rng)
    return DemoAnswers(answers=answers, languages=languages, skipped=_skips(spec, answers))


def _skips(spec: QuestionnaireSpec, answers: list[dict]) -> list[list[str]]:
    """Drop, from each document, the answers to the questions its answers skip; return
    which those are per document."""
    if not any(question.relevant for question in spec.questions):
        return [[] for _ in answers]
    conditions = question_conditions(spec.questions)
    skips = []
    for document in answers:
        skipped = conditions_skipped(conditions, document)
        for question in (q for q in spec.questions if q.code in skipped):
            document.pop(question.code, None)
            document.pop(question.other_key, None)
        skips.append(skipped)
    return skips


def _languages(spec: QuestionnaireSpec, n: int, rng: np.random.Generator) -> list[str]:
    shares = np.array([LANGUAGE_SHARES[language] for language in spec.languages])
    return list(rng.choice(spec.languages, size=n, p=shares / shares.sum()))


def _uniform_column(question: QuestionSpec, n: int, rng: np.random.Generator) -> list:
    if question.is_number:
        return _number_column(question, n, rng)
    if question.is_text:
        return ["demo" if question.required or draw < 0.5 else None for draw in rng.random(n)]
    codes = question.choice_codes
    if not question.is_multi:
        return list(rng.choice(codes, size=n))
    ticked = rng.random((n, len(codes))) < 0.4
    if question.required:
        ticked[np.arange(n), rng.integers(len(codes), size=n)] = True
    return [[code for code, on in zip(codes, row, strict=True) if on] for row in ticked]


def _number_column(question: QuestionSpec, n: int, rng: np.random.Generator) -> list:
    """Uniform over the question's bounds (0 to 100 where it has none)."""
    low = question.minimum if question.minimum is not None else 0.0
    high = question.maximum if question.maximum is not None else max(low, 0.0) + 100.0
    if question.integer:
        drawn = rng.integers(math.ceil(low), math.floor(high), size=n, endpoint=True)
        return [int(value) for value in drawn]
    return [float(value) for value in rng.uniform(low, high, size=n).round(1).clip(low, high)]


def _add_other_texts(question: QuestionSpec, answers: list[dict]) -> None:
    if question.other_choice is None:
        return
    other = question.other_choice.code
    for document in answers:
        value = document.get(question.code)
        if value == other or (isinstance(value, list) and other in value):
            document[question.other_key] = "demo"


def _quota(shares: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n category indices in the given shares (largest remainder), shuffled."""
    exact = shares / shares.sum() * n
    counts = np.floor(exact).astype(int)
    remainder = n - counts.sum()
    if remainder:
        bonus = rng.choice(len(shares), size=remainder, replace=False, p=_normalise(exact - counts))
        counts[bonus] += 1
    return rng.permutation(np.repeat(np.arange(len(shares)), counts))


def _normalise(weights: np.ndarray) -> np.ndarray:
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(weights), 1 / len(weights))


def _article_columns(spec: QuestionnaireSpec, n: int, rng: np.random.Generator) -> dict:
    marginals = json.loads(FINDINGS_PATH.read_text())["marginals"]
    questions = {q.code: q for q in spec.questions}
    status = _quota(_shares(questions["q01"], marginals["q01"]), n, rng)
    awareness = np.empty(n, dtype=int)
    for group in range(len(questions["q01"].choices)):
        members = np.flatnonzero(status == group)
        awareness[members] = _quota(_shares(questions["q02"], marginals["q02"]), len(members), rng)
    columns: dict[str, list] = {
        "q01": _codes(questions["q01"], status),
        "q02": _codes(questions["q02"], awareness),
    }
    cells = status * len(questions["q02"].choices) + awareness
    for code, (status_lean, awareness_lean, favours) in LEANS.items():
        question = questions[code]
        lean = _lean(questions, status_lean, awareness_lean)
        weights = np.array([favours[c.code] for c in question.choices])
        conditional = _tilted(_shares(question, marginals[code]), lean, weights, cells)
        columns[code] = _codes(question, _allot(conditional, cells, rng))
    columns["q03"] = _manifestations(questions["q03"], marginals, awareness, rng)
    return columns


def _shares(question: QuestionSpec, printed: dict) -> np.ndarray:
    return np.array([printed[c.code] for c in question.choices], dtype=float)


def _codes(question: QuestionSpec, indices: np.ndarray) -> list[str]:
    codes = [c.code for c in question.choices]
    return [codes[i] for i in indices]


def _lean(questions: dict, status_lean: float, awareness_lean: float) -> np.ndarray:
    """The lean of each status × awareness cell, flattened like ``cells``."""
    status = np.array([STATUS_SCORE[c.code] for c in questions["q01"].choices])
    awareness = np.array([AWARENESS_SCORE[c.code] for c in questions["q02"].choices])
    return (status_lean * status[:, None] + awareness_lean * awareness[None, :]).ravel()


def _tilted(target: np.ndarray, lean: np.ndarray, weights: np.ndarray, cells: np.ndarray):
    """Per-cell answer shares exp(base + lean·weights), base solved to keep the target
    overall shares (a few fixed-point steps of iterative proportional fitting)."""
    cell_shares = np.bincount(cells, minlength=len(lean)) / len(cells) if len(cells) else None
    base = np.log(target)
    for _step in range(50):
        conditional = np.exp(base[None, :] + lean[:, None] * weights[None, :])
        conditional /= conditional.sum(axis=1, keepdims=True)
        if cell_shares is None:
            break
        achieved = cell_shares @ conditional
        base += np.log(target / achieved)
    return conditional


def _allot(conditional: np.ndarray, cells: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    answers = np.empty(len(cells), dtype=int)
    for cell in np.unique(cells):
        members = np.flatnonzero(cells == cell)
        answers[members] = _quota(conditional[cell], len(members), rng)
    return answers


def _manifestations(question: QuestionSpec, marginals: dict, awareness, rng) -> list[list[str]]:
    """q03 ticks: each manifestation's share held in every awareness group (the article
    found awareness and named manifestations independent)."""
    shares = marginals["q03_selected_share"]
    ticked = np.zeros((len(awareness), len(question.choices)), dtype=bool)
    for group in np.unique(awareness):
        members = np.flatnonzero(awareness == group)
        for column, choice in enumerate(question.choices):
            chosen = _quota(
                np.array([1 - shares[choice.code], shares[choice.code]]), len(members), rng
            )
            ticked[members, column] = chosen == 1
    # A required question: whoever ticked nothing names one, likelier the more named ones.
    nothing = np.flatnonzero(~ticked.any(axis=1))
    weights = _normalise(np.array([shares[c.code] for c in question.choices]))
    ticked[nothing, rng.choice(len(weights), size=len(nothing), p=weights)] = True
    codes = [c.code for c in question.choices]
    return [[code for code, on in zip(codes, row, strict=True) if on] for row in ticked]
