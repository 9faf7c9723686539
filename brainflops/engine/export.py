"""A scenario's model as plain data: what `brainflops export-model` prints and the explorer
page evaluates.

The model is the engine's own: every output as a sum of products of named quantities
(`expr.build`), so whatever the format can say (vars, factors, conversions, cost models)
reaches the page without its formulas being written again. Each quantity is an input with
the range a slider covers; a mixture carries its components' models and weights.
"""

from __future__ import annotations

import sys
from typing import Any

from brainflops.engine.expr import Expr, build
from brainflops.engine.sampling import quantile_of
from brainflops.model.quantity import Range, VarRef, describe_written, point
from brainflops.model.scenario import OUTPUTS, Scenario

MODEL_FORMAT = "brainflops-model"
MODEL_VERSION = 1
SLIDER_QUANTILES = (0.01, 0.99)
"""An uncertain input's slider runs from its 1st to its 99th percentile."""
FIXED_SPAN = 10.0
"""A fixed input's slider runs from a tenth of it to ten times it."""


def input_bounds(value: float | Range) -> tuple[float, float]:
    """Where an input's (log-scale) slider starts and ends: positive and finite, around
    the input's value (an input near the ends of float64 gets a shorter slider)."""
    middle = point(value)
    if isinstance(value, Range):
        low, high = (quantile_of(value, q) for q in SLIDER_QUANTILES)
        if low <= 0:  # a normal range that reaches zero: a log scale needs a positive start
            low = middle / FIXED_SPAN
    else:
        low, high = middle / FIXED_SPAN, middle * FIXED_SPAN
    return max(low, min(middle, sys.float_info.min)), min(high, max(middle, sys.float_info.max))


def _input(path: str, value: float | Range) -> dict[str, Any]:
    low, high = input_bounds(value)
    return {
        "path": path,
        "value": point(value),
        "low": low,
        "high": high,
        "uncertain": isinstance(value, Range),
        "written": value.describe() if isinstance(value, Range) else describe_written(value),
    }


def expression(expr: Expr | None) -> list[dict[str, Any]] | None:
    """Σ coef × Π quantity^exponent as JSON: evaluated term by term, in this order."""
    if expr is None:
        return None
    return [{"coef": t.coef, "powers": [[name, exp] for name, exp in t.powers]} for t in expr]


def model_document(s: Scenario) -> dict[str, Any]:
    """The scenario's model: its inputs (each a `--set` path, its value and slider range)
    and the expression of every output; a mixture's components with their weights.

    A quantity of 1 (a factor left at 1) is an input too: it is what a reader moves first.
    Quantities of 0 drop out of the products and have no slider.
    """
    head: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "version": MODEL_VERSION,
        "scenario": s.name,
        "title": s.title,
        "method": s.method,
    }
    if s.method == "mixture":
        weights = [
            _input(f"components.{i}.weight", c.weight) | {"about": c.scenario}
            for i, c in enumerate(s.components)
        ]
        seconds = s.training.seconds
        if isinstance(seconds, VarRef):
            seconds = s.vars[seconds.var]
        return {
            **head,
            "inputs": [*weights, _input("training.seconds", seconds)],
            "outputs": dict.fromkeys(OUTPUTS),
            "components": [
                {"scenario": c.scenario, "weight_path": w["path"], "model": model_document(m)}
                for c, w, m in zip(s.components, weights, s.loaded_components, strict=True)
            ],
        }
    model = build(s, keep_ones=True)
    inputs = [
        _input(path, value)
        for path, value in model.quantities.items()
        if point(value) > 0  # a log-scale slider needs a positive value
    ]
    outputs = {name: expression(model.outputs.get(name)) for name in OUTPUTS}
    return {**head, "inputs": inputs, "outputs": outputs, "components": []}


__all__ = ["MODEL_FORMAT", "MODEL_VERSION", "expression", "input_bounds", "model_document"]
