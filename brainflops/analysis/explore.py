"""What the explorer page needs beside each scenario's model: the machines it divides by,
and the parity year of any one value of compute, read off the same paths as `compare`.

A parity year at a point value x is a first passage: path i meets x at the first list where
its running best reaches x. The r-th earliest of those years is the first list at which the
r-th highest running best reaches x, so the few order statistics that the 5th, 50th and 95th
percentiles interpolate between (np.percentile's "linear" rule, as `parity_years` takes
them) give every percentile for every x: a handful of curves instead of 2,000 paths.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from brainflops.analysis.compare import metrics, newest, newest_ai_leader
from brainflops.analysis.forecast import PATHS, PathSet
from brainflops.analysis.projections import (
    LAST_LIST,
    History,
    Point,
    Projection,
    ai_points,
    histories,
    projection_set,
    resolve,
    series_arrays,
    top500_points,
)
from brainflops.engine.core import Stats
from brainflops.engine.export import model_document
from brainflops.model.data import EPOCH_CREDIT, as_of
from brainflops.model.machines import Machine, MachinesFile
from brainflops.model.projections import DoublingProjection
from brainflops.model.scenario import Scenario
from brainflops.version import __version__

EXPLORER_FORMAT = "brainflops-explorer"
EXPLORER_VERSION = 1
PERCENTILES = (0.05, 0.5, 0.95)
FIRST = "dettmers-2015"
"""The scenario the page opens on, when it has it (else its first)."""


def year_ranks(paths: int = PATHS) -> list[int]:
    """The order statistics (0-based, earliest first) the percentiles interpolate between."""
    ranks: set[int] = set()
    for q in PERCENTILES:
        virtual = (paths - 1) * q
        below = math.floor(virtual)
        ranks.update((below, min(below + 1, paths - 1)))
    return sorted(ranks)


def _float32(values: np.ndarray[Any, Any]) -> list[float]:
    """float32 values in their shortest decimal form (numpy's str of a float32; the page
    restores each exactly with Math.fround): half the text of float64 digits."""
    return [float(text) for text in values.astype(np.float32).astype(str)]


def passage_curves(p: Projection, past: History, seed: int) -> dict[str, Any]:
    """For each rank r in `year_ranks`: the (r+1)-th highest running best (log10) at each
    list date. The r-th earliest parity year of x is the first date where it reaches
    log10 x."""
    paths = p.paths(seed)
    # as the first passages read it, in the paths' own float32 (the curves are float32):
    # the same values, sorted in half the time
    best = PathSet.running_best(paths.values, np.float32)
    ranks = year_ranks(paths.paths)
    highest = [paths.paths - 1 - r for r in ranks]  # the (r+1)-th highest, ascending order
    best.sort(axis=0)  # a whole (vectorised) sort: twice as fast as partitioning six ranks
    dates = np.maximum(paths.dates, past.next_year)  # never before the next list
    return {
        "paths": paths.paths,
        "dates": [float(d) for d in dates],
        "curves": {str(r): _float32(best[h]) for r, h in zip(ranks, highest, strict=True)},
    }


def projection_document(p: Projection, past: History, seed: int) -> dict[str, Any]:
    """One projection as the page evaluates it: its paths' curves, or a fixed line."""
    head: dict[str, Any] = {
        "name": p.name,
        "model": p.spec.model,
        "series": p.series,
        "forecast": p.forecast,
        "limits": [[at, text] for at, text in p.limits()],
        "next_year": past.next_year,
        "last_list": LAST_LIST,
    }
    spec = p.spec
    if isinstance(spec, DoublingProjection):
        return {
            **head,
            "base_date": spec.base_date,
            "base_log2": math.log2(spec.base_flops),
            "doubling_years": spec.doubling_years,
        }
    return {**head, **passage_curves(p, past, seed)}


def history_document(points: Sequence[Point], past: History) -> dict[str, Any]:
    """The series' running best and the date each was reached (the past is not projected)."""
    best, _ = series_arrays(points)
    return {
        "best": [float(b) for b in best],
        "years": [pt.year for pt in points],
        "systems": [pt.system for pt in points],
        "first_year": past.first_year,
    }


def _machine(m: Machine) -> dict[str, Any]:
    return {"name": m.name, "date": m.list_date, "estimated": m.estimated_figures}


def explorer_document(
    scenarios: Sequence[Scenario],
    machines: MachinesFile,
    seed: int,
    *,
    full: Mapping[str, Stats | None] | None = None,
    refs: Mapping[str, str] | None = None,
    sets: Sequence[str] = (),
) -> dict[str, Any]:
    """Every scenario's model, the newest #1 and AI leader with the figures it is divided
    by, and each projection's curves (shared by the scenarios that use it).

    `full`: each scenario's compute over its whole uncertainty, shown beside the point
    values the sliders set; `refs`: what to type on the command line for each (default:
    its name); `sets`: the `--set` options the scenarios were loaded with (the page's
    command line repeats them).
    """
    number1, leader = newest(machines), newest_ai_leader()
    past = histories(0.0)
    projections: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    shown: list[dict[str, Any]] = []
    for s in scenarios:
        indices = []
        for name, spec in projection_set(s.projections).items():
            key = f"{name}={spec.model_dump_json()}"
            if key not in seen:
                p = resolve(name, spec, machines.green500)
                seen[key] = len(projections)
                projections.append(projection_document(p, past[p.series], seed))
            indices.append(seen[key])
        compute = (full or {}).get(s.name)
        shown.append(
            {
                "model": model_document(s),
                "ref": (refs or {}).get(s.name, s.name),
                "ratios": {
                    which: [
                        {"key": m.key, "label": m.label, "output": m.output}
                        | {"value": m.machine_value}
                        for m in metrics(machine, s.precision_bits)
                    ]
                    for which, machine in (("number1", number1), ("ai_leader", leader))
                },
                "projections": indices,
                "full_compute": None if compute is None else compute.as_dict(),
            }
        )
    return {
        "format": EXPLORER_FORMAT,
        "version": EXPLORER_VERSION,
        "seed": seed,
        "version_of_brainflops": __version__,
        "fixed_sets": list(sets),
        "first": FIRST if any(s.name == FIRST for s in scenarios) else scenarios[0].name,
        "machines": {"number1": _machine(number1), "ai_leader": _machine(leader)},
        "history": {
            "top500": history_document(top500_points(), past["top500"]),
            "ai": history_document(ai_points(), past["ai"]),
        },
        "projections": projections,
        "scenarios": shown,
        "data_as_of": as_of(),
        "credit": EPOCH_CREDIT,
    }


__all__ = [
    "EXPLORER_FORMAT",
    "EXPLORER_VERSION",
    "explorer_document",
    "passage_curves",
    "year_ranks",
]
