"""counts_compute against the obvious respondent-by-respondent count."""

import numpy as np
import pytest

from analytics.counts import Shape, counts_compute, group_coselections
from analytics.encode import Encoded, Layout
from surveys.questionnaire import ChoiceSpec, QuestionnaireSpec, QuestionSpec


def questionnaire(options: int) -> QuestionnaireSpec:
    def question(code, kind, size):
        choices = tuple(ChoiceSpec(f"c{k}", {"en": f"c{k}"}, False) for k in range(size))
        return QuestionSpec(code, kind, False, {"en": code}, choices)

    questions = (
        question("a", "single", 4),
        question("m", "multi", options),
        question("b", "single", 3),
    )
    return QuestionnaireSpec("t", ("en",), "en", {"en": "t"}, {}, questions)


def random_responses(spec: QuestionnaireSpec, n: int, seed: int) -> Encoded:
    rng = np.random.default_rng(seed)
    options = len(spec.questions[1].choices)
    a = rng.integers(-1, 4, n)
    ticks = rng.integers(0, 2, (n, options))
    ticks[rng.random(n) < 0.1] = -1  # not answered
    b = rng.integers(-1, 3, n)
    values = np.column_stack([a, ticks, b]).astype(np.int8)
    none = np.zeros(n, bool)  # neither demo nor suspect
    no_numbers = np.zeros((n, 0))
    return Encoded(
        np.arange(1, n + 1),
        np.zeros(n, np.int64),
        np.zeros(n, np.int8),
        none,
        none,
        values,
        no_numbers,
        no_numbers.astype(bool),
    )


@pytest.mark.parametrize("options", [3, 8, 17])
def test_it_counts_like_a_respondent_by_respondent_loop(options):
    spec = questionnaire(options)
    encoded = random_responses(spec, 500, seed=options)
    counts = counts_compute(Shape.of(spec), Layout.of(spec), encoded).tables
    a, ticks, b = encoded.values[:, 0], encoded.values[:, 1:-1], encoded.values[:, -1]
    pair = np.zeros((4, 3), int)
    joint = np.zeros((4, options, options), int)
    for row in range(encoded.n):
        if a[row] >= 0 and b[row] >= 0:
            pair[a[row], b[row]] += 1
        if a[row] >= 0 and ticks[row, 0] >= 0:
            joint[a[row]] += np.outer(ticks[row], ticks[row])
    assert np.array_equal(counts["pair:a:b"], pair)
    assert np.array_equal(counts["joint:a:m"], joint)
    assert np.array_equal(
        counts["sizes:a:m"], [((a == g) & (ticks[:, 0] >= 0)).sum() for g in range(4)]
    )
    assert np.array_equal(counts["freq:m"], ticks[ticks[:, 0] >= 0].sum(axis=0))
    assert counts["answered:m"][0] == (ticks[:, 0] >= 0).sum()


def test_it_adds_up_counts_of_two_batches_to_the_counts_of_both():
    spec = questionnaire(5)
    encoded = random_responses(spec, 400, seed=1)
    shape, layout = Shape.of(spec), Layout.of(spec)
    whole = counts_compute(shape, layout, encoded)
    halves = counts_compute(shape, layout, encoded.where(np.arange(150))) + counts_compute(
        shape, layout, encoded.where(np.arange(150, 400))
    )
    assert whole.n == halves.n == 400
    for key, table in whole.tables.items():
        assert np.array_equal(table, halves.tables[key]), key


def test_it_finds_the_same_coselections_by_patterns_and_by_multiplying_out():
    spec = questionnaire(6)
    encoded = random_responses(spec, 300, seed=2)
    counts = counts_compute(Shape.of(spec), Layout.of(spec), encoded).tables
    sizes, joint = group_coselections(encoded.values[:, 0], encoded.values[:, 1:-1], 4)
    assert np.array_equal(counts["sizes:a:m"], sizes)
    assert np.array_equal(counts["joint:a:m"], joint)


@pytest.mark.parametrize("options", [3, 17])
def test_it_counts_the_same_tables_when_it_also_counts_per_weighting_cell(options):
    spec = questionnaire(options)
    encoded = random_responses(spec, 500, seed=options)
    layout = Layout.of(spec)
    plain = counts_compute(Shape.of(spec), layout, encoded).tables
    by_cell = counts_compute(Shape.of(spec, ("a", "b")), layout, encoded).tables
    for key, table in plain.items():
        assert np.array_equal(by_cell[key], table), key
    a, b = encoded.values[:, 0], encoded.values[:, -1]
    skipped = (a < 0) | (b < 0)
    assert by_cell["cells"][-1] == skipped.sum()
    assert np.array_equal(by_cell["cells"][:-1].reshape(4, 3), plain["pair:a:b"])
    assert np.array_equal(by_cell["wpair:a:b"].sum(axis=0), plain["pair:a:b"])
    ticked = by_cell["wjoint:a:m"][..., :-1].sum(axis=0)
    assert np.array_equal(ticked, np.diagonal(plain["joint:a:m"], axis1=1, axis2=2))
    assert np.array_equal(by_cell["wjoint:a:m"][..., -1].sum(axis=0), plain["sizes:a:m"])
    assert np.array_equal(by_cell["wfreq:m"][:, -1].sum(), plain["answered:m"][0])
