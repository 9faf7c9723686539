"""`estimate`: each scenario to the evaluator it needs.

A scenario of plain numbers is evaluated in Python floats (`core.point_estimate`: no numpy,
no thread, so the command line starts fast); anything uncertain is sampled
(`evaluate.sampled_estimate`, numpy, imported only then); a mixture estimates each of its
components here and mixes them there.
"""

from __future__ import annotations

from collections.abc import Callable

from brainflops.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from brainflops.engine.core import CHUNK, Estimate, Where, check_run, point_estimate
from brainflops.engine.expr import build
from brainflops.model.quantity import Range
from brainflops.model.scenario import Scenario


def estimate(
    scenario: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    *,
    where: Where = None,
    chunk: int = CHUNK,
    on_sampling: Callable[[], object] | None = None,
    progress: Callable[[int, int, int], object] | None = None,
) -> Estimate:
    """Evaluate every output of a scenario over `samples` draws (in chunks of `chunk`).

    `where` (the document, or a path to name) locates errors in the user's file;
    `on_sampling` is called once the scenario turns out to need sampling (the command
    line uses it to import its renderer on the other core meanwhile); `progress` is told how
    far sampling is (`evaluate.Progress`).
    """
    check_run(samples, seed)
    if scenario.method == "mixture":
        if on_sampling is not None:
            on_sampling()
        parts = tuple(
            estimate(c, samples, seed, where=c.name, chunk=chunk)
            for c in scenario.loaded_components
        )
        from brainflops.engine.evaluate import mixture_estimate  # numpy, only when needed

        return mixture_estimate(scenario, parts, samples, seed, where)
    model = build(scenario)
    if not any(isinstance(q, Range) for q in model.quantities.values()):
        return point_estimate(scenario, model, samples, seed, where)
    if on_sampling is not None:
        on_sampling()
    from brainflops.engine.evaluate import sampled_estimate  # numpy, only when needed

    return sampled_estimate(
        scenario, model, samples, seed, where=where, chunk=chunk, progress=progress
    )


__all__ = ["estimate"]
