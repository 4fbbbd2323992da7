"""Every count the analysis needs, from the encoded matrix, with numpy only.

Counts add up: the counts of old responses plus the counts of new ones are the counts of
all, which is what lets a snapshot refresh read only the new responses. Keys:
``freq:Q`` choice counts; ``answered:Q`` respondents who answered multi-choice Q;
``pair:A:B`` the r×c table of two single-choice questions; ``joint:S:M`` the (r, c, c)
co-selection counts of multi-choice M's options within each group of single-choice S, and
``sizes:S:M`` the group sizes (what the Rao–Scott test of Bilder & Loughin needs);
``cooccur:A:B`` for two multi-choice questions, among respondents who answered both, the
co-selections of each option pair with the option totals in the last row and column and the
number of respondents in the corner (their 2×2 tables, for the anytime p of anytime.py).
Skip logic: ``skipped:Q`` the respondents not asked Q (its condition was false: skipped by
design, analytics/encode.py's NOT_ASKED), kept for questions with a condition only; a pair
table counts only respondents who were asked and answered both. Number questions are not
in the tables: ``answered:Q`` counts their answers (their statistics need the values,
analytics/numbers.py reads them from the matrix).

With a weighting scheme (analytics/weighting.py) the same counts are also kept per cell of
the weighting questions' joint table (the last cell: respondents who skipped one of them):
``cells`` the respondents per cell, ``wfreq:Q``, ``wpair:A:B``, ``wjoint:S:M`` (per cell and
group, the ticks of each option and the group size last) and ``wcooccur:A:B``. A weight is a
function of the cell, so Σw and Σw² of any table are these counts times the cell weights
(analytics/weighted.py), and they add up like every other count.
"""

import json
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from analytics.encode import NOT_ASKED, Encoded, Layout


@dataclass(frozen=True)
class Shape:
    """The choice questions' codes, how each is counted ("single", which an ordinal
    question is too, or "multi") and choice counts, in questionnaire order."""

    codes: tuple[str, ...]
    kinds: tuple[str, ...]
    sizes: tuple[int, ...]
    weighting: tuple[str, ...] = ()  # the weighting questions, whose cells counts are kept by
    conditional: tuple[str, ...] = ()  # questions with a condition: they may be not asked
    numbers: tuple[str, ...] = ()  # the number questions

    @classmethod
    def of(cls, spec, weighting: tuple[str, ...] = ()) -> "Shape":
        questions = spec.choice_questions
        return cls(
            tuple(q.code for q in questions),
            tuple("multi" if q.is_multi else "single" for q in questions),
            tuple(len(q.choices) for q in questions),
            weighting,
            tuple(q.code for q in spec.questions if q.relevant and (q.is_choice or q.is_number)),
            tuple(q.code for q in spec.questions if q.is_number),
        )

    @property
    def cell_sizes(self) -> tuple[int, ...]:
        """The choice counts of the weighting questions: the shape of their joint table."""
        return tuple(self.sizes[self.codes.index(code)] for code in self.weighting)

    @property
    def cell_count(self) -> int:
        """Cells of the weighting questions' joint table, plus one for those who skipped."""
        return int(np.prod(self.cell_sizes, dtype=np.int64)) + 1

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
        """One flat int64 buffer after a JSON index of keys and shapes (fast both ways)."""
        index = {"n": self.n, "tables": [[k, list(t.shape)] for k, t in self.tables.items()]}
        head = json.dumps(index).encode()
        head += b" " * (-(4 + len(head)) % 8)  # keep the int64 body 8-byte aligned
        flat = [t.astype(np.int64).ravel() for t in self.tables.values()]
        body = np.concatenate(flat).tobytes() if flat else b""
        return len(head).to_bytes(4, "little") + head + body

    @classmethod
    def from_bytes(cls, data: bytes) -> "Counts":
        if not data:
            return cls()
        size = int.from_bytes(data[:4], "little")
        index = json.loads(data[4 : 4 + size])
        flat = np.frombuffer(data, dtype=np.int64, offset=4 + size)
        tables, start = {}, 0
        for key, shape in index["tables"]:
            length = int(np.prod(shape, dtype=np.int64))
            tables[key] = flat[start : start + length].reshape(shape)
            start += length
        return cls(index["n"], tables)


def _sum(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray:
    if a is None:
        return b  # type: ignore[return-value]
    return a if b is None else a + b


MAX_PATTERN_OPTIONS = 16  # 2**16 tick patterns per group stay small; beyond, multiply out


def counts_compute(shape: Shape, layout: Layout, encoded: Encoded) -> Counts:
    """All counts of these responses.

    Every question becomes one integer key per respondent (0 = not answered; a single
    choice's index + 1; a multi-choice question's tick pattern + 1, bit j for option j), so
    every pair of questions is counted by one ``np.bincount`` of combined keys.
    """
    keys = {
        code: _answer_keys(encoded, layout, code, kind)
        for code, kind in zip(shape.codes, shape.kinds, strict=True)
    }
    tables: dict[str, np.ndarray] = {}
    for code, kind, size in zip(shape.codes, shape.kinds, shape.sizes, strict=True):
        tables.update(_question_counts(code, kind, size, keys[code], encoded, layout))
    tables.update(_skip_counts(shape, encoded, layout))
    if shape.weighting:
        tables.update(_cell_counts(shape, keys, encoded, layout))
    for i, j in shape.pairs():
        a, b = shape.codes[i], shape.codes[j]
        if not any(f"{what}:{a}:{b}" in tables for what in ("pair", "joint", "cooccur")):
            tables.update(_pair_counts(shape, keys, encoded, layout, i, j))
    return Counts(encoded.n, tables)


def _skip_counts(shape: Shape, encoded: Encoded, layout: Layout) -> dict:
    """``skipped:Q`` of the questions with a condition; ``answered:Q`` of number questions."""
    tables = {}
    for code in shape.conditional:
        if code in shape.numbers:
            not_asked = encoded.not_asked[:, layout.number_index(code)]
        else:
            not_asked = encoded.values[:, layout.indices(code)[0]] == NOT_ASKED
        tables[f"skipped:{code}"] = np.array([int(not_asked.sum())])
    for code in shape.numbers:
        answered = ~np.isnan(encoded.number(layout, code))
        tables[f"answered:{code}"] = np.array([int(answered.sum())])
    return tables


def weighting_cells(shape: Shape, keys: dict[str, np.ndarray]) -> np.ndarray:
    """Each respondent's cell of the weighting questions' joint table (row-major); the last
    cell for one who skipped any of them."""
    cells = np.zeros(len(keys[shape.weighting[0]]), dtype=np.int64)
    skipped = np.zeros(len(cells), dtype=bool)
    for code, size in zip(shape.weighting, shape.cell_sizes, strict=True):
        cells = cells * size + np.maximum(keys[code] - 1, 0)
        skipped |= keys[code] == 0
    cells[skipped] = shape.cell_count - 1
    return cells


def _cell_counts(shape: Shape, keys: dict, encoded: Encoded, layout: Layout) -> dict:
    """The counts per weighting cell, and from them (summed over the cells) the pair tables
    of single × single and single × multi pairs, which need no count of their own then."""
    cells, size = weighting_cells(shape, keys), shape.cell_count
    tables = {"cells": np.bincount(cells, minlength=size)}
    for code, kind, choices in zip(shape.codes, shape.kinds, shape.sizes, strict=True):
        if kind == "single":
            tables[f"wfreq:{code}"] = crosstab(cells, keys[code], size, choices + 1)
        else:
            block = encoded.values[:, layout.indices(code)]
            tables[f"wfreq:{code}"] = ticks_by_group(cells, block, size)
    for i, j in shape.pairs():
        a, b = shape.codes[i], shape.codes[j]
        kinds = (shape.kinds[i], shape.kinds[j])
        if kinds == ("single", "single"):
            rows, columns = shape.sizes[i] + 1, shape.sizes[j] + 1
            key = (cells * rows + keys[a]) * columns + keys[b]
            counted = np.bincount(key, minlength=size * rows * columns)
            tables[f"wpair:{a}:{b}"] = counted.reshape(size, rows, columns)[:, 1:, 1:]
            tables[f"pair:{a}:{b}"] = tables[f"wpair:{a}:{b}"].sum(axis=0)
        elif kinds == ("multi", "multi"):
            tables[f"wcooccur:{a}:{b}"] = np.stack(
                [_cooccurrences(encoded, layout, a, b, cells == cell) for cell in range(size)]
            )
        else:
            tables.update(_cell_coselections(shape, keys, encoded, layout, cells, (a, b)))
    return tables


def _cell_coselections(shape: Shape, keys, encoded, layout, cells, pair) -> dict:
    """``wjoint`` of a single × multi pair (per cell and group, each option's ticks, then
    the group size) and, while the tick patterns are at hand, its ``sizes`` and ``joint``."""
    a, b = pair
    single, multi = (a, b) if shape.kinds[shape.codes.index(a)] == "single" else (b, a)
    groups = shape.sizes[shape.codes.index(single)]
    size = shape.cell_count
    if keys[multi] is None:  # too many options for tick patterns: count option by option
        answered = keys[single] > 0
        grouped = (cells * groups + keys[single] - 1)[answered]
        block = encoded.values[answered][:, layout.indices(multi)]
        ticks = ticks_by_group(grouped, block, size * groups)
        return {f"wjoint:{a}:{b}": ticks.reshape(size, groups, -1)}
    options = len(layout.indices(multi))
    patterns = crosstab(
        cells * (groups + 1) + keys[single], keys[multi], size * (groups + 1), 2**options + 1
    )
    patterns = patterns.reshape(size, groups + 1, -1)[:, 1:, 1:]
    bits = (np.arange(2**options)[:, None] >> np.arange(options)) & 1
    ticked = patterns @ bits
    sizes, joint = _coselections_from_patterns(patterns.sum(axis=0), options)
    return {
        f"wjoint:{a}:{b}": np.concatenate([ticked, patterns.sum(axis=-1)[..., None]], axis=-1),
        f"sizes:{a}:{b}": sizes,
        f"joint:{a}:{b}": joint,
    }


def ticks_by_group(groups: np.ndarray, block: np.ndarray, size: int) -> np.ndarray:
    """Per group, the respondents who answered a multi-choice question and ticked each
    option, and (last column) all who answered it."""
    answered = block[:, 0] >= 0
    members = groups[answered]
    columns = [
        np.bincount(members, weights=block[answered, k], minlength=size)
        for k in range(block.shape[1])
    ]
    columns.append(np.bincount(members, minlength=size))
    return np.rint(np.column_stack(columns)).astype(np.int64)


def _answer_keys(encoded: Encoded, layout: Layout, code: str, kind: str) -> np.ndarray | None:
    block = encoded.values[:, layout.indices(code)]
    if kind == "single":  # not answered and not asked alike: 0
        return np.maximum(block[:, 0].astype(np.int32) + 1, 0)
    if block.shape[1] > MAX_PATTERN_OPTIONS:
        return None
    patterns = block.astype(np.int32) @ (1 << np.arange(block.shape[1], dtype=np.int32))
    return np.where(block[:, 0] >= 0, patterns + 1, 0).astype(np.int32)


def _question_counts(code, kind, size, keys, encoded: Encoded, layout: Layout) -> dict:
    if kind == "single":
        return {f"freq:{code}": np.bincount(keys, minlength=size + 1)[1:]}
    block = encoded.values[:, layout.indices(code)]
    answered = block[:, 0] >= 0
    return {
        f"freq:{code}": block[answered].sum(axis=0, dtype=np.int64),
        f"answered:{code}": np.array([int(answered.sum())]),
    }


def _pair_counts(shape: Shape, keys: dict, encoded, layout, i: int, j: int) -> dict:
    a, b = shape.codes[i], shape.codes[j]
    kinds = (shape.kinds[i], shape.kinds[j])
    if kinds == ("single", "single"):
        table = crosstab(keys[a], keys[b], shape.sizes[i] + 1, shape.sizes[j] + 1)[1:, 1:]
        return {f"pair:{a}:{b}": table}
    if kinds == ("multi", "multi"):
        return {f"cooccur:{a}:{b}": _cooccurrences(encoded, layout, a, b)}
    single, multi = (a, b) if kinds[0] == "single" else (b, a)
    size = shape.sizes[i] if kinds[0] == "single" else shape.sizes[j]
    options = len(layout.indices(multi))
    if keys[multi] is None:
        block = encoded.values[:, layout.indices(multi)]
        sizes, joint = group_coselections(keys[single] - 1, block, size)
    else:
        patterns = crosstab(keys[single], keys[multi], size + 1, 2**options + 1)[1:, 1:]
        sizes, joint = _coselections_from_patterns(patterns, options)
    return {f"sizes:{a}:{b}": sizes, f"joint:{a}:{b}": joint}


def _cooccurrences(
    encoded: Encoded, layout: Layout, a: str, b: str, among: np.ndarray | None = None
) -> np.ndarray:
    """Co-selections of two multi-choice questions' options, bordered by their totals (the
    Rao–Scott test needs four-way co-selections: multi_response.py reads the matrix), of
    the respondents ``among`` (all by default)."""
    blocks = [encoded.values[:, layout.indices(code)] for code in (a, b)]
    answered = (blocks[0][:, 0] >= 0) & (blocks[1][:, 0] >= 0)
    if among is not None:
        answered &= among
    ones = np.ones((int(answered.sum()), 1))
    left, right = (np.hstack([block[answered].astype(np.float64), ones]) for block in blocks)
    return np.rint(left.T @ right).astype(np.int64)


def crosstab(a: np.ndarray, b: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """rows × columns counts of two key columns (values 0..rows−1 and 0..columns−1)."""
    combined = a.astype(np.int64) * columns + b
    return np.bincount(combined, minlength=rows * columns).reshape(rows, columns)


def _coselections_from_patterns(patterns: np.ndarray, options: int):
    """Group sizes and co-selection counts from counts of tick patterns per group."""
    bits = (np.arange(2**options)[:, None] >> np.arange(options)) & 1
    joint = np.einsum("gp,pj,pk->gjk", patterns, bits, bits)
    return patterns.sum(axis=1), joint


def group_coselections(groups: np.ndarray, selections: np.ndarray, size: int):
    """Group sizes and, per group g, counts of respondents ticking both option j and k."""
    answered = (groups >= 0) & (selections[:, 0] >= 0)
    groups, selections = groups[answered], selections[answered].astype(np.float64)
    joint = np.zeros((size, selections.shape[1], selections.shape[1]), dtype=np.int64)
    for group in range(size):
        members = selections[groups == group]
        joint[group] = np.rint(members.T @ members).astype(np.int64)
    return np.bincount(groups, minlength=size), joint
