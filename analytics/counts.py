"""Every count the analysis needs, from the encoded matrix, with numpy only.

Counts add up: the counts of old responses plus the counts of new ones are the counts of
all, which is what lets a snapshot refresh read only the new responses. Keys:
``freq:Q`` choice counts; ``answered:Q`` respondents who answered multi-choice Q;
``pair:A:B`` the r×c table of two single-choice questions; ``joint:S:M`` the (r, c, c)
co-selection counts of multi-choice M's options within each group of single-choice S, and
``sizes:S:M`` the group sizes (what the Rao–Scott test of Bilder & Loughin needs).
"""

import io
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from analytics.encode import Encoded, Layout


@dataclass(frozen=True)
class Shape:
    """Question codes, kinds and choice counts, in questionnaire order."""

    codes: tuple[str, ...]
    kinds: tuple[str, ...]
    sizes: tuple[int, ...]

    @classmethod
    def of(cls, spec) -> "Shape":
        return cls(
            tuple(q.code for q in spec.questions),
            tuple(q.kind for q in spec.questions),
            tuple(len(q.choices) for q in spec.questions),
        )

    def pairs(self) -> list[tuple[int, int]]:
        return list(combinations(range(len(self.codes)), 2))


@dataclass
class Counts:
    n: int = 0
    tables: dict[str, np.ndarray] = field(default_factory=dict)

    def __add__(self, other: "Counts") -> "Counts":
        keys = self.tables.keys() | other.tables.keys()
        return Counts(
            self.n + other.n,
            {key: _sum(self.tables.get(key), other.tables.get(key)) for key in keys},
        )

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, __n=np.array([self.n]), **self.tables)  # type: ignore[arg-type]
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Counts":
        if not data:
            return cls()
        with np.load(io.BytesIO(data)) as archive:
            tables = {key: archive[key] for key in archive.files}
        return cls(int(tables.pop("__n")[0]), tables)


def _sum(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray:
    if a is None:
        return b  # type: ignore[return-value]
    return a if b is None else a + b


def counts_compute(shape: Shape, layout: Layout, encoded: Encoded) -> Counts:
    """All counts of these responses."""
    blocks = {
        code: encoded.values[:, layout.indices(code)].astype(np.int64) for code in shape.codes
    }
    tables: dict[str, np.ndarray] = {}
    for code, kind, size in zip(shape.codes, shape.kinds, shape.sizes, strict=True):
        block = blocks[code]
        if kind == "single":
            tables[f"freq:{code}"] = np.bincount(block[:, 0] + 1, minlength=size + 1)[1:]
        else:
            answered = block[:, 0] >= 0
            tables[f"freq:{code}"] = block[answered].sum(axis=0)
            tables[f"answered:{code}"] = np.array([answered.sum()])
    for i, j in shape.pairs():
        tables.update(_pair_counts(shape, blocks, i, j))
    return Counts(encoded.n, tables)


def _pair_counts(shape: Shape, blocks: dict, i: int, j: int) -> dict[str, np.ndarray]:
    a, b = shape.codes[i], shape.codes[j]
    kinds = (shape.kinds[i], shape.kinds[j])
    if kinds == ("single", "single"):
        return {
            f"pair:{a}:{b}": crosstab(
                blocks[a][:, 0], blocks[b][:, 0], shape.sizes[i], shape.sizes[j]
            )
        }
    if kinds == ("multi", "multi"):
        return {}  # needs four-way co-selections: computed from the matrix on demand
    single, multi = (a, b) if kinds[0] == "single" else (b, a)
    size = shape.sizes[i] if kinds[0] == "single" else shape.sizes[j]
    sizes, joint = group_coselections(blocks[single][:, 0], blocks[multi], size)
    return {f"sizes:{a}:{b}": sizes, f"joint:{a}:{b}": joint}


def crosstab(a: np.ndarray, b: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """r×c counts of two choice-index columns (−1 = not answered), by one bincount."""
    combined = (a + 1) * (columns + 1) + (b + 1)
    table = np.bincount(combined, minlength=(rows + 1) * (columns + 1))
    return table.reshape(rows + 1, columns + 1)[1:, 1:]


def group_coselections(groups: np.ndarray, selections: np.ndarray, size: int):
    """Group sizes and, per group g, counts of respondents ticking both option j and k."""
    answered = (groups >= 0) & (selections[:, 0] >= 0)
    groups, selections = groups[answered], selections[answered].astype(np.float64)
    joint = np.zeros((size, selections.shape[1], selections.shape[1]), dtype=np.int64)
    for group in range(size):
        members = selections[groups == group]
        joint[group] = np.rint(members.T @ members).astype(np.int64)
    return np.bincount(groups, minlength=size), joint
