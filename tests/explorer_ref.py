"""The explorer page's arithmetic, written again in Python from the exported data only.

The tests hold the page to the engine twice: this reference against `parity_years` and the
point estimate (fast, every projection and many values), and the page itself in Chromium
against the engine (tests/test_explore.py). Nothing here imports the code under test's
evaluator: a mistake in the export shows up as a disagreement.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

import numpy as np

BEYOND = 1e8


def evaluate(expr: list[dict[str, Any]], values: dict[str, float]) -> float:
    total = 0.0
    for term in expr:
        acc = term["coef"]
        for name, exp in term["powers"]:
            acc *= values[name] if exp == 1 else values[name] ** exp
        total += acc
    return float(total)


def point_outputs(model: dict[str, Any], values: dict[str, float]) -> dict[str, float | None]:
    return {k: None if e is None else evaluate(e, values) for k, e in model["outputs"].items()}


def medians(model: dict[str, Any]) -> dict[str, float]:
    return {i["path"]: i["value"] for i in model["inputs"]}


def parity(doc: dict[str, Any], p: dict[str, Any], x: float) -> dict[str, float | None]:
    """year_p5, year_median, year_p95 of projection `p` for a brain of x FLOP/s."""
    past = doc["history"][p["series"]]
    reached = bisect.bisect_left(past["best"], x)
    if reached < len(past["best"]):
        year = past["years"][reached]
        return dict.fromkeys(("year_p5", "year_median", "year_p95"), year)
    log2 = math.log2(max(x, 1.0))
    if any(log2 > at for at, _ in p["limits"]):
        return dict.fromkeys(("year_p5", "year_median", "year_p95"))
    if "curves" in p:
        target = log2 * math.log10(2.0)
        curves = {int(r): np.float32(c).astype(np.float64) for r, c in p["curves"].items()}

        def year_of(rank: int) -> float:
            k = int(np.searchsorted(curves[rank], target, side="left"))
            return float(p["dates"][k]) if k < len(p["dates"]) else BEYOND

        n = p["paths"]
    else:
        line = p["base_date"] + (log2 - p["base_log2"]) * p["doubling_years"]
        fixed = BEYOND if line > p["last_list"] else max(line, p["next_year"])

        def year_of(rank: int) -> float:
            return fixed

        n = 1
    out: dict[str, float | None] = {}
    for key, q in (("year_p5", 0.05), ("year_median", 0.5), ("year_p95", 0.95)):
        virtual = (n - 1) * q
        below = math.floor(virtual)
        low, high = year_of(below), year_of(min(below + 1, n - 1))
        weight = virtual - below
        step = high - low
        year = high - step * (1 - weight) if weight >= 0.5 else low + step * weight
        out[key] = None if year > p["last_list"] else year
    return out
