"""Monte Carlo over sample sets, and the exact path for products of lognormals."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from brainflops.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from brainflops.engine.expr import Expr, Model, build
from brainflops.engine.sampling import Array, Stream, log_params
from brainflops.errors import InputError
from brainflops.model.quantity import Range, point
from brainflops.model.scenario import OUTPUTS, Scenario

CHUNK = 1_000_000
MAX_SAMPLES = 50_000_000
_Z95 = NormalDist().inv_cdf(0.95)

Values = Mapping[str, "Array | float"]


@dataclass(frozen=True)
class Stats:
    """The summary every output reports."""

    p5: float
    median: float
    p95: float
    mean: float
    exact: bool = False

    def as_dict(self) -> dict[str, float]:
        return {"p5": self.p5, "median": self.median, "p95": self.p95, "mean": self.mean}


def evaluate(expr: Expr, values: Values) -> Array | float:
    """Σ coef × Π value^exponent, on arrays or numbers alike."""
    total: Array | float = 0.0
    for term in expr:
        acc: Array | float = term.coef
        for name, exp in term.powers:
            v = values[name]
            acc = acc * (v if exp == 1 else v**exp)
        total = total + acc
    return total


def exact_stats(expr: Expr, quantities: Mapping[str, float | Range]) -> Stats | None:
    """Closed-form summary of a single product of lognormals and points, else None."""
    if len(expr) != 1:
        return None
    (term,) = expr
    if term.coef <= 0:
        return None
    mu, var = math.log(term.coef), 0.0
    for name, exp in term.powers:
        q = quantities[name]
        if isinstance(q, Range):
            if q.dist != "lognormal":
                return None
            m, s = log_params(q)
            mu, var = mu + exp * m, var + (exp * s) ** 2
        else:
            mu += exp * math.log(q)
    sd = math.sqrt(var)
    return Stats(
        p5=math.exp(mu - _Z95 * sd),
        median=math.exp(mu),
        p95=math.exp(mu + _Z95 * sd),
        mean=math.exp(mu + var / 2),
        exact=True,
    )


def log_variance_shares(expr: Expr, quantities: Mapping[str, float | Range]) -> dict[str, float]:
    """Each uncertain input's exact share of Var(log output), for a product of lognormals."""
    (term,) = expr
    parts: dict[str, float] = {}
    for name, exp in term.powers:
        q = quantities[name]
        if isinstance(q, Range):
            parts[name] = (exp * log_params(q)[1]) ** 2
    total = sum(parts.values())
    return {k: v / total for k, v in parts.items()} if total > 0 else {}


def mc_stats(values: Array) -> Stats:
    p5, median, p95 = np.percentile(values, [5, 50, 95])
    return Stats(float(p5), float(median), float(p95), float(values.mean()))


@dataclass(frozen=True)
class Estimate:
    """Every output of one scenario, as samples and as summaries."""

    scenario: Scenario
    model: Model
    samples: int
    seed: int
    stats: dict[str, Stats | None]
    draws: dict[str, Array | float] = field(repr=False)
    """The samples of every known output (a float where the output has no uncertainty)."""
    compute_shares: dict[str, float] = field(default_factory=dict)
    """Each population's median share of compute_flops."""

    @property
    def uncertain(self) -> bool:
        return any(isinstance(q, Range) for q in self.model.quantities.values())

    def factor_medians(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for path, q in self.model.quantities.items():
            if path.startswith("factors.") and not path.endswith((".memory", ".communication")):
                out[path.removesuffix(".compute")] = point(q)
        return out


class _Draws:
    """Lazily created streams, one per uncertain quantity."""

    def __init__(self, quantities: Mapping[str, float | Range], seed: int) -> None:
        self.points = {k: v for k, v in quantities.items() if not isinstance(v, Range)}
        self.streams = [Stream(k, v, seed) for k, v in quantities.items() if isinstance(v, Range)]

    def chunk(self, size: int) -> dict[str, Array | float]:
        values: dict[str, Array | float] = dict(self.points)
        for stream in self.streams:
            drawn = stream.next(size)
            if stream.dist.dist == "normal" and not (drawn > 0).all():
                raise InputError.at(
                    stream.path,
                    "a normal range drew values <= 0 for a quantity that must be positive; "
                    "use a lognormal range (the default) instead",
                )
            values[stream.path] = drawn
        return values


def draw_inputs(
    quantities: Mapping[str, float | Range], samples: int, seed: int
) -> dict[str, Array | float]:
    """All input draws at once (for sensitivity and diff, which need the inputs)."""
    return _Draws(quantities, seed).chunk(samples)


def _check_samples(samples: int) -> None:
    if not 1 <= samples <= MAX_SAMPLES:
        raise InputError.at("--samples", f"must be between 1 and {MAX_SAMPLES:,} (got {samples})")


def estimate(
    scenario: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    *,
    where: str | None = None,
    chunk: int = CHUNK,
) -> Estimate:
    """Evaluate every output of a scenario over `samples` draws (in chunks of `chunk`)."""
    _check_samples(samples)
    model = build(scenario)
    known = {k: e for k, e in model.outputs.items() if e is not None}
    uncertain = any(isinstance(q, Range) for q in model.quantities.values())
    draws: dict[str, Array | float] = {}
    part_draws: dict[str, Array | float] = {}
    if not uncertain:
        points = {k: v for k, v in model.quantities.items() if not isinstance(v, Range)}
        draws = {k: float(evaluate(e, points)) for k, e in known.items()}
        part_draws = {k: float(evaluate(e, points)) for k, e in model.compute_parts.items()}
    else:
        source = _Draws(model.quantities, seed)
        full = {k: np.empty(samples) for k in known}
        parts = {k: np.empty(samples) for k in model.compute_parts}
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, samples, chunk):
                size = min(chunk, samples - start)
                values = source.chunk(size)
                for name, e in known.items():
                    full[name][start : start + size] = evaluate(e, values)
                for name, e in model.compute_parts.items():
                    parts[name][start : start + size] = evaluate(e, values)
        draws, part_draws = dict(full), dict(parts)
    stats: dict[str, Stats | None] = dict.fromkeys(OUTPUTS)
    for name, drawn in draws.items():
        if isinstance(drawn, float):
            finite = math.isfinite(drawn)
        else:
            finite = bool(np.isfinite(drawn).all())
        if not finite:
            raise InputError.at(
                where or scenario.name,
                f"{name} is not a finite number (it overflows float64 or is undefined); "
                "check the magnitudes of its inputs",
            )
        if isinstance(drawn, float):
            stats[name] = Stats(drawn, drawn, drawn, drawn, exact=True)
        else:
            stats[name] = exact_stats(known[name], model.quantities) or mc_stats(drawn)
    return Estimate(
        scenario=scenario,
        model=model,
        samples=samples,
        seed=seed,
        stats=stats,
        draws=draws,
        compute_shares=_shares(part_draws, draws["compute_flops"]),
    )


def _shares(parts: Mapping[str, Array | float], total: Array | float) -> dict[str, float]:
    out: dict[str, float] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, values in parts.items():
            share = np.divide(values, total)
            out[name] = float(np.nan_to_num(np.median(share), nan=0.0))
    return out
