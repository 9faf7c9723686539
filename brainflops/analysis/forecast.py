"""Forecasts as distributions over paths: a random walk with drift of log10 of a series.

Farmer & Lafond (2016), "How predictable is technological progress?", Research Policy
45:647-665 (https://doi.org/10.1016/j.respol.2015.11.001): log10 of a technology's figure
follows a random walk with drift; the drift, estimated from a window of T years, carries its
own error, so the forecast error at h years has variance K²(h + h²/T). Each path draws its
drift from that error and its steps from K², one step per TOP500 list; a parity year is the
first list at which a path reaches a brain draw, so the trend's uncertainty and the brain's
both reach the years.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from brainflops.engine.sampling import Array
from brainflops.errors import InputError

AnyArray = np.ndarray[Any, Any]
"""float32 paths and integer indices (Array is float64)."""

HORIZON_YEAR = 2200
"""Paths run to the last list of this year; a year past it is ">2200", not a date."""
PATHS = 2_000
"""Paths per forecast. Brain draw j is paired with path j mod PATHS (and with every path
when there are fewer draws), so P(parity by a year) carries a path sampling error of at
most 1.1 percentage points (one standard error at p = 0.5)."""
VARIANCE_LAG_YEARS = 2.0
"""K² comes from differences this many years apart ("two-year differences"): on the TOP500
#1 the list-to-list steps of a new #1 arriving and then holding are anti-correlated, and
their plain variance made 90% intervals cover 98% of outcomes (docs/forecasts.md)."""
LOG10_2 = math.log10(2.0)


def list_dates(after: float, until: float = HORIZON_YEAR + 0.87) -> Array:
    """The TOP500 list dates (June = +0.46, November = +0.87) after `after`, to `until`."""
    first = math.floor(after)
    years = np.arange(first, math.floor(until) + 1, dtype=np.float64)
    dates = np.sort(np.concatenate((years + 0.46, years + 0.87)))
    return dates[(dates > after + 1e-9) & (dates <= until + 1e-9)]


@dataclass(frozen=True)
class Walk:
    """log10 of a series as a random walk with drift, fitted over a window."""

    start_year: float
    """The newest observation, where every path starts."""
    start_log10: float
    drift_per_year: float
    """Mean growth of log10 per year (the mean step, per year of the window)."""
    drift_se: float
    """The drift's standard error: K / sqrt(window_years)."""
    k2_per_year: float
    """The step variance per year (K²)."""
    window_years: float
    points: int
    lag: int = 1
    """K² from differences this many points apart."""

    @property
    def doubling_years(self) -> float:
        return LOG10_2 / self.drift_per_year if self.drift_per_year > 0 else math.inf

    def doubling_interval(self) -> tuple[float, float]:
        """The 90% interval of the doubling time from the drift's standard error."""
        fast = self.drift_per_year + 1.6448536269514722 * self.drift_se
        slow = self.drift_per_year - 1.6448536269514722 * self.drift_se
        return LOG10_2 / fast, (LOG10_2 / slow if slow > 0 else math.inf)

    def error_sd(self, horizon_years: float | Array) -> float | Array:
        """The forecast error's standard deviation at a horizon: K·sqrt(h + h²/T)."""
        h = np.asarray(horizon_years, dtype=np.float64)
        sd: Array = np.sqrt(self.k2_per_year * (h + h * h / self.window_years))
        return float(sd) if sd.ndim == 0 else sd


def fit_walk(
    years: Sequence[float] | Array,
    log10_values: Sequence[float] | Array,
    *,
    lag_years: float | None = VARIANCE_LAG_YEARS,
    start: tuple[float, float] | None = None,
) -> Walk:
    """The walk of a series observed at `years` (increasing), from the whole of it.

    The drift is the mean step per year, (last - first) / T, the walk's own estimate;
    K² is the mean squared deviation of differences `lag_years` apart (None: of single
    steps) from the drift, per year, made unbiased for a drift estimated from the same span.
    `start`: (year, log10 value) where paths start, by default the last point.
    """
    t = np.asarray(years, dtype=np.float64)
    y = np.asarray(log10_values, dtype=np.float64)
    if t.size < 3:
        raise InputError.at("projection", f"a trend needs at least 3 lists (got {t.size})")
    span = float(t[-1] - t[0])
    if span <= 0:
        raise InputError.at("projection", "a trend needs lists of at least 2 different dates")
    drift = float(y[-1] - y[0]) / span
    step = span / (t.size - 1)
    lag = 1 if lag_years is None else max(1, round(lag_years / step))
    lag = min(lag, t.size - 2)  # at least two differences to estimate a variance from
    gaps = t[lag:] - t[:-lag]
    rises = y[lag:] - y[:-lag]
    spread = (rises - drift * gaps) ** 2 / np.where(gaps > 0, gaps, np.inf)
    # E[(rise - drift·gap)² / gap] = K² (1 - gap / T) when the drift comes from the same
    # span: dividing by the sum of those factors is unbiased (n - 1 for single steps)
    k2 = float(spread.sum()) / max(float(np.sum(1 - gaps / span)), 1e-9)
    begin = (float(t[-1]), float(y[-1])) if start is None else start
    return Walk(
        start_year=begin[0],
        start_log10=begin[1],
        drift_per_year=drift,
        drift_se=math.sqrt(k2 / span),
        k2_per_year=k2,
        window_years=span,
        points=int(t.size),
        lag=lag,
    )


def stream(seed: int, *key: str) -> np.random.Generator:
    """A generator of its own for each forecast: the same seed and key give the same paths,
    whatever else runs (common random numbers across projections of one series)."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in key)])


@dataclass(frozen=True)
class Shape:
    """What bends a walk: a slower drift after a date, and a cap.

    The cap (log10) at year t is min(cap_at_0 + cap_growth_per_year × t, cap_max): a budget
    times an efficiency that grows on its trend up to a bound, and the physical limit.
    """

    slow_after: float = math.inf
    """From this year on, the drift is `slow_drift_per_year` (a fabrication limit)."""
    slow_drift_per_year: float = 0.0
    cap_at_0: float = math.inf
    cap_growth_per_year: float = 0.0
    cap_max: float = math.inf

    def cap(self, dates: Array) -> Array:
        line = (
            self.cap_at_0 + self.cap_growth_per_year * dates
            if math.isfinite(self.cap_at_0)
            else np.full(dates.shape, math.inf)
        )
        capped: Array = np.minimum(line, self.cap_max)
        return capped


def simulate(
    walk: Walk, dates: Array, paths: int, rng: np.random.Generator, shape: Shape = Shape()
) -> Array:
    """log10 of each path (rows) at each date (columns), float32.

    Steps scale with the time between dates, so the first step (from the newest observation
    to the next list) may be short. A cap clips the walk where it would pass it, and the
    walk continues from the cap, per step.
    """
    noise, drift = _noise_and_drift(walk, rng, paths, dates.size)
    return shaped(walk, dates, wander(walk, dates, noise), drift, shape)


def _noise_and_drift(
    walk: Walk, rng: np.random.Generator, paths: int, steps: int
) -> tuple[AnyArray, Array]:
    """Each path's standard normal steps, then its drift (the estimate plus its error)."""
    noise = rng.standard_normal((paths, steps), dtype=np.float32)
    return noise, walk.drift_per_year + walk.drift_se * rng.standard_normal(paths)


def wander(walk: Walk, dates: Array, noise: AnyArray) -> AnyArray:
    """The paths' noise summed step by step (no drift): K·sqrt(gap) per step, float32."""
    gaps = np.diff(np.concatenate(([walk.start_year], dates)))
    steps = noise * np.sqrt(walk.k2_per_year * gaps).astype(np.float32)
    summed: AnyArray = np.cumsum(steps, axis=1, out=steps)
    return summed


def shaped(walk: Walk, dates: Array, wandered: AnyArray, drift: Array, shape: Shape) -> AnyArray:
    """The paths from their summed noise (`wander`) and drifts, bent by `shape`."""
    start = walk.start_year
    fast_until = np.minimum(dates, max(shape.slow_after, start)) - start
    free: AnyArray = np.multiply.outer(drift.astype(np.float32), fast_until.astype(np.float32))
    slow = np.maximum(dates - max(shape.slow_after, start), 0.0) * shape.slow_drift_per_year
    free += (slow + walk.start_log10).astype(np.float32)
    free += wandered
    cap = shape.cap(dates).astype(np.float32)
    if float(free.max()) <= float(cap.min()):
        return free
    # Z_k = S_k - max(0, max_{j<=k}(S_j - C_j)): the walk held at a (moving) cap each step
    over = free - cap
    np.maximum.accumulate(over, axis=1, out=over)
    np.maximum(over, 0.0, out=over)
    free -= over
    return free


@dataclass(frozen=True, eq=False)
class PathSet:
    """The paths of one forecast, as the running best of each (first passages read off it)."""

    dates: Array
    best: Array
    """Running maximum of each path, flattened row after row with row i offset by
    i × OFFSET so that one sorted search finds every path's first passage."""
    paths: int
    values: Array
    """log10 of each path at each date (rows: paths), float32."""

    OFFSET = 1e3  # clipped to ±250 (the physical limit is 10^37.8): rows never overlap

    @classmethod
    def of(cls, values: Array, dates: Array) -> PathSet:
        best = cls.running_best(values)
        best += (np.arange(values.shape[0], dtype=np.float64) * cls.OFFSET)[:, None]
        return cls(dates, best.ravel(), values.shape[0], values)

    @classmethod
    def running_best(cls, values: Array, dtype: type[np.floating[Any]] = np.float64) -> Array:
        """Each path's running maximum (rows: paths), within ±OFFSET/4 so that rows offset
        by OFFSET never overlap (a real series stays far inside: the physical limit is
        10^37.8). float64 for the offsets; the paths' own float32 holds the same values."""
        best: Array = np.maximum.accumulate(values, axis=1).astype(dtype, copy=False)
        # a row's lowest value is its first, its highest its last
        if best[:, 0].min() < -cls.OFFSET / 4 or best[:, -1].max() > cls.OFFSET / 4:
            np.clip(best, -cls.OFFSET / 4, cls.OFFSET / 4, out=best)
        return best

    def first_passage(self, targets_log10: Array, rows: AnyArray) -> AnyArray:
        """The index of the first list date at which path `rows[j]` reaches target j;
        `dates.size` if it does not by the horizon."""
        targets = np.asarray(targets_log10, dtype=np.float64)
        steps = self.dates.size
        where = np.searchsorted(self.best, targets + rows * self.OFFSET, side="left")
        where -= rows * steps
        found: AnyArray = np.minimum(where, steps)
        return found

    def passage_counts(self, targets_log10: Array, first_pair: int) -> AnyArray:
        """How many of the pairs first_pair, first_pair + 1, ... (target j on path j mod
        paths) pass at each list date; the last count: not by the horizon.

        Only the counts are needed, not which pair passed when, so the pairs are taken row
        by row: ascending targets then make one sorted search (about twice as fast). The
        pairs fill a grid of whole rounds of the paths; the places before the first pair
        and after the last hold a target below every value of their path (counted as
        passing at once) or above every one (never), and those counts are taken off."""
        targets = np.asarray(targets_log10, dtype=np.float64)
        steps = self.dates.size
        if targets.size < self.paths:  # fewer pairs than paths: each on a path of its own
            rows = (first_pair + np.arange(targets.size)) % self.paths
            few: AnyArray = np.bincount(self.first_passage(targets, rows), minlength=steps + 1)
            return few
        lead = first_pair % self.paths
        rounds = -(-(lead + targets.size) // self.paths)
        trail = rounds * self.paths - lead - targets.size
        grid = np.empty(rounds * self.paths)
        grid[:lead] = -self.OFFSET / 2  # rows never reach below -OFFSET/4 (running_best)
        grid[lead : lead + targets.size] = targets
        grid[grid.size - trail :] = self.OFFSET / 2  # nor above +OFFSET/4
        row = np.arange(self.paths)[:, None]
        by_row = grid.reshape(rounds, self.paths).T + row * self.OFFSET  # ascending, row by row
        where = np.searchsorted(self.best, by_row.ravel(), side="left").reshape(by_row.shape)
        where -= row * steps
        np.minimum(where, steps, out=where)
        counts: AnyArray = np.bincount(where.ravel(), minlength=steps + 1)
        counts[0] -= lead
        counts[-1] -= trail
        return counts

    def bands(self, quantiles: Sequence[float], until: float = math.inf) -> Array:
        """Quantiles of log10 across paths at each date to `until` (rows: quantiles)."""
        shown = self.values[:, self.dates <= until]
        return np.quantile(shown, quantiles, axis=0)


@lru_cache(maxsize=8)
def _draws(walk: Walk, seed: int, key: str, until: float) -> tuple[Array, Array, Array]:
    """The dates, each path's summed noise and each path's drift: shared by every
    projection of one series and window (common random numbers: they differ only in what
    bends them)."""
    dates = list_dates(walk.start_year, until)
    if dates.size == 0:
        raise InputError.at(key, f"the series already reaches past {until:.0f}")
    noise, drift = _noise_and_drift(walk, stream(seed, key), PATHS, dates.size)
    return dates, wander(walk, dates, noise), drift


@lru_cache(maxsize=32)
def path_set(walk: Walk, shape: Shape, seed: int, key: str, until: float) -> PathSet:
    """The paths of a walk (cached: a report's scenarios share each projection's paths)."""
    dates, wandered, drift = _draws(walk, seed, key, until)
    return PathSet.of(shaped(walk, dates, wandered, drift, shape), dates)
