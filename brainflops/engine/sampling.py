"""Draws: every uncertain quantity is drawn once, as one array, from a seeded stream.

Each quantity has its own stream, keyed by the seed and its dotted path. Two scenarios that
share a quantity therefore share its draws (common random numbers for `diff`), adding a
quantity never changes the draws of the others, and drawing in chunks gives the same numbers
as drawing at once.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from brainflops.model.quantity import Range, midpoint

Array = NDArray[np.float64]


def z_of(ci: float) -> float:
    """The standard normal quantile that bounds a central `ci` percent interval."""
    return NormalDist().inv_cdf(0.5 + ci / 200)


def log_params(r: Range) -> tuple[float, float]:
    """(mean, sd) of ln X for a lognormal range."""
    lo, hi = math.log(r.low), math.log(r.high)
    return (lo + hi) / 2, (hi - lo) / (2 * z_of(r.ci))


def _normal_params(r: Range) -> tuple[float, float]:
    return midpoint(r.low, r.high), (r.high - r.low) / (2 * z_of(r.ci))


def normal_cdf(z: Array) -> Array:
    """Φ(z), to about 1e-7 (Abramowitz & Stegun 7.1.26 for erf), vectorised."""
    x = np.abs(z) / math.sqrt(2)
    t = 1 / (1 + 0.3275911 * x)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1 - poly * np.exp(-x * x)
    result: Array = 0.5 * (1 + np.sign(z) * erf)
    return result


def correlation_factor(
    paths: Sequence[str], correlations: Sequence[tuple[str, str, float]]
) -> Array:
    """The Cholesky factor L of the correlation matrix over `paths` (ValueError if it is not
    positive definite): z' = L z correlates independent normal scores z."""
    index = {p: i for i, p in enumerate(paths)}
    matrix = np.eye(len(paths))
    for a, b, rho in correlations:
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = rho
    try:
        factor: Array = np.linalg.cholesky(matrix).astype(np.float64)
    except np.linalg.LinAlgError:
        raise ValueError(
            "the correlations are not positive definite (no joint distribution has them); "
            "weaken some of them"
        ) from None
    return factor


def _stream_key(path: str) -> int:
    return int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "little")


class Stream:
    """The draws of one quantity, produced chunk after chunk in a fixed order."""

    def __init__(self, path: str, dist: Range, seed: int, key: str | None = None) -> None:
        """`key`: the path whose stream it draws (default `path`; a shared quantity draws
        the stream of its first use)."""
        self.path = path
        self.dist = dist
        self.seed = seed
        self.key = key or path

    @cached_property
    def _rng(self) -> np.random.Generator:
        """Made on the first draw (a sweep's small estimates often take theirs from
        `first_draws` instead: making a generator costs more than 1,000 draws)."""
        seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(_stream_key(self.key),))
        return np.random.Generator(np.random.PCG64(seq))

    def next(self, size: int) -> Array:
        with np.errstate(over="ignore"):  # thread-local; overflow is reported by the engine
            return self._draw(size)

    def normals(self, size: int) -> Array:
        """This quantity's own standard normal scores (for a copula)."""
        return self._rng.standard_normal(size)

    def from_normals(self, z: Array) -> Array:
        """The quantity at normal scores z: its quantile function at Φ(z).

        For lognormal ranges this is the same arithmetic as `next`, so a quantity in a
        correlation of 0 draws exactly what it draws uncorrelated.
        """
        r = self.dist
        with np.errstate(over="ignore"):
            if r.dist in ("lognormal", "normal"):
                mu, sigma = log_params(r) if r.dist == "lognormal" else _normal_params(r)
                out = z * sigma + mu
                return np.exp(out) if r.dist == "lognormal" else out
            if r.dist == "split_lognormal":
                assert r.p50 is not None
                zz = z_of(90.0)
                below, above = math.log(r.p50 / r.low) / zz, math.log(r.high / r.p50) / zz
                return np.exp(math.log(r.p50) + z * np.where(z < 0, below, above))
            u = normal_cdf(z)
            if r.dist == "uniform":
                return r.low + (r.high - r.low) * u
            lo, hi = math.log(r.low), math.log(r.high)
            return np.exp(lo + (hi - lo) * u)

    def _draw(self, size: int) -> Array:
        r, rng = self.dist, self._rng
        if r.dist == "lognormal":
            mu, sigma = log_params(r)
            out = rng.standard_normal(size)
            out *= sigma
            out += mu
            return np.exp(out, out=out)
        if r.dist == "split_lognormal":
            assert r.p50 is not None
            z = z_of(90.0)
            below, above = math.log(r.p50 / r.low) / z, math.log(r.high / r.p50) / z
            out = rng.standard_normal(size)
            out *= np.where(out < 0, below, above)
            out += math.log(r.p50)
            return np.exp(out, out=out)
        if r.dist == "normal":
            mean, sigma = _normal_params(r)
            out = rng.standard_normal(size)
            out *= sigma
            out += mean
            return out
        u = rng.random(size)
        if r.dist == "uniform":
            return r.low + (r.high - r.low) * u
        lo, hi = math.log(r.low), math.log(r.high)
        u *= hi - lo
        u += lo
        return np.exp(u, out=u)


SMALL_DRAWS = 10_000
"""Up to this many samples, a stream's first draws are kept (read-only) and shared by every
estimate that asks for the same ones: a sweep's points draw the same numbers again."""


@lru_cache(maxsize=256)
def first_draws(path: str, dist: Range, seed: int, key: str, size: int) -> Array:
    """The first `size` draws of a stream (size <= SMALL_DRAWS), computed once, read-only."""
    drawn = Stream(path, dist, seed, key).next(size)
    drawn.flags.writeable = False
    return drawn


def quantile_of(r: Range, q: float) -> float:
    """The q-quantile (0 < q < 1) of a range's distribution: the same quantile function
    the draws follow (`Stream.from_normals`), exactly for every kind."""
    z = NormalDist().inv_cdf(q)
    if r.dist == "lognormal":
        mu, sigma = log_params(r)
        return math.exp(mu + z * sigma)
    if r.dist == "normal":
        mu, sigma = _normal_params(r)
        return mu + z * sigma
    if r.dist == "split_lognormal":
        assert r.p50 is not None
        zz = z_of(90.0)
        spread = math.log((r.p50 / r.low) if z < 0 else (r.high / r.p50)) / zz
        return math.exp(math.log(r.p50) + z * spread)
    if r.dist == "uniform":
        return r.low + (r.high - r.low) * q
    lo, hi = math.log(r.low), math.log(r.high)
    return math.exp(lo + (hi - lo) * q)


def quantiles_of_sorted(values: Array, fractions: Sequence[float]) -> list[float]:
    """`np.quantile(values, fractions)` of an ascending array, bit for bit, without the
    partition numpy does first (a report takes a dozen quantiles of each sorted sample)."""
    n = _checked(values, fractions)
    if math.isnan(float(values[-1])):  # numpy sorts NaN last and then answers NaN
        return [math.nan for _ in fractions]
    return _interpolated(n, fractions, values.item)


def quantiles(values: Array, fractions: Sequence[float]) -> list[float]:
    """`np.quantile(values, fractions)` of any array, bit for bit, two to three times faster
    for large samples: only the order statistics the quantiles need are found
    (`order_statistics`), not a partition of the whole sample around each."""
    n = _checked(values, fractions)
    if math.isnan(float(values.max())):  # numpy answers NaN
        return [math.nan for _ in fractions]
    ranks = _ranks(n, fractions)
    found = dict(zip(ranks, order_statistics(values, ranks), strict=True))
    return _interpolated(n, fractions, found.__getitem__)


def _checked(values: Array, fractions: Sequence[float]) -> int:
    n = int(values.shape[0])
    if n == 0 or not all(0 <= q <= 1 for q in fractions):
        raise ValueError("quantiles in [0, 1] of a sample of at least one value")
    return n


def _ranks(n: int, fractions: Sequence[float]) -> list[int]:
    """The order statistics (0-based ranks) that `fractions` interpolate between."""
    below = (min(math.floor((n - 1) * q), n - 1) for q in fractions)
    return sorted({k for b in below for k in (b, min(b + 1, n - 1))})


def _interpolated(n: int, fractions: Sequence[float], at: Callable[[int], float]) -> list[float]:
    """numpy's default ("linear") method: the virtual index (n - 1) × q between two order
    statistics a ≤ b, weight g = its fractional part, then a + (b - a) × g, or from the
    other end, b - (b - a) × (1 - g), when g ≥ 0.5. Python floats round as float64 does.
    """
    out: list[float] = []
    for q in fractions:
        virtual = (n - 1) * q
        if virtual >= n - 1:  # numpy takes the last value as both ends, index -1
            low = high = at(n - 1)
            weight = virtual + 1
        else:
            below = math.floor(virtual)
            low, high = at(below), at(below + 1)
            weight = virtual - below
        step = high - low
        out.append(high - step * (1 - weight) if weight >= 0.5 else low + step * weight)
    return out


SELECT_FROM = 4096
"""From this many values, `order_statistics` selects through a pilot sample; below, one
partition is as fast."""


def order_statistics(values: Array, ranks: Sequence[int]) -> list[float]:
    """The k-th smallest of `values` for each k of `ranks` (ascending, no NaN in `values`).

    A strided pilot of 8 √n values (at least 1,024) brackets each rank (or run of adjacent
    ranks) between two of its values, five standard errors of the rank either side; the
    values in the bracket are partitioned, and the values below it only counted. Exact whatever the
    pilot: if a bracket misses its rank, that rank is found in all the values.
    """
    n = int(values.shape[0])
    if n < SELECT_FROM:
        part = np.partition(values, list(ranks))
        return [float(part[k]) for k in ranks]
    pilot = np.sort(values[:: n // max(1024, int(8 * math.sqrt(n)))])
    last = pilot.shape[0] - 1
    found: dict[int, float] = {}
    for group in _runs(ranks):
        q = group[0] / (n - 1)
        centre, margin = q * last, 5 * math.sqrt(last * q * (1 - q)) + 4
        lo, hi = math.floor(centre - margin), math.ceil(centre + margin) + 1
        below_lo = values < pilot[lo] if lo >= 0 else None
        upto_hi = values <= pilot[hi] if hi <= last else None
        below = 0 if below_lo is None else int(np.count_nonzero(below_lo))
        if below_lo is None:
            inside = values if upto_hi is None else values[upto_hi]
        else:  # below lo is a subset of up to hi: the values between are their difference
            inside = values[~below_lo] if upto_hi is None else values[upto_hi ^ below_lo]
        local = [k - below for k in group]
        if local[0] < 0 or local[-1] >= inside.shape[0]:
            inside, local = values, list(group)
        part = np.partition(inside, local)
        found.update((k, float(part[j])) for k, j in zip(group, local, strict=True))
    return [found[k] for k in ranks]


def _runs(ranks: Sequence[int]) -> list[list[int]]:
    """Ranks in runs of neighbours (a quantile's two order statistics share a bracket)."""
    runs: list[list[int]] = []
    for k in ranks:
        if runs and k - runs[-1][0] <= 2:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def median(values: Array) -> float:
    """`np.median(values)` of any array, bit for bit, from its middle order statistics."""
    middle = _middle_ranks(values)
    if math.isnan(float(values.max())):
        return math.nan
    return _median(order_statistics(values, middle))


def median_of_sorted(values: Array) -> float:
    """`np.median(values)` of an ascending array, bit for bit."""
    middle = _middle_ranks(values)
    if math.isnan(float(values[-1])):
        return math.nan
    return _median([values.item(k) for k in middle])


def _middle_ranks(values: Array) -> list[int]:
    n = int(values.shape[0])
    if n == 0:
        raise ValueError("the median of an empty sample")
    return [n // 2] if n % 2 else [n // 2 - 1, n // 2]


def _median(middle: list[float]) -> float:
    """The middle value, or the mean of the middle two, (a + b) / 2, as numpy's mean takes it."""
    return middle[0] if len(middle) == 1 else (middle[0] + middle[1]) / 2
