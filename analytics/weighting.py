"""A survey's weighting scheme: checking it, storing it, and the weights it gives now.

The scheme is the JSON of ``manage.py weights_set`` and of the admin's form:
``{"method": "raking", "margins": {"q01": {"bachelor": 0.45, …}, …}, "trim": [0.3, 3.0]}``.
Margins are of single or ordinal questions, one number per choice: shares that sum to 1,
or population totals (which are turned into shares). The weights are raked
(analytics/weights.py) on the counts per cell of the weighting questions that the snapshot
keeps (analytics/counts.py, ``cells``), and scaled so that they sum to the number of
respondents (mean weight 1), as R's ``rake`` with totals of n · share gives them.
"""

import math
from dataclasses import dataclass, replace

import numpy as np
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from analytics.counts import Shape
from analytics.models import WeightingScheme
from analytics.weights import RakingFailed, Weights, rake
from core.errors import ApplicationError
from surveys.models import Survey
from surveys.questionnaire import QuestionnaireSpec

SHARE_TOLERANCE = 1e-6


class WeightingInvalid(ApplicationError):
    """The scheme cannot be used; the message names the place and what to change."""


class WeightsUnavailable(ApplicationError):
    """Weighted results were asked for, but there is no scheme or it cannot be met now."""

    code = "weights_unavailable"


@dataclass(frozen=True)
class Scheme:
    """A checked scheme: per weighting question (questionnaire order) the population share
    of each of its choices (choice order), and the optional trim bounds."""

    margins: tuple[tuple[str, tuple[float, ...]], ...]
    trim: tuple[float, float] | None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _shares in self.margins)


def scheme_parse(spec: QuestionnaireSpec, document: object) -> Scheme:
    """Check a scheme document against the questionnaire; WeightingInvalid says what is wrong."""
    if not isinstance(document, dict):
        raise WeightingInvalid("the weighting scheme must be a JSON object.")
    unknown = set(document) - {"method", "margins", "trim"}
    if unknown:
        raise WeightingInvalid(f"unknown keys {sorted(unknown)}; use method, margins and trim.")
    if document.get("method", "raking") != "raking":
        raise WeightingInvalid(f"method: {document.get('method')!r} is not known; use 'raking'.")
    margins = document.get("margins")
    if not isinstance(margins, dict) or not margins:
        raise WeightingInvalid("margins: give at least one question with its population shares.")
    questions = {q.code: q for q in spec.questions}
    for code in margins:
        _check_question(code, questions)
    parsed = tuple(
        (q.code, _shares(q.code, q.choice_codes, margins[q.code]))
        for q in spec.questions
        if q.code in margins
    )
    return Scheme(parsed, _trim(document.get("trim")))


def _check_question(code: str, questions: dict) -> None:
    if code not in questions:
        raise WeightingInvalid(f"margins: the questionnaire has no question {code!r}.")
    if questions[code].is_multi:
        raise WeightingInvalid(
            f"margins.{code}: a multiple-choice question cannot be a weighting margin; "
            "use single or ordinal questions."
        )


def _shares(code: str, choices: list[str], given: object) -> tuple[float, ...]:
    if not isinstance(given, dict):
        raise WeightingInvalid(f"margins.{code}: must be an object of choice codes and shares.")
    for choice, value in given.items():
        if choice not in choices:
            raise WeightingInvalid(f"margins.{code}: {choice!r} is not a choice of {code}.")
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise WeightingInvalid(f"margins.{code}.{choice}: must be a positive number.")
    missing = [choice for choice in choices if choice not in given]
    if missing:
        raise WeightingInvalid(f"margins.{code}: give a share for {', '.join(missing)} too.")
    values = [float(given[choice]) for choice in choices]
    total = math.fsum(values)
    if max(values) <= 1 and abs(total - 1) > SHARE_TOLERANCE:
        raise WeightingInvalid(
            f"margins.{code}: the shares sum to {total:.6g}, not 1; correct them, or give "
            "population totals (numbers above 1) instead."
        )
    return tuple(value / total for value in values)


def _trim(trim: object) -> tuple[float, float] | None:
    if trim is None:
        return None
    if (
        not isinstance(trim, list)
        or len(trim) != 2
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in trim)
    ):
        raise WeightingInvalid("trim: must be two numbers [low, high], e.g. [0.3, 3.0].")
    low, high = float(trim[0]), float(trim[1])
    if not 0 < low <= 1 <= high:
        raise WeightingInvalid(
            f"trim: [{low:g}, {high:g}] is impossible; the bounds are relative to the mean "
            "weight, so 0 < low ≤ 1 ≤ high."
        )
    return low, high


def scheme_of(survey: Survey, spec: QuestionnaireSpec) -> Scheme | None:
    """The survey's stored scheme, checked against the questionnaire as it is now."""
    stored = WeightingScheme.objects.filter(survey=survey).first()
    return None if stored is None else scheme_parse(spec, stored.document)


def weights_compute(scheme: Scheme, spec: QuestionnaireSpec, cells: np.ndarray) -> Weights:
    """Rake the respondents per cell (``cells``, the snapshot's table: the weighting
    questions' joint table flattened, then those who skipped one) to the scheme. The
    weights per cell come back flattened the same way, 0 for those who skipped."""
    shape = Shape.of(spec, scheme.codes)
    joint = np.asarray(cells[:-1], dtype=np.float64).reshape(shape.cell_sizes)
    n = joint.sum()
    targets = [np.asarray(shares) * n for _code, shares in scheme.margins]
    _no_empty_category(scheme, spec, joint)
    _trim_possible(scheme, spec, joint)
    try:
        raked = rake(joint, targets, scheme.trim)
    except RakingFailed as error:
        raise WeightsUnavailable(_("The weights cannot be computed: %s") % error) from None
    return replace(raked, cells=np.append(raked.cells.ravel(), 0.0))


def _no_empty_category(scheme: Scheme, spec: QuestionnaireSpec, joint: np.ndarray) -> None:
    questions = {q.code: q for q in spec.questions}
    for axis, (code, _shares) in enumerate(scheme.margins):
        others = tuple(k for k in range(joint.ndim) if k != axis)
        for choice, count in zip(questions[code].choices, joint.sum(axis=others), strict=True):
            if count == 0:
                raise WeightsUnavailable(
                    _(
                        "No respondent has answered %(choice)s to %(question)s, so that "
                        "margin cannot be met; wait for such responses or merge the category."
                    )
                    % {"choice": choice.code, "question": code}
                )


def _trim_possible(scheme: Scheme, spec: QuestionnaireSpec, joint: np.ndarray) -> None:
    """A category's mean weight is its population share over its sample share; if that lies
    outside the trim bounds, no weights within them can meet the margin."""
    if scheme.trim is None:
        return
    low, high = scheme.trim
    questions = {q.code: q for q in spec.questions}
    for axis, (code, shares) in enumerate(scheme.margins):
        others = tuple(k for k in range(joint.ndim) if k != axis)
        sample = joint.sum(axis=others) / joint.sum()
        for choice, wanted, found in zip(questions[code].choices, shares, sample, strict=True):
            needed = wanted / found
            if not low <= needed <= high:
                raise WeightsUnavailable(
                    _(
                        "%(question)s = %(choice)s has a population share of %(wanted).3g but "
                        "a sample share of %(found).3g: its mean weight must be %(needed).3g "
                        "times the overall mean, outside the trim bounds [%(low)g, %(high)g]; "
                        "widen them."
                    )
                    % {
                        "question": code,
                        "choice": choice.code,
                        "wanted": wanted,
                        "found": found,
                        "needed": needed,
                        "low": low,
                        "high": high,
                    }
                )


@transaction.atomic
def weights_set(*, survey: Survey, document: object) -> Weights:
    """Check and store the survey's scheme, and rake the responses so far to it; on any
    error nothing is stored."""
    from analytics.snapshot import snapshot_current
    from surveys.selectors import survey_questionnaire

    spec = survey_questionnaire(survey)
    scheme = scheme_parse(spec, document)
    WeightingScheme.objects.update_or_create(survey=survey, defaults={"document": document})
    return weights_compute(scheme, spec, snapshot_current(survey).counts.tables["cells"])


def weights_clear(*, survey: Survey) -> bool:
    """Remove the survey's scheme; True if there was one."""
    deleted, _rows = WeightingScheme.objects.filter(survey=survey).delete()
    return bool(deleted)
