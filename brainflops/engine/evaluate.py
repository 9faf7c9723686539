"""Monte Carlo over sample sets, and the exact path for products of lognormals.

`Estimate` and `Stats` live in `engine.core` (a scenario without uncertainty never needs
numpy) and are named here too, where the analyses import them from; `engine.run.estimate`
sends each scenario here or there.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from statistics import NormalDist
from typing import TypeVar

import numpy as np

from brainflops.engine.core import (
    CHUNK,
    MAX_SAMPLES,
    MAX_SEED,
    Draws,
    Estimate,
    Stats,
    Values,
    Where,
    check_run,
    finished,
    located,
    not_finite,
    scaled_outputs,
)
from brainflops.engine.expr import Expr, Model
from brainflops.engine.floats import exponential, power
from brainflops.engine.sampling import (
    SMALL_DRAWS,
    Array,
    Stream,
    correlation_factor,
    first_draws,
    log_params,
    median,
    quantiles,
)
from brainflops.errors import InputError
from brainflops.model.quantity import Range, VarRef
from brainflops.model.scenario import OUTPUTS, Scenario

__all__ = [
    "CHUNK",
    "MAX_SAMPLES",
    "MAX_SEED",
    "Estimate",
    "Stats",
    "Values",
    "Where",
    "check_run",
    "draw_inputs",
    "evaluate",
    "exact_stats",
    "located",
    "log_variance_shares",
    "mc_stats",
    "mixture_estimate",
    "parallel",
    "sampled_estimate",
]

MAX_DRAW_BYTES = 4 * 1024**3
"""The arrays one evaluation may hold; more samples than fit are refused before drawing."""
PART_BATCH = 4
"""Populations evaluated at once (one per thread), then added to compute in their order."""
DRAW_BUDGET = 16 * 1024**2
"""Input draws held at once (128 MiB of float64): the chunk shrinks as the inputs grow."""
_Z95 = NormalDist().inv_cdf(0.95)


_POOL: ThreadPoolExecutor | None = None
_THREADS: int | None = None


def use_threads(count: int | None) -> None:
    """The threads `parallel` may use in this process (None: one per core, at most 4).

    A report's worker processes already keep every core busy: each uses one thread.
    """
    global _THREADS  # noqa: PLW0603 (a process-wide setting)
    _THREADS = count


T = TypeVar("T")
R = TypeVar("R")


def parallel(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """numpy's generators, ufuncs and partitions release the GIL: use every core.

    Each stream has its own generator, so the result does not depend on scheduling.
    """
    global _POOL  # noqa: PLW0603 (one pool per process, created on first use)
    work = list(items)
    workers = _THREADS or min(4, os.cpu_count() or 1)
    if len(work) < 2 or workers < 2:
        return [fn(item) for item in work]
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="brainflops")
    return list(_POOL.map(fn, work))


def evaluate(expr: Expr, values: Values) -> Array | float:
    """Σ coef × Π value^exponent, on arrays or numbers alike.

    Works in place on the arrays it creates (never on its inputs): one allocation per term.
    """
    # errstate is thread-local, so it is set here; inf and NaN are reported by the caller
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _evaluate(expr, values)


def _evaluate(expr: Expr, values: Values) -> Array | float:
    total: Array | float = 0.0
    for term in expr:
        acc: Array | float = term.coef
        owned = False
        for name, exp in term.powers:
            v = values[name]
            v = v if exp == 1 else _power(v, exp)
            if owned:
                acc *= v
            else:
                acc = acc * v
                owned = isinstance(acc, np.ndarray)
        if isinstance(total, np.ndarray):
            total += acc
        elif isinstance(acc, np.ndarray):
            acc += total
            total = acc
        else:
            total = total + acc
    return total


def _power(value: Array | float, exp: float) -> Array | float:
    """value**exp on arrays or numbers (a number overflows to inf, as an array does)."""
    return value**exp if isinstance(value, np.ndarray) else power(value, exp)


def exact_stats(
    expr: Expr,
    quantities: Mapping[str, float | Range],
    correlations: Sequence[tuple[str, str, float]] = (),
) -> Stats | None:
    """Closed-form summary of a single product of lognormals and points, else None.

    Correlated lognormals stay exact: Var(log) = wᵀΣw over the log-sds w.
    """
    if len(expr) != 1:
        return None
    (term,) = expr
    if term.coef <= 0:
        return None
    mu, var = math.log(term.coef), 0.0
    weights: dict[str, float] = {}
    for name, exp in term.powers:
        q = quantities[name]
        if isinstance(q, Range):
            if q.dist != "lognormal":
                return None
            m, s = log_params(q)
            mu, var = mu + exp * m, var + (exp * s) ** 2
            weights[name] = exp * s
        else:
            mu += exp * math.log(q)
    for a, b, rho in correlations:
        if a in weights and b in weights:
            var += 2 * rho * weights[a] * weights[b]
    sd = math.sqrt(max(var, 0.0))
    return Stats(
        p5=exponential(mu - _Z95 * sd),
        median=exponential(mu),
        p95=exponential(mu + _Z95 * sd),
        mean=exponential(mu + var / 2),
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
    """np.percentile's 5th, 50th and 95th, bit for bit (`quantiles`: faster than numpy's at
    every size, and no copy of the whole sample), and the mean."""
    p5, median, p95 = quantiles(values, (0.05, 0.5, 0.95))
    with np.errstate(over="ignore"):  # a mean past float64 is inf, reported as an input error
        mean = float(values.mean())
    return Stats(float(p5), float(median), float(p95), mean)


class _Draws:
    """Lazily created streams, one per uncertain quantity; correlated ones through a copula."""

    def __init__(
        self,
        quantities: Mapping[str, float | Range],
        seed: int,
        where: Where = None,
        correlations: Sequence[tuple[str, str, float]] = (),
        stream_keys: Mapping[str, str] | None = None,
        *,
        samples: int = 0,
    ) -> None:
        """`samples`: all the run will draw (a run of one small chunk shares its draws)."""
        self.where = where
        self.samples = samples
        self.points = {k: v for k, v in quantities.items() if not isinstance(v, Range)}
        keys = stream_keys or {}
        streams = [
            Stream(k, v, seed, keys.get(k)) for k, v in quantities.items() if isinstance(v, Range)
        ]
        paths = check_correlations(quantities, correlations, where)
        self.copula = [s for s in streams if s.path in paths]
        self.streams = [s for s in streams if s.path not in paths]
        self.factor = np.eye(0)
        if self.copula:
            try:
                self.factor = correlation_factor([s.path for s in self.copula], correlations)
            except ValueError as exc:
                raise located(where, "correlations", str(exc)) from None

    def chunk(self, size: int) -> dict[str, Array | float]:
        values: dict[str, Array | float] = dict(self.points)
        if self.copula:
            scores = self.factor @ np.stack([s.normals(size) for s in self.copula])
            for stream, z in zip(self.copula, scores, strict=True):
                values[stream.path] = stream.from_normals(z)
        if size == self.samples <= SMALL_DRAWS:  # the whole run, small: shared draws
            drawn_all = [first_draws(s.path, s.dist, s.seed, s.key, size) for s in self.streams]
        else:
            drawn_all = parallel(lambda stream: stream.next(size), self.streams)
        for stream, drawn in zip(self.streams, drawn_all, strict=True):
            if stream.dist.dist == "normal" and not (drawn > 0).all():
                raise located(
                    self.where,
                    stream.path,
                    "a normal range drew values <= 0 for a quantity that must be positive; "
                    "use a lognormal range (the default) instead",
                )
            values[stream.path] = drawn
        return values


def check_correlations(
    quantities: Mapping[str, float | Range],
    correlations: Sequence[tuple[str, str, float]],
    where: Where = None,
) -> set[str]:
    """The correlated quantities: each named path must be an uncertain quantity, once a pair."""
    uncertain = sorted(k for k, v in quantities.items() if isinstance(v, Range))
    seen: set[frozenset[str]] = set()
    for i, (a, b, _) in enumerate(correlations):
        at = f"correlations.{i}"
        for path in (a, b):
            if path not in uncertain:
                close = difflib.get_close_matches(path, uncertain, n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"uncertain: {', '.join(uncertain) or 'none'}"
                )
                raise located(where, at, f"{path!r} is not an uncertain quantity here; {hint}")
        pair = frozenset((a, b))
        if len(pair) == 1:
            raise located(where, at, f"a quantity cannot be correlated with itself ({a!r})")
        if pair in seen:
            raise located(where, at, f"{a!r} and {b!r} are correlated twice")
        seen.add(pair)
    return {p for pair in seen for p in pair}


def draw_inputs(
    quantities: Mapping[str, float | Range],
    samples: int,
    seed: int,
    where: Where = None,
    *,
    correlations: Sequence[tuple[str, str, float]] = (),
    stream_keys: Mapping[str, str] | None = None,
) -> dict[str, Array | float]:
    """All input draws at once (for sensitivity and diff, which need the inputs)."""
    source = _Draws(quantities, seed, where, correlations, stream_keys, samples=samples)
    streams = len(source.streams) + len(source.copula)
    check_memory(samples * streams, f"{streams} uncertain inputs × {samples:,} samples")
    return source.chunk(samples)


def check_memory(values: int, what: str) -> int:
    """Refuse a run whose float64 arrays would not fit in MAX_DRAW_BYTES; the bytes it needs."""
    needed = values * 8
    if needed > MAX_DRAW_BYTES:
        raise InputError.at(
            "--samples",
            f"{what} need {needed / 1e9:.1f} GB of memory; "
            f"the limit is {MAX_DRAW_BYTES / 1024**3:.0f} GiB: use fewer samples",
        )
    return needed


Progress = Callable[[int, int, int], object]
"""Told (samples done, samples in all, bytes the run's arrays need) before the first chunk
and after each: the command line draws a progress bar from it; the engine never prints."""


def sampled_estimate(
    scenario: Scenario,
    model: Model,
    samples: int,
    seed: int,
    *,
    where: Where = None,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> Estimate:
    """Monte Carlo over `samples` draws in chunks of `chunk` (`run.estimate` sends here
    every scenario with an uncertain quantity)."""
    told = progress or _untold
    known = {k: e for k, e in model.outputs.items() if e is not None}
    source = _Draws(
        model.quantities, seed, where, model.correlations, model.stream_keys, samples=samples
    )
    streams = len(source.streams) + len(source.copula)
    # the draws of one chunk are streams × chunk values: bound them, whatever the streams
    chunk = max(1, min(chunk, DRAW_BUDGET // max(streams, 1)))
    head = min(samples, SHARE_SAMPLES)
    scaled = scaled_outputs(known, model.quantities)
    kept = [k for k in known if k not in scaled]
    needed = check_memory(
        samples * len(kept) + min(chunk, samples) * (streams + 2) + head * len(model.compute_parts),
        f"{len(kept)} outputs × {samples:,} samples",
    )
    told(0, samples, needed)
    in_parts = tuple(t for e in model.compute_parts.values() for t in e)
    derived = {"compute_flops"} if known.get("compute_flops") == in_parts else set()
    full = {k: np.empty(samples) for k in kept}
    inputs: dict[str, Array | float] = {}
    # a population's draws are only needed for its share of compute: keep the first `head`
    parts = {k: np.empty(head) for k in model.compute_parts}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, samples, chunk):
            size = min(chunk, samples - start)
            values = source.chunk(size)
            if size == samples:  # one chunk: the inputs are kept for sensitivity
                inputs = values
            jobs = [(e, full[k]) for k, e in known.items() if k in kept and k not in derived]

            def fill(job: tuple[Expr, Array], lo: int = start, n: int = size) -> None:
                job[1][lo : lo + n] = evaluate(job[0], values)  # noqa: B023

            parallel(fill, jobs)
            if derived or start < head:  # one population at a time: O(chunk) extra memory
                window = full["compute_flops"][start : start + size] if derived else None
                if window is not None:
                    window[:] = 0.0
                names = list(model.compute_parts)
                for first in range(0, len(names), PART_BATCH):  # a few at once, added in order
                    batch = names[first : first + PART_BATCH]
                    evaluated = parallel(
                        lambda name: evaluate(model.compute_parts[name], values),  # noqa: B023
                        batch,
                    )
                    for name, drawn in zip(batch, evaluated, strict=True):
                        part = np.broadcast_to(np.asarray(drawn, dtype=np.float64), (size,))
                        if window is not None:
                            window += part
                        if start < head:
                            parts[name][start : min(head, start + size)] = part[: head - start]
            told(start + size, samples, needed)
    draws = Draws(full, scaled)
    part_draws: dict[str, Array | float] = dict(parts)
    _all_finite(full, where, scenario)
    _scaled_finite(full, scaled, where, scenario)

    stats: dict[str, Stats | None] = dict.fromkeys(OUTPUTS)
    stats.update(_summaries(full, known, model, samples))
    compute = stats["compute_flops"]
    for name, factor in scaled.items():  # percentiles and the mean scale with the output
        assert compute is not None
        stats[name] = compute.times(factor)
    shares = _shares(part_draws, draws["compute_flops"])
    estimated = Estimate(scenario, model, samples, seed, stats, draws, shares, inputs=inputs)
    return finished(estimated, where)


def _summaries(
    full: Mapping[str, Array], known: Mapping[str, Expr], model: Model, samples: int
) -> dict[str, Stats]:
    """Each held output's summary: exact for a product of lognormals, else from its draws."""

    def summarise(item: tuple[str, Array]) -> Stats:
        name, drawn = item
        return exact_stats(known[name], model.quantities, model.correlations) or mc_stats(drawn)

    items = list(full.items())
    # each percentile takes a copy of its output: in parallel only while the copies are small
    together = samples * len(items) * 8 <= SUMMARY_BUDGET_BYTES
    found = parallel(summarise, items) if together else list(map(summarise, items))
    return dict(zip((name for name, _ in items), found, strict=True))


SUMMARY_BUDGET_BYTES = 512 * 1024**2
"""The copies the outputs' percentiles may take at once: under it they are taken in
parallel, above it (about 3e7 samples of two outputs) one output at a time."""


def _scaled_finite(
    held: Mapping[str, Array | float], scaled: Mapping[str, float], where: Where, s: Scenario
) -> None:
    """An output that is compute × c is finite where every compute sample times c is."""
    if not scaled:
        return
    compute = held["compute_flops"]
    largest = (
        abs(compute)
        if isinstance(compute, float)
        else max(abs(float(compute.max())), abs(float(compute.min())))
    )
    with np.errstate(over="ignore"):
        for name, factor in scaled.items():
            if not math.isfinite(largest * factor):
                raise not_finite(name, where, s)


def _untold(done: int, total: int, needed: int) -> None:
    """No one is told how far sampling is."""


def _all_finite(draws: Mapping[str, Array | float], where: Where, scenario: Scenario) -> None:
    for name, drawn in draws.items():
        finite = math.isfinite(drawn) if isinstance(drawn, float) else np.isfinite(drawn).all()
        if not finite:
            raise not_finite(name, where, scenario)


SHARE_SAMPLES = 200_000
"""The samples a population's median share of compute is taken over: the first 200,000.

A share is shown to 0.1%; the median of 200,000 ratios is within about 0.01% of the whole
set's, at a tenth of the cost for 2,000,000 samples (and the same for 200,000 or fewer)."""


def _head(values: Array | float) -> Array | float:
    return values[:SHARE_SAMPLES] if isinstance(values, np.ndarray) else values


def _shares(parts: Mapping[str, Array | float], total: Array | float) -> dict[str, float]:
    def share(values: Array | float) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.divide(_head(values), _head(total))
            found = median(ratio)  # np.median's, without the copy (nor numpy.ma, ~10 ms)
            return 0.0 if math.isnan(found) else found

    return dict(zip(parts, parallel(share, parts.values()), strict=True))


MIXTURE_STREAM = "mixture.component"
"""The path whose seeded stream picks each sample's component."""


def mixture_estimate(
    scenario: Scenario, parts: tuple[Estimate, ...], samples: int, seed: int, where: Where
) -> Estimate:
    """Each sample takes the outputs of one component (`parts`: each component's estimate,
    on the same samples and seed), drawn by weight from its own stream."""
    weights = np.array([c.weight for c in scenario.components], dtype=np.float64)
    weights /= weights.sum()
    uniform = Stream(MIXTURE_STREAM, Range(low=0, high=1, dist="uniform"), seed).next(samples)
    choice = np.minimum(np.searchsorted(np.cumsum(weights), uniform, side="right"), len(parts) - 1)
    draws: dict[str, Array | float] = {}
    stats: dict[str, Stats | None] = dict.fromkeys(OUTPUTS)
    for name in OUTPUTS:
        each = [p.draws.get(name) for p in parts]
        if any(d is None for d in each):
            continue  # an output is known for a mixture only where every component knows it
        arrays = [np.broadcast_to(np.asarray(d, dtype=np.float64), (samples,)) for d in each]
        mixed = (
            np.choose(choice, arrays)
            if len(arrays) <= 32
            else np.stack(arrays)[choice, np.arange(samples)]
        )
        draws[name] = mixed
        stats[name] = mc_stats(mixed)
    # one lifetime is the mixture's own: its compute × its training.seconds
    given = scenario.training.seconds
    seconds: Array | float | None = None
    if isinstance(given, Range):
        seconds = Stream("training.seconds", given, seed).next(samples)
    elif not isinstance(given, VarRef):
        seconds = given
    if seconds is not None and "compute_flops" in draws:
        draws["lifetime_flop"] = np.asarray(draws["compute_flops"]) * seconds
        stats["lifetime_flop"] = mc_stats(np.asarray(draws["lifetime_flop"]))
    names = [f"{c.scenario}" for c in scenario.components]
    shares = {n: float(np.mean(choice == i)) for i, n in enumerate(names)}
    model = Model({}, dict.fromkeys(OUTPUTS), {}, ())
    result = Estimate(scenario, model, samples, seed, stats, draws, shares, parts, choice)
    return finished(result, where)
