"""Plain JSON documents, a contract for other tools: keys are stable (json.dumps, sorted keys)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from brainflops.model.scenario import OUTPUTS
from brainflops.render.units import estimated_figures
from brainflops.version import __version__

if TYPE_CHECKING:  # an estimate's JSON needs none of the analyses (nor numpy)
    from pathlib import Path

    from brainflops.analysis.backtest import Backtest, Score, ThresholdScore
    from brainflops.analysis.backtest import Table as BacktestTable
    from brainflops.analysis.check import CheckResult
    from brainflops.analysis.compare import Comparison, MachineComparison
    from brainflops.analysis.diff import Diff
    from brainflops.analysis.projections import ParityYears
    from brainflops.analysis.sensitivity import Sensitivity
    from brainflops.analysis.sweep import Sweep
    from brainflops.engine.core import Estimate
    from brainflops.model.data import DataSet
    from brainflops.model.machines import MachinesFile, Top500Number1


def dumps(document: dict[str, Any]) -> str:
    """Sorted keys, two-space indent, no NaN (the library never produces one).

    The text is `json.dumps(document, sort_keys=True, indent=2, allow_nan=False)`'s, byte
    for byte (tested), written without its token-by-token generators: Python's C encoder
    takes no indent before 3.13, and a report's data.json or a sweep's 1,000 points spent
    most of their JSON time in them.
    """
    return _indented(document, "\n") + "\n"


_string = json.encoder.encode_basestring_ascii  # the C escaper json.dumps uses


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
    return float.__repr__(value)


def _key(key: object) -> str:
    """A dict key as json.dumps writes it (its rules, in its order)."""
    if isinstance(key, str):
        return _string(key)
    if isinstance(key, float):
        return _string(_number(key))
    if key is True or key is False or key is None:
        return f'"{json.dumps(key)}"'
    if isinstance(key, int):
        return _string(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _indented(value: object, newline: str) -> str:
    """`value` as JSON, its nested lines starting with `newline` (a line break and indent)."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _number(value)
    inner = newline + "  "
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = (_indented(v, inner) for v in value)
        return f"[{inner}{(',' + inner).join(items)}{newline}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        pairs = (f"{_key(k)}: {_indented(v, inner)}" for k, v in sorted(value.items()))
        return f"{{{inner}{(',' + inner).join(pairs)}{newline}}}"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def rounded(value: float, digits: int = 6) -> float:
    """Round to significant digits, so that output is stable across platforms' last bits."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits - 1}e}")


def header(scenario: str, samples: int, seed: int) -> dict[str, Any]:
    return {"scenario": scenario, "samples": samples, "seed": seed, "version": __version__}


def estimate_document(est: Estimate) -> dict[str, Any]:
    """`brainflops estimate --json`."""
    doc = header(est.scenario.name, est.samples, est.seed)
    for name in OUTPUTS:
        stats = est.stats[name]
        doc[name] = None if stats is None else {k: rounded(v) for k, v in stats.as_dict().items()}
    doc["exact"] = sorted(k for k, s in est.stats.items() if s is not None and s.exact)
    doc["breakdown"] = {
        "populations": {k: rounded(v) for k, v in est.compute_shares.items()},
        "factors": {k: rounded(v) for k, v in est.factor_medians().items()},
    }
    s = est.scenario
    doc["source"] = None if s.source is None else s.source.model_dump(exclude_none=True)
    doc["source_unit"] = s.source_unit
    doc["published"] = (
        None
        if s.published is None
        else {
            **s.published.model_dump(exclude_none=True),
            "kind": s.published.kind,
            "text": s.published.describe(s.source_unit),
        }
    )
    doc["conversion"] = None if s.conversion is None else s.conversion.model_dump(exclude_none=True)
    doc["title"] = s.title
    return doc


def sensitivity_document(result: Sensitivity) -> dict[str, Any]:
    """`brainflops sensitivity --json`."""
    doc = header(result.scenario, result.samples, result.seed)
    doc.update(
        output=result.output,
        method=result.method,
        inputs=[
            {
                "name": i.name,
                "share": rounded(i.share),
                "p5": rounded(i.low),
                "p95": rounded(i.high),
                "swing": {"low": rounded(i.swing_low), "high": rounded(i.swing_high)},
            }
            for i in result.inputs
        ],
        base=None if result.base is None else rounded(result.base),
    )
    return doc


def _year(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _finite(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None


def parity_document(p: ParityYears) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "model": p.model,
        "year_p5": _year(p.year_p5),
        "year_median": _year(p.year_median),
        "year_p95": _year(p.year_p95),
        "p_by": {str(y): round(v, 4) for y, v in p.p_by.items()},
        "p_reached": round(p.p_reached, 4),
        "series": p.series,
        # the median is the series' first data point: reached on or before it
        "censored": "before" if p.censored(p.year_median) else None,
        "limit": p.limit,
        # a random-walk forecast, or a fixed doubling time (an assumption)
        "forecast": p.forecast,
        # the years are null past this horizon (and not "never")
        "beyond": p.beyond,
    }
    # a walk that may not grow has no finite doubling time: null, not Infinity
    if p.doubling_years is not None:
        doc["doubling_years"] = _finite(p.doubling_years)
    if p.doubling_interval is not None:
        doc["doubling_years_p5_p95"] = [_finite(v) for v in p.doubling_interval]
    return doc


def machine_document(m: MachineComparison) -> dict[str, Any]:
    return {
        "name": m.machine.name,
        "user": m.user,
        "kind": m.machine.kind,
        "precision": m.machine.precision,
        "list_date": m.machine.list_date,
        "bottleneck": m.bottleneck,
        # figures derived by brainflops from a reported chip count: estimates
        "estimated": estimated_figures(m.machine),
        "power_needed_w": None if m.power_needed_w is None else rounded(m.power_needed_w),
        "hardware_cost_usd": None if m.hardware_cost_usd is None else rounded(m.hardware_cost_usd),
        "lifetime_seconds_on": None
        if m.lifetime_seconds is None
        else {k: rounded(v) for k, v in m.lifetime_seconds.as_dict().items() if k != "mean"},
        "metrics": {
            r.key: {
                "label": r.label,
                "machine_value": r.machine_value,
                "ratio": {k: rounded(v) for k, v in r.ratio.as_dict().items() if k != "mean"},
                "machines_needed": r.machines_needed,
            }
            for r in m.ratios
        },
    }


def _score(score: Score | ThresholdScore) -> dict[str, Any]:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in vars(score).items()}


def _backtest_table(table: BacktestTable) -> dict[str, Any]:
    return {
        "by_horizon": [
            {"h_years": h.h_years, **{k: v for k, v in _score(h).items() if k != "h_years"}}
            for h in table.by_horizon
        ],
        "pooled": _score(table.pooled),
        "thresholds": _score(table.thresholds),
    }


def backtest_document(b: Backtest) -> dict[str, Any]:
    """`brainflops backtest --json`."""
    walk = _backtest_table(b.walk)
    return {
        "series": b.series,
        "method": b.method,
        "window_years": b.window_years,
        "variance": b.variance,
        "origins": list(b.origins),
        **walk,
        "naive": _backtest_table(b.naive),
        "scored": b.scored,
        "calibrated": b.calibrated,
        "note": b.note,
    }


def data_status_document(sets: Sequence[DataSet], folder: Path) -> dict[str, Any]:
    """`brainflops data status --json`."""
    return {
        "data_dir": str(folder),
        "data_sets": [
            {
                "name": d.name,
                "rows": d.rows,
                "newest": d.newest,
                "source": d.source,
                "licence": d.licence,
                "imported": d.imported,
            }
            for d in sets
        ],
    }


def compare_document(c: Comparison) -> dict[str, Any]:
    """`brainflops compare --json`."""
    doc = estimate_document(c.estimate)
    doc["machines"] = [machine_document(m) for m in c.machines]
    doc["projections"] = {p.name: parity_document(p) for p in c.projections}
    doc["history"] = {
        "p_reached": round(c.history.p_reached, 4),
        "median_list": c.history.median_list,
        "median_system": c.history.median_system,
        "censored": c.history.censored,
    }
    doc["newest_number1"] = c.history.newest_system
    doc["data_as_of"] = dict(c.data_as_of)
    doc["resources"] = {
        r.key: {
            **parity_document(r.years),
            "label": r.label,
            "median_list": r.history.median_list,
        }
        for r in c.resources
    }
    last = c.last_resource
    doc["last_resource"] = None if last is None else last.key
    b = c.binding
    doc["bottleneck_parity"] = (
        None
        if b is None
        else {
            **parity_document(b.years),
            "projection": b.years.name,
            "resource": b.key,
            "label": b.label,
            "machine": b.machine,
            "hpl_flops_per_unit": rounded(b.hpl_per_unit),
            "assumption": "machines keep the newest #1's balance of this resource per HPL FLOP/s",
        }
    )
    doc["newest_ai_leader"] = c.newest_ai_leader
    if c.ai_history is not None:
        doc["ai_history"] = {
            "p_reached": round(c.ai_history.p_reached, 4),
            "median_month": c.ai_history.median_list,
            "median_system": c.ai_history.median_system,
            "censored": c.ai_history.censored,
        }
    doc["training_runs"] = [
        {
            "model": t.run.model,
            "date": t.run.publication_date,
            "training_flop": t.run.flop,
            "confidence": t.run.confidence,
            "lifetimes": {k: rounded(v) for k, v in t.lifetimes.as_dict().items() if k != "mean"},
            "source": t.run.source,
        }
        for t in c.training_runs
    ]
    from brainflops.model.data import EPOCH_CREDIT

    doc["credit"] = EPOCH_CREDIT
    return doc


def machines_document(machines: MachinesFile, history: Sequence[Top500Number1]) -> dict[str, Any]:
    """`brainflops machines --json`."""
    from brainflops.model.data import EPOCH_CREDIT, ai_systems
    from brainflops.model.machines import chip_catalogue

    return {
        "systems": [
            {**m.model_dump(exclude_none=True), "user": machines.is_user(m)}
            for m in machines.machines
        ],
        "green500": [g.model_dump() for g in machines.green500],
        "top500": [r.model_dump(exclude_none=True) for r in history],
        "ai_systems": [a.model_dump(exclude_none=True) for a in ai_systems()],
        "accelerators": chip_catalogue().model_dump(exclude_none=True),
        "credit": EPOCH_CREDIT,
    }


def check_document(results: Sequence[CheckResult], samples: int, seed: int) -> dict[str, Any]:
    """`brainflops check --json`."""
    return {
        "samples": samples,
        "seed": seed,
        "version": __version__,
        "passed": all(r.passed for r in results),
        "checks": [
            {
                "scenario": r.scenario,
                "check": r.check,
                "found": None if r.found is None else rounded(r.found),
                "found_p95": None if r.found_high is None else rounded(r.found_high),
                "published": r.published,
                "derived": r.derived,
                "where": r.where,
                "passed": r.passed,
            }
            for r in results
        ],
    }


def diff_document(d: Diff) -> dict[str, Any]:
    """`brainflops diff --json`."""
    doc = header(f"{d.a} -> {d.b}", d.samples, d.seed)
    doc.update(
        a=d.a,
        b=d.b,
        parameters=[{"path": p.path, "a": p.a, "b": p.b} for p in d.parameters],
        outputs={
            name: {
                "ratio": None
                if o.ratio is None
                else {k: rounded(v) for k, v in o.ratio.as_dict().items() if k != "mean"},
                "point_ratio": None if o.point_ratio is None else rounded(o.point_ratio),
                "attribution": [
                    {"parameter": x.parameter, "factor": rounded(x.factor)} for x in o.attribution
                ],
                "method": o.method,
            }
            for name, o in d.outputs.items()
        },
    )
    return doc


def sweep_document(result: Sweep) -> dict[str, Any]:
    """`brainflops sweep --json`."""
    doc = header(result.scenario, result.samples, result.seed)
    doc["paths"] = list(result.paths)
    doc["points"] = [
        {
            "values": dict(point.values),
            "outputs": {
                name: {k: rounded(v) for k, v in stats.as_dict().items()}
                for name, stats in point.outputs.items()
            },
            "projections": {
                name: {
                    "year_p5": _year(p.year_p5),
                    "year_median": _year(p.year_median),
                    "year_p95": _year(p.year_p95),
                    "series": p.series,
                }
                for name, p in point.projections.items()
            },
        }
        for point in result.points
    ]
    return doc


def sweep_rows(result: Sweep) -> list[dict[str, Any]]:
    """`brainflops sweep --csv`: one row per point, flat columns."""
    rows = []
    for point in result.points:
        row: dict[str, Any] = {}
        for path, value in point.values.items():
            row[path] = (
                value
                if not isinstance(value, dict)
                else " ".join(f"{k}={v}" for k, v in value.items())
            )
        for name, stats in point.outputs.items():
            for key in ("p5", "median", "p95"):
                row[f"{name}_{key}"] = rounded(getattr(stats, key))
        for name, p in point.projections.items():
            row[f"parity_{name}"] = _year(p.year_median)
        rows.append(row)
    return rows
