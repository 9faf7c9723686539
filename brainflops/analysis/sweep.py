"""`brainflops sweep`: the outputs and parity years over a grid of values of some inputs.

The scenario is validated and its model built once. Each value of each varied path is
validated once (not once per point); every point then reuses the same draws of every other
input (common random numbers, so the curve is smooth) and substitutes its own values into
the model's expressions. A value that changes the model's structure (a cost of 0 that
removes a term, a path that is not a quantity) falls back to a full estimate of that point.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from brainflops.analysis.projections import (
    AI_PROJECTIONS,
    DEFAULT_PROJECTIONS,
    ParityYears,
    Projection,
    histories,
    log2_targets,
    parity_years,
    resolve,
)
from brainflops.engine.core import scaled_outputs
from brainflops.engine.evaluate import (
    Estimate,
    Stats,
    check_memory,
    check_run,
    draw_inputs,
    evaluate,
    exact_stats,
    mc_stats,
)
from brainflops.engine.expr import Expr, Model, build
from brainflops.engine.run import estimate
from brainflops.engine.sampling import Array, Stream
from brainflops.errors import InputError
from brainflops.io.yaml import Document, parse_value
from brainflops.model.load import apply_set, set_value, validated
from brainflops.model.machines import MachinesFile
from brainflops.model.quantity import Range
from brainflops.model.scenario import Scenario

MAX_POINTS = 10_000
"""A grid larger than this is refused before anything is drawn."""
MAX_VALUES = 1_000
"""Values per `--vary`."""
SWEEP_PROJECTIONS = (*DEFAULT_PROJECTIONS, "ai-trend")


@dataclass(frozen=True)
class SweepPoint:
    values: dict[str, Any]
    """Each varied path's value, as given (a number, or a range as written)."""
    outputs: dict[str, Stats]
    projections: dict[str, ParityYears]


@dataclass(frozen=True)
class Sweep:
    scenario: str
    paths: tuple[str, ...]
    points: tuple[SweepPoint, ...]
    samples: int
    seed: int


def split_values(text: str) -> list[str]:
    """`1,2,{low: 1, high: 3}` → three values: commas inside braces or brackets do not split."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [v.strip() for v in out]


def parse_vary(text: str) -> tuple[str, list[str]]:
    """`PATH=V1,V2,...` → (PATH, the values as YAML texts)."""
    origin = f"--vary {text[:60]}"
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path or not raw.strip():
        raise InputError.at(origin, "expected PATH=V1,V2,... e.g. factors.neural_backprop=1,2,4")
    values = split_values(raw)
    if any(not v for v in values):
        raise InputError.at(origin, "an empty value (two commas in a row, or a trailing comma)")
    if len(values) > MAX_VALUES:
        raise InputError.at(origin, f"{len(values):,} values; the limit is {MAX_VALUES:,}")
    return path, values


@dataclass(frozen=True)
class _Value:
    text: str
    shown: Any
    quantity: float | Range | None
    """The model's quantity at this value; None when the value changes the model's structure."""


def _resolve_values(doc: Document, base: Model, path: str, texts: Sequence[str]) -> list[_Value]:
    out: list[_Value] = []
    for text in texts:
        shown = _parsed(text, path)
        scenario = validated(set_value(doc, path, shown, f"--vary {path}={text[:60]}"))
        number = _plain_number(scenario, path)
        if number is not None and path in base.quantities:
            # a number other than 0 and 1 for a quantity (a number or a range): the model's
            # terms stay as they are, only the quantity's value changes
            out.append(_Value(text, shown, number))
            continue
        model = build(scenario)
        same = set(model.quantities) == set(base.quantities) and model.outputs == base.outputs
        out.append(_Value(text, shown, model.quantities.get(path) if same else None))
    return out


def _plain_number(scenario: Scenario, path: str) -> float | None:
    """The validated value at `path` when it is a number other than 0 and 1 (the model
    drops a factor of 1 and a term of 0), else None."""
    node: Any = scenario
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else getattr(node, key, None)
    if isinstance(node, float) and node not in (0.0, 1.0):
        return node
    return None


def _parsed(text: str, path: str) -> Any:
    """A value as YAML; a plain number without the YAML parser (a sweep has many)."""
    try:
        return int(text) if text.lstrip("+-").isdigit() and len(text) < 19 else float(text)
    except ValueError:
        return parse_value(text, f"--vary {path}")


def _stats(
    expr: Any,
    values: Mapping[str, Array | float],
    quantities: Any,
    model: Model,
    drawn: Array | float | None = None,
) -> Stats:
    """An output's summary: exact for a product of lognormals, else from its draws
    (`drawn`, when they are at hand already)."""
    exact = exact_stats(expr, quantities, model.correlations)
    if exact is not None:
        return exact
    if drawn is None:
        drawn = evaluate(expr, values)
    if isinstance(drawn, float):
        return Stats(drawn, drawn, drawn, drawn, exact=True)
    return mc_stats(np.asarray(drawn, dtype=np.float64))


def _point_outputs(
    known: Mapping[str, Expr],
    scaled: Mapping[str, float],
    values: Mapping[str, Array | float],
    quantities: Mapping[str, float | Range],
    model: Model,
) -> tuple[dict[str, Stats], Array | float]:
    """A point's summaries, and its compute draws (for the projections). An output that is
    compute times a constant is compute's summary scaled, as in an estimate."""
    compute = evaluate(known["compute_flops"], values)
    summary = _stats(known["compute_flops"], values, quantities, model, compute)
    outputs: dict[str, Stats] = {}
    for k, e in known.items():
        if k == "compute_flops":
            outputs[k] = summary
        elif k in scaled:
            outputs[k] = summary.times(scaled[k])
        else:
            outputs[k] = _stats(e, values, quantities, model)
    return outputs, compute


def _projections(
    compute: Array | float, resolved: Sequence[Projection], seed: int
) -> dict[str, ParityYears]:
    past = histories(compute)
    targets = log2_targets(compute)
    return {
        p.name: parity_years(p, compute, past[p.series], log2_target=targets, seed=seed)
        for p in resolved
    }


def _full_point(
    doc: Document, sets: Sequence[str], samples: int, seed: int, resolved: Sequence[Projection]
) -> tuple[dict[str, Stats], dict[str, ParityYears]]:
    point = doc
    for assignment in sets:
        point = apply_set(point, assignment)
    est: Estimate = estimate(validated(point), samples, seed, where=point)
    outputs = {k: s for k, s in est.stats.items() if s is not None}
    return outputs, _projections(est.draws["compute_flops"], resolved, seed)


def _full_sweep(
    doc: Document,
    name: str,
    varies: Sequence[tuple[str, Sequence[str]]],
    machines: MachinesFile,
    *,
    samples: int,
    seed: int,
) -> Sweep:
    paths = [p for p, _ in varies]
    resolved = _resolved(machines)
    points: list[SweepPoint] = []
    for combo in itertools.product(*(texts for _, texts in varies)):
        shown = {p: _parsed(t, p) for p, t in zip(paths, combo, strict=True)}
        sets = [f"{p}={t}" for p, t in zip(paths, combo, strict=True)]
        outputs, years = _full_point(doc, sets, samples, seed, resolved)
        points.append(SweepPoint(shown, outputs, years))
    return Sweep(name, tuple(paths), tuple(points), samples, seed)


def _resolved(machines: MachinesFile) -> list[Projection]:
    every = {**DEFAULT_PROJECTIONS, **AI_PROJECTIONS}
    return [resolve(name, every[name], machines.green500) for name in SWEEP_PROJECTIONS]


def sweep(
    doc: Document,
    varies: Sequence[tuple[str, Sequence[str]]],
    machines: MachinesFile,
    samples: int = 10_000,
    seed: int = 20150727,
) -> Sweep:
    """Every point of the grid of `varies` (path, values), with common random numbers."""
    check_run(samples, seed)
    if not varies:
        raise InputError.at("--vary", "give at least one --vary PATH=V1,V2,...")
    paths = [p for p, _ in varies]
    if len(set(paths)) != len(paths):
        raise InputError.at("--vary", "a path is varied twice; give its values once")
    size = int(np.prod([len(v) for _, v in varies]))
    if size > MAX_POINTS:
        raise InputError.at("--vary", f"a grid of {size:,} points; the limit is {MAX_POINTS:,}")
    base = validated(doc)
    if base.method == "mixture":  # no one model to substitute into: estimate each point
        return _full_sweep(doc, base.name, varies, machines, samples=samples, seed=seed)
    model = build(base)
    known = {k: e for k, e in model.outputs.items() if e is not None}
    grid = [_resolve_values(doc, model, p, texts) for p, texts in varies]
    correlated = {p for a, b, _ in model.correlations for p in (a, b)}
    check_memory(samples * (len(model.quantities) + len(known)), f"{samples:,} samples")
    shared = draw_inputs(
        model.quantities,
        samples,
        seed,
        where=doc,
        correlations=model.correlations,
        stream_keys=model.stream_keys,
    )
    drawn: dict[tuple[str, str], Array | float] = {}
    for path, choices in zip(paths, grid, strict=True):
        for v in choices:
            if isinstance(v.quantity, Range):
                drawn[path, v.text] = Stream(path, v.quantity, seed, model.stream_key(path)).next(
                    samples
                )
            elif v.quantity is not None:
                drawn[path, v.text] = v.quantity
    resolved = _resolved(machines)
    # outputs that are compute times a constant whatever the varied values take (the varied
    # paths count as uncertain): scaled from compute's summary, not summarised again
    fixed = {k: q for k, q in model.quantities.items() if k not in paths}
    scaled = scaled_outputs(known, fixed)
    points: list[SweepPoint] = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for combo in itertools.product(*grid):
            shown = {p: v.shown for p, v in zip(paths, combo, strict=True)}
            fallback = any(v.quantity is None for v in combo) or correlated & set(paths)
            if fallback:
                sets = [f"{p}={v.text}" for p, v in zip(paths, combo, strict=True)]
                outputs, years = _full_point(doc, sets, samples, seed, resolved)
                points.append(SweepPoint(shown, outputs, years))
                continue
            values = dict(shared)
            quantities = dict(model.quantities)
            for p, v in zip(paths, combo, strict=True):
                values[p] = drawn[p, v.text]
                assert v.quantity is not None
                quantities[p] = v.quantity
            outputs, compute = _point_outputs(known, scaled, values, quantities, model)
            bad = [k for k, st in outputs.items() if not st.finite]
            if bad:
                raise InputError.at(
                    "--vary", f"at {shown}: {bad[0]} is not a finite number (it overflows)"
                )
            points.append(SweepPoint(shown, outputs, _projections(compute, resolved, seed)))
    return Sweep(base.name, tuple(paths), tuple(points), samples, seed)
