"""Which responses a view counts: answer groups, languages, a date range, provenance (real,
test, demo), suspect or not.

Demo and test responses are left out by default as soon as the survey has one real
response (``filter_default``); until then they are all there is to look at.

Filtered views are computed from the encoded matrix, never from the database row by row.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from analytics.encode import PROVENANCES, Encoded, Layout, language_index
from surveys.models import Provenance, Survey
from surveys.selectors import survey_has_real_responses

REAL_ONLY = (Provenance.REAL.value,)


@dataclass(frozen=True)
class ResponseFilter:
    # question code → choice codes kept (e.g. {"q01": ("teacher", "researcher")})
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    languages: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    provenances: tuple[str, ...] = PROVENANCES  # in PROVENANCES order
    include_suspect: bool = True

    @property
    def is_everything(self) -> bool:
        return self == ResponseFilter()

    @property
    def is_real_only(self) -> bool:
        """All real responses, nothing else: the default once a real response exists."""
        return self == ResponseFilter(provenances=REAL_ONLY)

    @property
    def synthetic(self) -> tuple[str, ...]:
        """The provenances kept that are not real responses (test, demo)."""
        return tuple(p for p in self.provenances if p != Provenance.REAL)

    def cache_key(self) -> str:
        answers = sorted((q, sorted(c)) for q, c in self.answers.items())
        parts = (
            answers,
            sorted(self.languages),
            self.since,
            self.until,
            self.provenances,
            self.include_suspect,
        )
        return repr(parts)

    def to_json(self) -> dict:
        """The filter as JSON, to hand to a background task (``from_json`` reads it)."""
        return {
            "answers": {code: list(kept) for code, kept in self.answers.items()},
            "languages": list(self.languages),
            "since": self.since and self.since.isoformat(),
            "until": self.until and self.until.isoformat(),
            "provenances": list(self.provenances),
            "include_suspect": self.include_suspect,
        }

    @classmethod
    def from_json(cls, data: dict) -> "ResponseFilter":
        return cls(
            answers={code: tuple(kept) for code, kept in data["answers"].items()},
            languages=tuple(data["languages"]),
            since=data["since"] and date.fromisoformat(data["since"]),
            until=data["until"] and date.fromisoformat(data["until"]),
            provenances=tuple(data["provenances"]),
            include_suspect=data["include_suspect"],
        )


def filter_mask(encoded: Encoded, layout: Layout, spec, chosen: ResponseFilter) -> np.ndarray:
    """True for the responses the filter keeps."""
    keep = np.ones(encoded.n, dtype=bool)
    choices = {q.code: q.choice_codes for q in spec.questions}
    for code, kept in chosen.answers.items():
        column = encoded.values[:, layout.indices(code)[0]]
        keep &= np.isin(column, [choices[code].index(c) for c in kept])
    if chosen.languages:
        keep &= np.isin(encoded.language, [language_index(lang) for lang in chosen.languages])
    if chosen.since:
        keep &= encoded.submitted >= _epoch(chosen.since)
    if chosen.until:
        keep &= encoded.submitted < _epoch(chosen.until + timedelta(days=1))
    if chosen.provenances != PROVENANCES:
        indices = [PROVENANCES.index(p) for p in chosen.provenances]
        keep &= np.isin(encoded.provenance, indices)
    if not chosen.include_suspect:
        keep &= ~encoded.is_suspect
    return keep


def responses_filtered(survey: Survey, chosen: ResponseFilter | None = None) -> QuerySet:
    """The survey's responses the filter keeps, in the database: the same meaning as
    filter_mask (answer groups of single-choice questions, languages, days in the site's
    time zone with both ends included, provenance, suspect or not); by default
    filter_default's."""
    chosen = chosen or filter_default(survey)
    responses = survey.responses.all()
    for code, kept in chosen.answers.items():
        responses = responses.filter(**{f"answers__{code}__in": list(kept)})
    if chosen.languages:
        responses = responses.filter(language__in=chosen.languages)
    if chosen.since:
        responses = responses.filter(submitted_at__gte=_midnight(chosen.since))
    if chosen.until:
        responses = responses.filter(submitted_at__lt=_midnight(chosen.until + timedelta(days=1)))
    if chosen.provenances != PROVENANCES:
        responses = responses.filter(provenance__in=chosen.provenances)
    if not chosen.include_suspect:
        responses = responses.filter(is_suspect=False)
    return responses


def filter_default(survey: Survey) -> ResponseFilter:
    """Every response until the survey has a real one; from then on real responses only."""
    return filter_for_survey(survey_has_real_responses(survey))


def filter_for_survey(has_real: bool) -> ResponseFilter:
    return ResponseFilter(provenances=REAL_ONLY) if has_real else ResponseFilter()


def _midnight(day: date) -> datetime:
    """Midnight starting the day, in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _epoch(day: date) -> int:
    return int(_midnight(day).timestamp())
