"""Which uncertain input drives an output: its share of the variance of log10(output).

Exact for a single product of lognormals (Var log xᵢ / Var log y, which sum to 1).
Otherwise a first-order (main-effect) Sobol index estimated by binning: sort the samples by
one input, cut them into equal-count bins, and take the variance of the bin means of
log10(output) over its total variance. It needs no extra model runs (it reuses the sample
set) and is unbiased up to about bins/samples; the indices need not sum to 1 when inputs
interact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from brainflops.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from brainflops.engine.evaluate import (
    Estimate,
    Where,
    draw_inputs,
    evaluate,
    exact_stats,
    log_variance_shares,
    parallel,
)
from brainflops.engine.run import estimate
from brainflops.engine.sampling import Array, quantiles
from brainflops.errors import InputError
from brainflops.model.quantity import Range, point
from brainflops.model.scenario import OUTPUTS, Scenario

BINS = 50
MIN_BINNED_SAMPLES = 20 * BINS
BIN_SAMPLES = 2_000_000
"""Binned indices and the inputs' ranges come from the first 2,000,000 samples at most: the
index's own error there is about 1/√n ≈ 0.0007, far below what the shares are shown to."""
"""Below this, the bin means are mostly noise: no shares are estimated (and none shown as 0%)."""


@dataclass(frozen=True)
class InputShare:
    name: str
    share: float
    low: float
    high: float
    """The input's 5th and 95th percentiles, for the tornado's labels."""
    swing_low: float
    swing_high: float
    """The output with this input at its 5th (then 95th) percentile and every other input at
    its median: the tornado's bar. For a mixture's parts, the output's own 5-95% range."""


Method = Literal[
    "exact",
    "first-order (binned)",
    "first-order (binned; correlated inputs)",
    "none",
    "too few samples",
    "mixture (law of total variance)",
]
"""How shares were found. With correlated inputs the log-variance no longer splits into
shares that add up: each input's first-order index then also carries what it shares with
the inputs it is correlated with, so the indices can sum past 1."""


@dataclass(frozen=True)
class Sensitivity:
    scenario: str
    output: str
    method: Method
    samples: int
    seed: int
    inputs: tuple[InputShare, ...]
    base: float | None = None
    """The output with every input at its median (a mixture: the output's median), which the
    tornado's bars swing around."""


def binned_first_order(x: Array, log_y: Array, bins: int = BINS) -> float:
    """Var(E[log y | x]) / Var(log y), with E[· | x] taken over equal-count bins of x.

    The bins are cut at x's quantiles (a partition, linear time) and filled by a binary
    search of 49 edges: no sort of the samples, so 1e7 samples take a fraction of a second.
    """
    if len(x) < 2 * bins:  # too few to bin (none at all where every draw of y is 0)
        return 0.0
    total = float(log_y.var())
    if total == 0:
        return 0.0
    edges = np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1])
    which = np.searchsorted(edges, x, side="right")
    sizes = np.bincount(which, minlength=bins)
    sums = np.bincount(which, weights=log_y, minlength=bins)
    filled = sizes > 0
    means = sums[filled] / sizes[filled]
    between = float(np.average((means - log_y.mean()) ** 2, weights=sizes[filled]))
    return between / total


def _interval(q: Range, values: Array | float) -> tuple[float, float]:
    if isinstance(values, float):
        return values, values
    p5, p95 = quantiles(values, (0.05, 0.95))  # np.percentile's, bit for bit
    return p5, p95


def sensitivity(
    scenario: Scenario,
    output: str = "compute_flops",
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    *,
    where: Where = None,
) -> Sensitivity:
    """Rank the uncertain inputs of a scenario by their share of Var(log10 output)."""
    if output not in OUTPUTS:
        raise InputError.at("--output", f"unknown output {output!r}; one of {', '.join(OUTPUTS)}")
    return explain(estimate(scenario, samples, seed, where=where), output)


def explain(est: Estimate, output: str = "compute_flops") -> Sensitivity:
    """Sensitivity from an estimate (whose checks already refused inf and NaN)."""
    scenario, samples, seed = est.scenario, est.samples, est.seed
    if est.choice is not None:
        return _mixture_shares(est, output)
    model = est.model
    expr = model.outputs.get(output)
    if expr is None:
        known = [k for k in OUTPUTS if model.outputs.get(k) is not None]
        raise InputError.at(
            "--output",
            f"scenario {scenario.name!r} gives no {output}; it gives {', '.join(known)}",
        )
    uncertain = {k: q for k, q in model.quantities.items() if isinstance(q, Range)}
    used = {name for term in expr for name, _ in term.powers}
    uncertain = {k: q for k, q in uncertain.items() if k in used}
    if not uncertain:
        return Sensitivity(scenario.name, output, "none", samples, seed, ())
    correlated = any(a in uncertain and b in uncertain for a, b, _ in model.correlations)
    exact = not correlated and exact_stats(expr, model.quantities) is not None
    if not exact and samples < MIN_BINNED_SAMPLES:
        return Sensitivity(scenario.name, output, "too few samples", samples, seed, ())
    # the streams give the estimate's own first draws: the inputs of its first samples
    first = min(samples, BIN_SAMPLES)
    values = (
        est.inputs  # the same draws: the same streams, in one chunk
        if est.inputs and first == samples
        else draw_inputs(
            model.quantities,
            first,
            seed,
            correlations=model.correlations,
            stream_keys=model.stream_keys,
        )
    )
    shares: dict[str, float]
    method: Method
    if exact:
        method = "exact"
        shares = log_variance_shares(expr, model.quantities)
    else:
        method = "first-order (binned; correlated inputs)" if correlated else "first-order (binned)"
        y = np.asarray(est.draws[output], dtype=np.float64)[:first]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_y = np.log10(np.where(y > 0, y, np.nan))
        keep = np.isfinite(log_y)
        whole = bool(keep.all())

        def binned(k: str) -> float:
            x = np.asarray(values[k])
            return binned_first_order(x if whole else x[keep], log_y if whole else log_y[keep])

        names = list(uncertain)
        found = parallel(binned, names)  # one input per core: the binning releases the GIL
        shares = dict(zip(names, found, strict=True))
    ranked = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    medians = {k: point(q) for k, q in model.quantities.items()}
    inputs = []
    for name, share in ranked:
        low, high = _interval(uncertain[name], values[name])
        swing = np.asarray(evaluate(expr, {**medians, name: np.array([low, high])}))
        inputs.append(InputShare(name, share, low, high, float(swing[0]), float(swing[1])))
    base = float(evaluate(expr, medians))
    return Sensitivity(scenario.name, output, method, samples, seed, tuple(inputs), base)


def _mixture_shares(est: Estimate, output: str) -> Sensitivity:
    """Which component drives a mixture's spread: Var(log y) = between + Σ within.

    "component choice" is the spread between the components' means of log10(output); each
    "within NAME" is that component's own spread, weighted by how often it is drawn. The
    shares add up to 1 (the law of total variance).
    """
    scenario = est.scenario
    drawn = est.draws.get(output)
    if drawn is None or est.choice is None:
        raise InputError.at("--output", f"scenario {scenario.name!r} gives no {output}")
    y = np.asarray(drawn, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_y = np.log10(np.where(y > 0, y, np.nan))
    keep = np.isfinite(log_y)
    log_y, choice = log_y[keep], est.choice[keep]
    total = float(log_y.var())
    if total <= 0 or log_y.size == 0:
        return Sensitivity(scenario.name, output, "none", est.samples, est.seed, ())
    mean = float(log_y.mean())
    between = 0.0
    shares: list[InputShare] = []
    for i, component in enumerate(scenario.components):
        part = log_y[choice == i]
        if part.size == 0:
            continue
        weight = part.size / log_y.size
        between += weight * (float(part.mean()) - mean) ** 2
        low, high = quantiles(10**part, (0.05, 0.95))
        share = weight * float(part.var()) / total
        shares.append(InputShare(f"within {component.scenario}", share, low, high, low, high))
    low, high = quantiles(10**log_y, (0.05, 0.95))
    shares.append(InputShare("component choice", between / total, low, high, low, high))
    ranked = tuple(sorted(shares, key=lambda s: (-s.share, s.name)))
    base = float(10 ** np.median(log_y))
    method: Method = "mixture (law of total variance)"
    return Sensitivity(scenario.name, output, method, est.samples, est.seed, ranked, base)
