"""What every estimate is, and the estimate of a scenario without uncertainty.

A scenario whose quantities are all numbers is evaluated here in plain Python floats
(the same IEEE arithmetic numpy does on float64): it never imports numpy nor starts a
thread, so `brainflops estimate dettmers-2015` starts as fast as the command line can.
Anything uncertain goes to the Monte Carlo engine (`engine.evaluate`, numpy); `engine.run`
sends each scenario to one or the other.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from brainflops.engine.expr import Expr, Model, scale_of
from brainflops.engine.floats import power
from brainflops.errors import InputError
from brainflops.io.yaml import Document
from brainflops.model.quantity import Range, point
from brainflops.model.scenario import OUTPUTS, Scenario

if TYPE_CHECKING:
    from brainflops.engine.sampling import Array

CHUNK = 2**18
"""Samples drawn and evaluated at a time: about 2 MB an array, so that a chunk's arrays stay
in the caches and a run touches little fresh memory (the kernel zeroes every new page)."""
MAX_SAMPLES = 50_000_000
MAX_SEED = 2**63 - 1

Values = Mapping[str, "Array | float"]
Where = Document | str | None


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

    @property
    def finite(self) -> bool:
        """Every percentile and the mean is a finite number (none overflowed float64)."""
        return all(map(math.isfinite, (self.p5, self.median, self.p95, self.mean)))

    def times(self, factor: float) -> Stats:
        """The summary of the output × a positive constant: percentiles and mean scale."""
        p5, median, p95, mean = (v * factor for v in (self.p5, self.median, self.p95, self.mean))
        return Stats(p5, median, p95, mean, self.exact)

    def over(self, divisor: float) -> Stats:
        """The summary of the output ÷ a positive constant (a ratio to a machine)."""
        p5, median, p95, mean = (v / divisor for v in (self.p5, self.median, self.p95, self.mean))
        return Stats(p5, median, p95, mean, self.exact)


class Draws(Mapping[str, "Array | float"]):
    """An estimate's samples by output. An output that is compute times a constant (one
    lifetime: compute × training.seconds) is computed when asked for, not held: at 5e7
    samples each held output is 400 MB."""

    def __init__(self, held: Mapping[str, Array | float], scaled: Mapping[str, float]) -> None:
        self._held = dict(held)
        self._scaled = dict(scaled)

    def __getitem__(self, name: str) -> Array | float:
        if name in self._scaled:
            return self._held["compute_flops"] * self._scaled[name]
        return self._held[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._held
        yield from (name for name in self._scaled if name not in self._held)

    def __len__(self) -> int:
        return len(self._held.keys() | self._scaled.keys())


@dataclass(frozen=True)
class Estimate:
    """Every output of one scenario, as samples and as summaries."""

    scenario: Scenario
    model: Model
    samples: int
    seed: int
    stats: dict[str, Stats | None]
    draws: Mapping[str, Array | float] = field(repr=False)
    """The samples of every known output (a float where the output has no uncertainty)."""
    compute_shares: dict[str, float] = field(default_factory=dict)
    """Each population's median share of compute_flops (a mixture: each component's weight)."""
    components: tuple[Estimate, ...] = field(default=(), repr=False)
    """A mixture's components, each estimated on the same seed."""
    choice: Array | None = field(default=None, repr=False)
    """A mixture: the component each sample drew."""
    inputs: Mapping[str, Array | float] = field(default_factory=dict, repr=False)
    """Every quantity's draws, when the run drew them in one chunk (sensitivity reads
    them instead of drawing them again); empty otherwise."""

    @property
    def uncertain(self) -> bool:
        if self.components:
            return len(self.components) > 1 or self.components[0].uncertain
        return any(isinstance(q, Range) for q in self.model.quantities.values())

    def factor_medians(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for path, q in self.model.quantities.items():
            if path.startswith("factors.") and not path.endswith((".memory", ".communication")):
                out[path.removesuffix(".compute")] = point(q)
        return out


def check_run(samples: int, seed: int) -> None:
    """The run's own settings, refused before anything is drawn."""
    if not 1 <= samples <= MAX_SAMPLES:
        raise InputError.at("--samples", f"must be between 1 and {MAX_SAMPLES:,} (got {samples})")
    if not 0 <= seed <= MAX_SEED:
        raise InputError.at("--seed", f"must be between 0 and 2**63 - 1 (got {seed})")


def located(where: Where, quantity: str, message: str) -> InputError:
    """An error about one quantity, at its line in the file when the document is known."""
    if isinstance(where, Document):
        _, pos = where.locate(tuple(quantity.split(".")))
        if pos is not None:
            return InputError.at(pos.file, f"{quantity}: {message}", pos.line, pos.col)
        return InputError.at(where.path, f"{quantity}: {message}")
    return InputError.at(where or quantity, f"{quantity}: {message}" if where else message)


def _shown(where: Where, scenario: Scenario) -> str:
    if isinstance(where, Document):
        return where.path
    return where or scenario.name


def evaluate_numbers(expr: Expr, values: Mapping[str, float]) -> float:
    """Σ coef × Π value^exponent on plain floats: overflow gives inf, as numpy does."""
    total = 0.0
    for term in expr:
        acc = term.coef
        for name, exp in term.powers:
            v = values[name]
            acc = acc * (v if exp == 1 else power(v, exp))
        total = total + acc
    return total


def point_estimate(
    scenario: Scenario, model: Model, samples: int, seed: int, where: Where
) -> Estimate:
    values = {k: v for k, v in model.quantities.items() if not isinstance(v, Range)}
    known = {k: e for k, e in model.outputs.items() if e is not None}
    numbers = {k: evaluate_numbers(e, values) for k, e in known.items()}
    for name, number in numbers.items():
        if not math.isfinite(number):
            raise not_finite(name, where, scenario)
    stats: dict[str, Stats | None] = dict.fromkeys(OUTPUTS)
    stats.update({k: Stats(v, v, v, v, exact=True) for k, v in numbers.items()})
    total = numbers["compute_flops"]
    shares = {
        k: (evaluate_numbers(e, values) / total if total else 0.0)
        for k, e in model.compute_parts.items()
    }
    draws: dict[str, Array | float] = dict(numbers)
    return finished(Estimate(scenario, model, samples, seed, stats, draws, shares), where)


def not_finite(name: str, where: Where, scenario: Scenario) -> InputError:
    return InputError.at(
        _shown(where, scenario),
        f"{name} is not a finite number (it overflows float64 or is undefined); "
        "check the magnitudes of its inputs",
    )


def scaled_outputs(
    known: Mapping[str, Expr], quantities: Mapping[str, float | Range] | None = None
) -> dict[str, float]:
    """The outputs that are compute times a positive constant, with that constant (fixed
    `quantities` count as constants)."""
    compute = known.get("compute_flops")
    if compute is None:
        return {}
    found = {k: scale_of(e, compute, quantities) for k, e in known.items() if k != "compute_flops"}
    return {k: c for k, c in found.items() if c is not None}


def finished(est: Estimate, where: Where) -> Estimate:
    """The estimate, once no summary overflows (a mean past float64 is an input error)."""
    for name, summary in est.stats.items():
        if summary is not None and not summary.finite:
            raise InputError.at(
                _shown(where, est.scenario),
                f"{name}: its mean or percentiles overflow float64 (a range too wide for "
                "its magnitude?); narrow the ranges",
            )
    return est
