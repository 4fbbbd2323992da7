"""Optional stopping: the classical Pearson p against the anytime-valid p (analytics/anytime.py).

Each replication draws responses one at a time from a fixed r×c table of cell probabilities
and looks after every response, up to --max-n, as a researcher refreshing the dashboard would.
Under independence (unequal margins) it prints the share of replications in which each p
ever fell below α = 0.05, with its exact (Clopper–Pearson) 95 % interval; under a dependence
of Cramér's V = 0.1 and 0.2 the median n at which each first fell below α and the share that
did by --max-n. Replications run side by side as numpy arrays; no database.

    .venv/bin/python bench/anytime.py                      # 2,000 × 2,000: about 2 minutes
    .venv/bin/python bench/anytime.py --replications 200 --max-n 300
    .venv/bin/python bench/anytime.py --svg docs/anytime.svg
"""

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # As a script, this folder comes first on sys.path, where "analytics" is bench/analytics.py.
    sys.path[0] = str(ROOT)

from analytics.anytime import e_values_log  # noqa: E402

ALPHA = 0.05
MARGINS = {
    "2×2": ((0.7, 0.3), (0.6, 0.4)),
    "3×4": ((0.5, 0.3, 0.2), (0.4, 0.3, 0.2, 0.1)),
    "5×3": ((0.35, 0.25, 0.2, 0.12, 0.08), (0.5, 0.3, 0.2)),
}
EFFECTS = (0.0, 0.1, 0.2)


@dataclass(frozen=True)
class Scenario:
    table: str
    cramers_v: float
    classical: np.ndarray  # per replication, the first n with p < α (max_n + 1: never)
    anytime: np.ndarray


def cell_probabilities(rows, columns, cramers_v: float) -> np.ndarray:
    """p_ij = a_i b_j (1 + δ u_i v_j), u and v linear scores standardised under the margins
    (Σ a u = 0, Σ a u² = 1): the margins stay a and b, φ² = δ² and V = δ / √(min(r, c) − 1)."""
    a, b = np.asarray(rows), np.asarray(columns)
    u, v = _standardised(a), _standardised(b)
    delta = cramers_v * np.sqrt(min(len(a), len(b)) - 1)
    probabilities = np.outer(a, b) * (1 + delta * np.outer(u, v))
    if (probabilities <= 0).any():
        raise ValueError(f"V = {cramers_v} is too strong for these margins")
    return probabilities


def _standardised(margin: np.ndarray) -> np.ndarray:
    scores = np.arange(len(margin)) - margin @ np.arange(len(margin))
    return scores / np.sqrt(margin @ scores**2)


def first_rejections(
    probabilities: np.ndarray, replications: int, max_n: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each replication, the first n at which the classical p and the anytime p fell
    below α, looking after every response (max_n + 1 where it never did)."""
    rng = np.random.default_rng(seed)
    r, c = probabilities.shape
    draws = rng.choice(r * c, size=(replications, max_n), p=probabilities.ravel())
    tables = np.zeros((replications, r, c))
    cells = tables.reshape(replications, r * c)  # a view: adding to a cell adds to the table
    never = max_n + 1
    classical, anytime = np.full(replications, never), np.full(replications, never)
    everyone, bound = np.arange(replications), np.log(1 / ALPHA)
    for n in range(1, max_n + 1):
        cells[everyone, draws[:, n - 1]] += 1
        classical[(classical == never) & (pearson_p(tables) < ALPHA)] = n
        anytime[(anytime == never) & (e_values_log(tables) > bound)] = n
    return classical, anytime


def pearson_p(tables: np.ndarray) -> np.ndarray:
    """Pearson's χ² p of each (r, c) table with its empty rows and columns left out, as the
    dashboards test it (analytics/stats.py); 1 where fewer than two rows or columns are left."""
    from scipy.stats import chi2

    rows, columns = tables.sum(axis=2), tables.sum(axis=1)
    n = rows.sum(axis=1)
    expected = rows[:, :, None] * columns[:, None, :] / n[:, None, None]
    safe = np.where(expected > 0, expected, 1)
    statistic = np.where(expected > 0, (tables - expected) ** 2 / safe, 0).sum(axis=(1, 2))
    df = ((rows > 0).sum(axis=1) - 1) * ((columns > 0).sum(axis=1) - 1)
    return np.where(df > 0, chi2.sf(statistic, np.maximum(df, 1)), 1.0)


def share_interval(rejected: int, runs: int) -> tuple[float, float]:
    """The exact (Clopper–Pearson) 95 % interval of a share of runs."""
    from scipy.stats import binomtest

    interval = binomtest(rejected, runs).proportion_ci(confidence_level=0.95)
    return interval.low, interval.high


def _rejected(first: np.ndarray, max_n: int) -> str:
    return f"{100 * (first <= max_n).mean():.1f} %"


def _share(first: np.ndarray, max_n: int) -> str:
    low, high = share_interval(int((first <= max_n).sum()), len(first))
    return f"{_rejected(first, max_n)} ({100 * low:.1f}–{100 * high:.1f})"


def _median(first: np.ndarray, max_n: int) -> str:
    median = np.median(first)  # never-rejecting runs count as beyond max_n
    return f"> {max_n:,}" if median > max_n else f"{int(median):,}"


def table_print(scenarios: list[Scenario], max_n: int, replications: int) -> None:
    print(f"Looking after every response up to n = {max_n:,}; {replications:,} replications.")
    print("\nUnder independence: share of runs in which p ever fell below 0.05 (95 % interval)\n")
    print("| table | classical Pearson p | anytime-valid p |")
    print("| --- | --- | --- |")
    for s in (s for s in scenarios if s.cramers_v == 0):
        print(f"| {s.table} | {_share(s.classical, max_n)} | {_share(s.anytime, max_n)} |")
    print("\nUnder dependence: median n of the first p < 0.05 (share rejected by the last n)\n")
    print("| table | Cramér's V | classical | anytime-valid |")
    print("| --- | --- | --- | --- |")
    for s in (s for s in scenarios if s.cramers_v > 0):
        classical = f"{_median(s.classical, max_n)} ({_rejected(s.classical, max_n)})"
        anytime = f"{_median(s.anytime, max_n)} ({_rejected(s.anytime, max_n)})"
        print(f"| {s.table} | {s.cramers_v} | {classical} | {anytime} |")


def svg_write(path: Path, scenarios: list[Scenario], max_n: int) -> None:
    """Share of runs rejected by n under independence: one line per table and p."""
    width, height, left, bottom = 640, 360, 50, 40
    null = [s for s in scenarios if s.cramers_v == 0]
    top = max(float((s.classical <= max_n).mean()) for s in null) * 1.1 or 0.1
    ns = np.unique(np.linspace(1, max_n, 200).astype(int))

    def x(n: float) -> float:
        return left + (width - left - 10) * n / max_n

    def y(share: float) -> float:
        return height - bottom - (height - bottom - 10) * share / top

    colours = ("#0072B2", "#E69F00", "#009E73")
    parts = [f'<line x1="{x(0)}" y1="{y(ALPHA)}" x2="{x(max_n)}" y2="{y(ALPHA)}" stroke="#999"/>']
    for k, s in enumerate(null):
        for first, dash in ((s.classical, ""), (s.anytime, ' stroke-dasharray="6 4"')):
            shares = (first[None, :] <= ns[:, None]).mean(axis=1)
            points = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in zip(ns, shares, strict=True))
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colours[k]}"{dash}/>'
                f'<text x="{x(max_n) - 60}" y="{y(shares[-1]) - 4:.1f}" fill="{colours[k]}">'
                f"{s.table}</text>"
            )
    labels = (
        f'<text x="{x(0)}" y="{height - 10}">n = 0</text>'
        f'<text x="{x(max_n) - 70}" y="{height - 10}">n = {max_n:,}</text>'
        f'<text x="4" y="{y(ALPHA) + 4:.1f}">5 %</text>'
        f'<text x="4" y="{y(top) + 10:.1f}">{100 * top:.0f} %</text>'
        f'<text x="{left + 10}" y="24">runs with p &lt; 0.05 by n under independence: '
        "solid classical, dashed anytime-valid</text>"
    )
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">{"".join(parts)}{labels}</svg>\n'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=2000, help="runs per scenario")
    parser.add_argument("--max-n", type=int, default=2000, help="responses per run")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--svg", type=Path, help="also draw the false-rejection curves here")
    args = parser.parse_args()
    started, scenarios = time.perf_counter(), []
    for k, (name, (rows, columns)) in enumerate(MARGINS.items()):
        for m, effect in enumerate(EFFECTS):
            probabilities = cell_probabilities(rows, columns, effect)
            found = first_rejections(
                probabilities, args.replications, args.max_n, args.seed + k * 10 + m
            )
            scenarios.append(Scenario(name, effect, *found))
    table_print(scenarios, args.max_n, args.replications)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    if args.svg:
        svg_write(args.svg, scenarios, args.max_n)


if __name__ == "__main__":
    main()
