"""The power and precision monitor in words, in the staff member's language: the pair page's
sentences and the overview's "Responses still needed" panel (the numbers: power.py)."""

import math
from collections.abc import Callable
from operator import attrgetter

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.charts import Labels
from analytics.power import PairPower
from analytics.results import Analysis, ChoiceFrequency, Pair, QuestionResult

# One per power.EFFECT_SIZES. Translators: the object of "to detect …", in its case
# (accusative in Russian and Kazakh).
DETECT = (
    gettext_lazy("a small dependence (V = 0.1)"),
    gettext_lazy("a medium dependence (V = 0.3)"),
    gettext_lazy("a large dependence (V = 0.5)"),
)
EFFECT_NAMES = (
    gettext_lazy("small (V = 0.1)"),
    gettext_lazy("medium (V = 0.3)"),
    gettext_lazy("large (V = 0.5)"),
)
# Precision targets of a share: ± points, and the answers each needs.
MARGINS = (
    (3, attrgetter("precision.n_for_3_points")),
    (5, attrgetter("precision.n_for_5_points")),
)


def count_text(count: int) -> str:
    """A count as the language writes it: 1,190 · 1 190."""
    return number_format(count, decimal_pos=0, force_grouping=True)


def responses_needed(power: PairPower) -> tuple[int, ...] | None:
    """The whole responses each effect size needs for 80 % power (⌈n⌉), None when unknown."""
    if power.n_for_power is None:
        return None
    return tuple(math.ceil(n) for n in power.n_for_power)


def power_sentences(pair: Pair) -> list[str]:
    """One sentence per effect size: the responses needed for 80 % power against those there
    are; none when the pair's test cannot be done."""
    needed = responses_needed(pair.power)
    if needed is None:
        return []
    return [_power_sentence(pair, str(effect), n) for effect, n in zip(DETECT, needed, strict=True)]


def _power_sentence(pair: Pair, effect: str, needed: int) -> str:
    have = pair.power.n
    names = {
        "effect": effect,
        "a": pair.a.upper(),
        "b": pair.b.upper(),
        "have": count_text(have),
        "needed": count_text(needed),
    }
    if have >= needed:
        return (
            _(
                "To detect %(effect)s between %(a)s and %(b)s with 80 %% power you already "
                "have enough responses: %(have)s (about %(needed)s are needed)."
            )
            % names
        )
    return (
        _(
            "To detect %(effect)s between %(a)s and %(b)s with 80 %% power you need about "
            "%(needed)s responses; you have %(have)s."
        )
        % names
    )


def still_needed(analysis: Analysis, labels: Labels) -> dict:
    """The overview's panel: per effect size, the further responses until every pair and
    until most pairs (more than half) reach 80 % power; per precision target, the answers
    the share that needs the most still needs."""
    shortfalls = [
        [max(0, n - pair.power.n) for n in needed]
        for pair in analysis.pairs
        if (needed := responses_needed(pair.power)) is not None
    ]
    effects = [
        {"name": str(name), "more": _every_and_most(sorted(row[k] for row in shortfalls))}
        for k, name in enumerate(EFFECT_NAMES)
        if shortfalls
    ]
    return {"effects": effects, "shares": _worst_shares(analysis, labels)}


def _every_and_most(ordered: list[int]) -> tuple[int, int]:
    """The most any pair still needs, and the least that serves more than half of them: at
    least m // 2 + 1 of the m pairs need no more than ``ordered[m // 2]``."""
    return ordered[-1], ordered[len(ordered) // 2]


def _worst_shares(analysis: Analysis, labels: Labels) -> list[dict]:
    shares = [(q, row) for q in analysis.questions for row in q.frequencies]
    if not shares:
        return []
    return [_worst_share(shares, points, needed, labels) for points, needed in MARGINS]


def _worst_share(
    shares: list[tuple[QuestionResult, ChoiceFrequency]],
    points: int,
    needed: Callable[[ChoiceFrequency], int],
    labels: Labels,
) -> dict:
    """The share whose question lacks the most answers for ± ``points``."""
    question, row = max(shares, key=lambda share: needed(share[1]) - share[0].n_answered)
    return {
        "points": points,
        "question": question.code,
        "choice": labels.choice(question.code, row.choice),
        "needed": needed(row),
        "answered": question.n_answered,
        "more": max(0, needed(row) - question.n_answered),
    }
