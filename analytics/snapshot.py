"""The incremental snapshot: counts of all responses up to a watermark, refreshed by
reading only the responses stored since, and the encoded matrix kept in chunks.

A refresh locks the survey's snapshot row, so two processes never count a response twice;
it starts over when the questionnaire's shape changes. Counts are kept twice: of every
response and of the real ones only (the default view once a real response exists,
analytics.filters.filter_default). It also keeps the running minimum of each pair's
anytime-valid p (analytics/anytime.py) in the default view, which starts over with it and
when the first real response switches the default view to real responses.
"""

import hashlib
import io
import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.db import transaction

from analytics.anytime import anytime_minimum_update
from analytics.counts import Counts, Shape, counts_compute
from analytics.encode import PROVENANCES, Encoded, Layout, responses_encode
from analytics.models import MatrixChunk, Snapshot
from analytics.weighting import Scheme, WeightingInvalid, scheme_of
from core.languages import language_codes
from surveys.models import Survey
from surveys.questionnaire import QuestionnaireSpec
from surveys.selectors import survey_questionnaire, survey_watermark

CHUNK_ROWS = 20_000
# Part of the fingerprint: raise it when Encoded's fields or the stored counts' layout
# change, so snapshots and chunks stored in the old format start over, not misread.
MATRIX_FORMAT = 6
REAL = PROVENANCES.index("real")


@dataclass(frozen=True)
class Current:
    """A refreshed snapshot with what it was computed for."""

    spec: QuestionnaireSpec
    layout: Layout
    watermark: int
    stored_counts: bytes
    fingerprint: str
    anytime_minimum: dict[str, float]  # running minimum of each pair's p_anytime, "a:b"
    scheme: Scheme | None = None  # the weighting scheme the counts are kept for
    scheme_problem: str | None = None  # why a stored scheme no longer fits the questionnaire
    stored_real_counts: bytes = b""

    @property
    def shape(self) -> Shape:
        return Shape.of(self.spec, self.scheme.codes if self.scheme else ())

    @property
    def has_real(self) -> bool:
        return bool(self.stored_real_counts)

    @cached_property
    def counts(self) -> Counts:
        """Of every response; decoded only when an analysis is not already cached for this
        watermark."""
        return self._decoded(self.stored_counts)

    @cached_property
    def real_counts(self) -> Counts:
        return self._decoded(self.stored_real_counts)

    def _decoded(self, stored: bytes) -> Counts:
        """Before the first response nothing is stored: then every table is there, full of
        zeros."""
        if not stored:
            nobody = Encoded.empty(self.layout)
            return counts_compute(self.shape, self.layout, nobody)
        return Counts.from_bytes(stored)

    @property
    def spec_has_two_multis(self) -> bool:
        """Multi × multi tests need the respondent-level matrix, not just counts."""
        return sum(q.is_multi for q in self.spec.questions) >= 2

    @property
    def spec_has_numbers(self) -> bool:
        """A number question's statistics need its values, not just counts."""
        return any(q.is_number for q in self.spec.questions)


def questionnaire_fingerprint(spec: QuestionnaireSpec, weighting: tuple[str, ...] = ()) -> str:
    """Changes whenever stored matrices would be misread: a new matrix format, another
    questionnaire shape, or another order of the site's languages (stored as indices); and
    when the weighting questions change, whose cells the counts are kept by."""
    shape = [[q.code, q.kind, q.choice_codes, bool(q.relevant)] for q in spec.questions]
    document = [MATRIX_FORMAT, list(language_codes()), shape]
    if weighting:
        document.append(list(weighting))
    return hashlib.sha256(json.dumps(document).encode()).hexdigest()


def snapshot_fingerprint(
    survey: Survey, spec: QuestionnaireSpec, weighting: tuple[str, ...] = ()
) -> str:
    """The questionnaire's fingerprint, and how many deletions the survey has seen: after
    "delete all test responses" the counts start over."""
    return f"{questionnaire_fingerprint(spec, weighting)[:56]}-{survey.deletions:07d}"


def snapshot_current(survey: Survey) -> Current:
    """The survey's counts up to its newest response, refreshing the snapshot if needed."""
    spec = survey_questionnaire(survey)
    try:
        scheme, problem = scheme_of(survey, spec), None
    except WeightingInvalid as error:
        scheme, problem = None, str(error)
    weighting = scheme.codes if scheme else ()
    fingerprint = snapshot_fingerprint(survey, spec, weighting)
    snapshot = Snapshot.objects.filter(survey=survey).first()
    if (
        snapshot is None
        or snapshot.fingerprint != fingerprint
        or snapshot.watermark < survey_watermark(survey)
    ):
        snapshot = snapshot_refresh(survey, spec, fingerprint, weighting)
    return Current(
        spec,
        Layout.of(spec),
        snapshot.watermark,
        bytes(snapshot.counts),
        fingerprint,
        snapshot.anytime_minimum,
        scheme,
        problem,
        bytes(snapshot.real_counts),
    )


def _added(stored: bytes, new: Counts) -> Counts:
    return Counts.from_bytes(stored) + new if stored else new


def snapshot_refresh(
    survey: Survey, spec: QuestionnaireSpec, fingerprint: str, weighting: tuple[str, ...] = ()
) -> Snapshot:
    """Count the responses stored since the snapshot's watermark (all, if the shape changed)."""
    Snapshot.objects.get_or_create(survey=survey, defaults={"fingerprint": fingerprint})
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(survey=survey)
        if snapshot.fingerprint != fingerprint:
            _start_over(snapshot, fingerprint)
        new = responses_encode(survey, spec, after=snapshot.watermark)
        if new.n == 0:
            snapshot.save()
            return snapshot
        _count(snapshot, Shape.of(spec, weighting), Layout.of(spec), new)
        snapshot.n += new.n
        snapshot.watermark = int(new.ids[-1])
        _append_rows(survey, Layout.of(spec), new)
        snapshot.save()
    return snapshot


def _count(snapshot: Snapshot, shape: Shape, layout: Layout, new: Encoded) -> None:
    """Add the new responses to both counts and the default view's running minimum."""
    counts = _added(bytes(snapshot.counts), counts_compute(shape, layout, new))
    snapshot.counts = counts.to_bytes()
    real = new.where(new.provenance == REAL)
    if real.n:
        if not snapshot.real_n:
            # The default view turns to real responses only: a new stream, a new minimum.
            snapshot.anytime_minimum = {}
        real_counts = _added(bytes(snapshot.real_counts), counts_compute(shape, layout, real))
        snapshot.real_counts = real_counts.to_bytes()
        snapshot.real_n += real.n
    shown = Counts.from_bytes(bytes(snapshot.real_counts)) if snapshot.real_n else counts
    snapshot.anytime_minimum = anytime_minimum_update(
        shape.codes, shape.kinds, shown.tables, snapshot.anytime_minimum
    )


def _start_over(snapshot: Snapshot, fingerprint: str) -> None:
    MatrixChunk.objects.filter(survey=snapshot.survey).delete()
    snapshot.fingerprint = fingerprint
    snapshot.watermark = 0
    snapshot.n = 0
    snapshot.counts = b""
    snapshot.real_n = 0
    snapshot.real_counts = b""
    snapshot.anytime_minimum = {}


def _append_rows(survey: Survey, layout: Layout, new: Encoded) -> None:
    last = MatrixChunk.objects.filter(survey=survey).order_by("-first_id").first()
    if last is not None and last.rows < CHUNK_ROWS:
        new = Encoded.concatenate([chunk_decode(bytes(last.data)), new], layout)
        last.delete()
    for start in range(0, new.n, CHUNK_ROWS):
        part = new.where(np.arange(start, min(start + CHUNK_ROWS, new.n)))
        MatrixChunk.objects.create(
            survey=survey,
            first_id=int(part.ids[0]),
            last_id=int(part.ids[-1]),
            rows=part.n,
            data=chunk_encode(part),
        )


def chunk_encode(encoded: Encoded) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, *encoded.fields())
    return buffer.getvalue()


def chunk_decode(data: bytes) -> Encoded:
    with np.load(io.BytesIO(data)) as archive:
        return Encoded(*(archive[f"arr_{k}"] for k in range(len(archive.files))))


# The one cache kept outside Django's: the decoded matrix is tens of megabytes at a million
# responses (bench/analytics.py) and is read only by the process that decoded it, so a shared
# cache would ship it over the network on every filtered view. One survey at a time.
_MATRIX_MEMO: dict[tuple[int, int, str], Encoded] = {}


def snapshot_matrix(survey: Survey, current: Current) -> Encoded:
    """All encoded responses up to the current watermark (kept in memory per process)."""
    key = (survey.pk, current.watermark, current.fingerprint)
    if key not in _MATRIX_MEMO:
        chunks = MatrixChunk.objects.filter(survey=survey, first_id__lte=current.watermark)
        parts = [chunk_decode(bytes(data)) for data in chunks.values_list("data", flat=True)]
        encoded = Encoded.concatenate(parts, current.layout)
        _MATRIX_MEMO.clear()
        _MATRIX_MEMO[key] = encoded.where(encoded.ids <= current.watermark)
    return _MATRIX_MEMO[key]
