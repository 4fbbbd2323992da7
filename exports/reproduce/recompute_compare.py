"""How recompute.py compares what it recomputed with analysis.json: every number (and
verdict) of analysis.json that the scripts recompute, within 1e-6 relative to the number
(absolute below 1). Shipped in the bundle beside recompute.py."""

import numpy as np

TOLERANCE = 1e-6


COMPARED_PAIR_FIELDS = (
    "n statistic df p g2 g2_p cramers_v cramers_v_corrected min_expected cochran_ok "
    "yates_statistic yates_p fisher_p p_exact table expected adjusted_residuals "
    "row_percent column_percent p_bonferroni rs2_statistic rs2_df rs2_p p_adjusted "
    "significant power n_for_power linear_by_linear rao_scott epsilon_squared"
).split()
DESCRIPTIVE_FIELDS = ("n", "mean", "sd", "median", "q1", "q3", "min", "max")


def differences(name: str, ours, theirs) -> list[tuple[str, object, object]]:
    """(where, ours, theirs) for every number that differs beyond the tolerance."""
    if isinstance(theirs, dict):
        ours = ours or {}
        return [
            d for key in theirs for d in differences(f"{name}.{key}", ours.get(key), theirs[key])
        ]
    if isinstance(theirs, list):
        ours = list(np.asarray(ours).tolist()) if ours is not None else None
        if ours is None or len(ours) != len(theirs):
            return [(name, ours, theirs)]
        return [d for k, t in enumerate(theirs) for d in differences(f"{name}[{k}]", ours[k], t)]
    if theirs is None or ours is None or isinstance(theirs, bool | str):
        return (
            [] if (ours is None) == (theirs is None) and ours == theirs else [(name, ours, theirs)]
        )
    gap = abs(float(ours) - float(theirs))
    return [] if gap <= TOLERANCE * max(1.0, abs(float(theirs))) else [(name, ours, theirs)]


def leaves(value) -> int:
    """How many numbers (and verdicts) a value of analysis.json holds."""
    if isinstance(value, dict):
        return sum(leaves(item) for item in value.values())
    if isinstance(value, list):
        return sum(leaves(item) for item in value)
    return 1


def compare(ours: dict, analysis: dict) -> tuple[int, list, list]:
    """(values checked, the differences, what was not recomputed)."""
    checked, found, skipped = 0, [], []
    found += differences("n", ours["n"], analysis["n"])
    for question in analysis["questions"]:
        where, mine = question["code"], ours["questions"].get(question["code"])
        if mine is None:
            skipped.append(where)
            continue
        found += differences(f"{where}.n_answered", mine["n_answered"], question["n_answered"])
        for field in DESCRIPTIVE_FIELDS if "descriptives" in question else ():
            checked += 1
            found += differences(
                f"{where}.{field}",
                mine["descriptives"].get(field),
                question["descriptives"][field],
            )
        for k, row in enumerate(question.get("frequencies", [])):
            recomputed = mine["frequencies"][k] | weighted_share(ours, where, k)
            for field in FREQUENCY_FIELDS:
                if field in row:
                    checked += leaves(row[field])
                    found += differences(
                        f"{where}.{row['choice']}.{field}", recomputed.get(field), row[field]
                    )
    for pair in analysis["pairs"]:
        where, mine = f"{pair['a']}-{pair['b']}", ours["pairs"].get((pair["a"], pair["b"]))
        if mine is None:
            skipped.append(where)
            continue
        for field in COMPARED_PAIR_FIELDS:
            if field in pair and (field in mine or pair[field] is not None):
                checked += leaves(pair[field])
                found += differences(f"{where}.{field}", mine.get(field), pair[field])
        for k, item in enumerate(pair.get("items") or []):
            if mine.get("items") is None:
                continue
            for field in ("statistic", "p"):
                checked += leaves(item[field])
                found += differences(
                    f"{where}.items[{k}].{field}", mine["items"][k][field], item[field]
                )
    if ours["weighted"] and ours["weighted"]["weights"]:
        checked += leaves(analysis["weights"]) - 1  # less the raking's sweeps
        summary = {k: v for k, v in analysis["weights"].items() if k != "sweeps"}
        found += differences("weights", ours["weighted"]["weights"], summary)
    return checked, found, skipped


def weighted_share(ours: dict, code: str, k: int) -> dict:
    return ours["weighted"]["shares"][code][k] if ours["weighted"] else {}


FREQUENCY_FIELDS = (
    "count percent ci_low ci_high percent_of_mentions "
    "weighted_percent weighted_se weighted_ci_low weighted_ci_high"
).split()
