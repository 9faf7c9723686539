"""Draws: every uncertain quantity is drawn once, as one array, from a seeded stream.

Each quantity has its own stream, keyed by the seed and its dotted path. Two scenarios that
share a quantity therefore share its draws (common random numbers for `diff`), adding a
quantity never changes the draws of the others, and drawing in chunks gives the same numbers
as drawing at once.
"""

from __future__ import annotations

import hashlib
import math
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from brainflops.model.quantity import Range

Array = NDArray[np.float64]


def z_of(ci: float) -> float:
    """The standard normal quantile that bounds a central `ci` percent interval."""
    return NormalDist().inv_cdf(0.5 + ci / 200)


def log_params(r: Range) -> tuple[float, float]:
    """(mean, sd) of ln X for a lognormal range."""
    lo, hi = math.log(r.low), math.log(r.high)
    return (lo + hi) / 2, (hi - lo) / (2 * z_of(r.ci))


def _stream_key(path: str) -> int:
    return int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "little")


class Stream:
    """The draws of one quantity, produced chunk after chunk in a fixed order."""

    def __init__(self, path: str, dist: Range, seed: int) -> None:
        self.path = path
        self.dist = dist
        seq = np.random.SeedSequence(entropy=seed, spawn_key=(_stream_key(path),))
        self._rng = np.random.Generator(np.random.PCG64(seq))

    def next(self, size: int) -> Array:
        with np.errstate(over="ignore"):  # thread-local; overflow is reported by the engine
            return self._draw(size)

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
            sigma = (r.high - r.low) / (2 * z_of(r.ci))
            out = rng.standard_normal(size)
            out *= sigma
            out += (r.low + r.high) / 2
            return out
        u = rng.random(size)
        if r.dist == "uniform":
            return r.low + (r.high - r.low) * u
        lo, hi = math.log(r.low), math.log(r.high)
        u *= hi - lo
        u += lo
        return np.exp(u, out=u)
