"""The data behind each figure of a report: plain dicts, the input of `figures` (and of
each figure's fingerprint), computed from the analysed scenarios."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from brainflops.analysis.compare import Comparison, newest, newest_ai_leader
from brainflops.analysis.projections import (
    AI_PROJECTIONS,
    CURVE_YEARS,
    DEFAULT_PROJECTIONS,
    Point,
    ai_points,
    landauer_flops_per_joule,
    resolve,
)
from brainflops.analysis.sensitivity import Sensitivity
from brainflops.analysis.sweep import Sweep
from brainflops.defaults import DEFAULT_SEED
from brainflops.errors import InputError
from brainflops.model.data import EPOCH_CREDIT, measured_runs, top500_aggregate
from brainflops.model.machines import MachinesFile, list_year
from brainflops.model.quantity import Range, describe_written, point
from brainflops.render import forecasts
from brainflops.render.jsonout import rounded
from brainflops.render.reported import ScenarioReport
from brainflops.render.units import UNITS, readable

TEPS_TO_FLOPS = 1e12 / 1.7e9
"""AI Impacts: sampled computers show ~1.7 GTEPS per TFLOP/s (brain-performance-in-flops)."""
BRAIN_POWER_W = 20.0
"""Carlsmith (2020), for the Landauer line of the ladder."""


CDF_PROBS = tuple(round(0.01 + 0.02 * i, 2) for i in range(50))
"""The probabilities at which the CDF figure takes each scenario's quantiles: 1%, 3% ... 99%."""


def _r(value: float) -> float:
    return rounded(value, 4)


def ladder_data(reports: Sequence[ScenarioReport], machines: MachinesFile) -> dict[str, Any]:
    rows = []
    for r in sorted(reports, key=_median):
        c = r.estimate.stats["compute_flops"]
        assert c is not None
        published = r.estimate.scenario.published
        bound = None
        if published is not None and published.kind == "bound":
            bound = "at_most" if published.at_most is not None else "at_least"
        rows.append(
            {
                "name": r.estimate.scenario.name,
                "bound": bound,
                "p5": _r(c.p5),
                "median": _r(c.median),
                "p95": _r(c.p95),
            }
        )
    return {"scenarios": rows, "lines": _machine_lines(machines)}


def _machine_lines(machines: MachinesFile) -> list[dict[str, Any]]:
    """The reference lines of the compute figures: the newest #1, Graph500, Landauer, AI."""
    top = newest(machines)
    fugaku = next((m for m in machines.machines if m.key() == "fugaku"), None)
    lines = []
    if top.hpl_rmax_flops:
        lines.append({"label": f"{top.name} HPL ({top.list_date})", "value": top.hpl_rmax_flops})
    if top.hpcg_flops:
        lines.append({"label": f"{top.name} HPCG", "value": top.hpcg_flops})
    if fugaku is not None and fugaku.graph500_teps:
        lines.append(
            {
                "label": "Fugaku Graph500 × 588 FLOP per TEPS (AI Impacts)",
                "value": _r(fugaku.graph500_teps * TEPS_TO_FLOPS),
            }
        )
    landauer = BRAIN_POWER_W * landauer_flops_per_joule(310, 1)
    lines.append({"label": "Landauer bound at 20 W, 310 K", "value": _r(landauer)})
    leader = newest_ai_leader()
    if leader.bf16_dense_flops:
        label = f"{leader.name} BF16 peak ({leader.list_date}, Epoch AI)"
        lines.append({"label": label, "value": leader.bf16_dense_flops})
    return lines


def _median(r: ScenarioReport) -> float:
    c = r.estimate.stats["compute_flops"]
    assert c is not None
    return c.median


def timeline_data(reports: Sequence[ScenarioReport], machines: MachinesFile) -> dict[str, Any]:
    history: list[dict[str, Any]] = [
        {
            "year": list_year(a.list),
            "rank1": a.rank1_rmax_flops,
            "rank500": a.rank500_rmax_flops,
            "sum": a.sum_rmax_flops,
        }
        for a in top500_aggregate()
    ]
    start = max(list_year(a.list) for a in top500_aggregate())
    seed = reports[0].estimate.seed if reports else DEFAULT_SEED
    projections = [
        forecasts.fan(resolve(name, spec, machines.green500), seed, name)
        for name, spec in DEFAULT_PROJECTIONS.items()
    ]
    low, high = 1e9, 1e28
    parity_name = next(iter(DEFAULT_PROJECTIONS))
    bands, omitted = [], []
    for r in sorted(reports, key=_median):
        c = r.estimate.stats["compute_flops"]
        assert c is not None
        if not low <= c.median <= high:
            omitted.append(r.estimate.scenario.name)
            continue
        parity = next(p for p in r.comparison.projections if p.name == parity_name)
        year = parity.year_median
        bands.append(
            {
                "name": r.estimate.scenario.name,
                "p5": _r(c.p5),
                "median": _r(c.median),
                "p95": _r(c.p95),
                # parity only in the future: the projection is a forecast, not the history
                "parity_year": None
                if year is None or not start <= year <= 2100
                else round(year, 2),
            }
        )
    leaders = _running_best(ai_points())
    ai = [{"year": round(p.year, 3), "system": p.system, "bf16": p.value} for p in leaders]
    trend = resolve("ai-trend", AI_PROJECTIONS["ai-trend"])
    projections.append(forecasts.fan(trend, seed, "ai-trend (BF16 peak)"))
    return {
        "top500": history,
        "ai": ai,
        "projections": projections,
        "bands": bands,
        "omitted": omitted,
        "y_range": [low, high],
        "parity_projection": parity_name,
    }


def _running_best(points: Sequence[Point]) -> list[Point]:
    """The points that set a record: the leading system over time."""
    out: list[Point] = []
    for p in points:
        if not out or p.value > out[-1].value:
            out.append(p)
    return out


def training_data(reports: Sequence[ScenarioReport], machines: MachinesFile) -> dict[str, Any]:
    """Training runs (Epoch AI) against the brain-lifetimes of the report's scenarios."""
    runs = [
        {
            "model": t.model,
            "year": round(
                int(t.publication_date[:4]) + (int(t.publication_date[5:7]) - 0.5) / 12, 3
            ),
            "flop": t.flop,
        }
        for t in sorted(measured_runs(), key=lambda t: t.publication_date)
    ]
    low, high = 1e17, 1e40
    lifetimes, omitted = [], []
    for r in sorted(reports, key=_median):
        life = r.estimate.stats["lifetime_flop"]
        if life is None:
            continue
        if not low <= life.median <= high:
            omitted.append(r.estimate.scenario.name)
            continue
        lifetimes.append({"name": r.estimate.scenario.name, "median": _r(life.median)})
    return {
        "runs": runs,
        "lifetimes": lifetimes,
        "omitted": omitted,
        "y_range": [low, high],
        "credit": EPOCH_CREDIT,
    }


def resources_data(reports: Sequence[ScenarioReport], machines: MachinesFile) -> dict[str, Any]:
    top = newest(machines)
    metrics = [
        ("compute_hpl", "compute vs HPL"),
        ("memory", "memory vs system memory"),
        ("memory_traffic", "memory traffic vs memory bandwidth"),
        ("communication", "communication vs injection bandwidth"),
    ]
    rows = []
    for r in sorted(reports, key=_median):
        # the default comparison already holds the newest #1: no need to compare again
        row_of_top = next(m for m in r.comparison.machines if m.machine == top)
        ratios = {x.key: _r(x.ratio.median) for x in row_of_top.ratios}
        row: dict[str, Any] = {"name": r.estimate.scenario.name}
        row.update({k: ratios.get(k) for k, _ in metrics})
        if any(row[k] is not None for k, _ in metrics[1:]):
            rows.append(row)
    return {"machine": top.name, "metrics": [list(m) for m in metrics], "rows": rows}


def _number(value: Any) -> float:
    """A varied value on the figure's x axis: a number, or a range's median."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict) and set(value) != {"var"}:
        return point(Range.model_validate(value))
    raise InputError.at("--vary", f"{value!r} cannot be placed on an axis; vary numbers or ranges")


def sweep_file(scenario: str, name: str) -> str:
    return f"sweep-{scenario}-{name}.svg"


def sweep_data(result: Sweep, output: str = "compute_flops") -> dict[str, Any]:
    """The figure of a sweep: the output and parity years against the first varied path."""
    if len(result.paths) > 2:
        raise InputError.at("-o", "a sweep figure shows at most two varied paths")
    first = result.paths[0]
    second = result.paths[1] if len(result.paths) > 1 else None
    groups: dict[str, list[Any]] = {}
    for p in result.points:
        label = "" if second is None else describe_written(p.values[second])
        groups.setdefault(label, []).append(p)
    series = []
    for label, points in groups.items():
        points.sort(key=lambda p: _number(p.values[first]))
        stats = [p.outputs.get(output) for p in points]
        if any(s is None for s in stats):
            raise InputError.at("--output", f"the scenario gives no {output}")
        series.append(
            {
                "label": label,
                "x": [_number(p.values[first]) for p in points],
                "p5": [_r(s.p5) for s in stats if s is not None],
                "median": [_r(s.median) for s in stats if s is not None],
                "p95": [_r(s.p95) for s in stats if s is not None],
                "years": {
                    name: [_year_or_none(p.projections[name].year_median) for p in points]
                    for name in points[0].projections
                },
            }
        )
    xs = [x for line in series for x in line["x"]]
    return {
        "scenario": result.scenario,
        "path": first,
        "second": second or "",
        "output": output,
        "unit": UNITS.get(output, ""),
        "log_x": min(xs) > 0 and max(xs) / min(xs) >= 100,
        "series": series,
    }


def _year_or_none(year: float | None) -> float | None:
    return None if year is None else round(year, 2)


def tornado_data(s: Sensitivity) -> dict[str, Any]:
    return {
        "scenario": s.scenario,
        "output": s.output,
        "unit": UNITS.get(s.output, ""),
        "method": s.method,
        "base": None if s.base is None else _r(s.base),
        "inputs": [
            {
                "name": i.name,
                "label": readable(i.name),
                "share": _r(i.share),
                "low": _r(i.low),
                "high": _r(i.high),
                "swing_low": _r(i.swing_low),
                "swing_high": _r(i.swing_high),
            }
            for i in s.inputs
        ],
    }


def cdf_data(reports: Sequence[ScenarioReport], machines: MachinesFile) -> dict[str, Any]:
    """Every scenario's compute: quantile curves, or a point; the ladder's machine lines."""
    low, high = 9.0, 31.0  # log10 FLOP/s: what the axis can show
    curves: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    omitted: list[str] = []
    for r in sorted(reports, key=_median):
        name = r.estimate.scenario.name
        q = r.log10_compute_quantiles
        if q:
            if q[0] > high or q[-1] < low:
                omitted.append(name)
            else:
                curves.append({"name": name, "log10_quantiles": list(q)})
            continue
        median = _median(r)
        if low <= math.log10(max(median, 1e-300)) <= high:
            points.append({"name": name, "value": _r(median)})
        else:
            omitted.append(name)
    # the widest spread first: those get a colour and a name in the legend
    curves.sort(key=lambda c: (-(c["log10_quantiles"][-1] - c["log10_quantiles"][0]), c["name"]))
    shown: list[float] = [v for c in curves for v in c["log10_quantiles"]]
    shown += [math.log10(p["value"]) for p in points]
    # the Landauer line is a bound at 20 W, not a machine: the ladder shows it
    lines = [x for x in _machine_lines(machines) if "Landauer" not in x["label"]]
    shown += [math.log10(x["value"]) for x in lines]
    x_range = [
        10.0 ** max(low, math.floor(min(shown)) - 1),
        10.0 ** min(high, math.ceil(max(shown)) + 1),
    ]
    return {
        "probs": list(CDF_PROBS),
        "curves": curves,
        "points": points,
        "lines": lines,
        "x_range": x_range,
        "omitted": omitted,
    }


def parity_data(c: Comparison) -> dict[str, Any]:
    """A scenario's P(parity by year) under each projection (history first)."""
    return {
        "scenario": c.estimate.scenario.name,
        "years": list(CURVE_YEARS),
        "newest_year": round(c.history.newest_year, 3),
        "curves": [
            {"name": p.name, "series": p.series, "p": [round(v, 4) for v in p.curve]}
            for p in c.projections
        ],
    }


__all__ = [
    "CDF_PROBS",
    "cdf_data",
    "ladder_data",
    "parity_data",
    "resources_data",
    "sweep_data",
    "sweep_file",
    "timeline_data",
    "tornado_data",
    "training_data",
]
