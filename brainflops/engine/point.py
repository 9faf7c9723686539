"""Point evaluation: every output with each quantity at its median (for attribution)."""

from __future__ import annotations

from brainflops.engine.core import evaluate_numbers
from brainflops.engine.expr import build
from brainflops.model.quantity import point
from brainflops.model.scenario import Scenario


def point_outputs(scenario: Scenario) -> dict[str, float | None]:
    model = build(scenario)
    values = {k: point(q) for k, q in model.quantities.items()}
    return {
        name: None if e is None else evaluate_numbers(e, values)
        for name, e in model.outputs.items()
    }
