"""Every output as a sum of products of named quantities.

One representation serves both evaluators: Monte Carlo evaluates the terms on arrays of
samples, and when an output is a single product of lognormals and points its percentiles,
mean and variance shares follow in closed form (log-space means and variances add).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from brainflops.engine.floats import power
from brainflops.model.quantity import Range, VarRef
from brainflops.model.scenario import FactorSpec, Functional, Population, Scenario

BOLTZMANN_J_PER_K = 1.380649e-23
"""Exact by the 2019 SI definition."""


@dataclass(frozen=True)
class Term:
    """coef × Π quantity^exponent."""

    coef: float
    powers: tuple[tuple[str, float], ...] = ()

    def times(self, other: Term) -> Term:
        if not other.powers:  # a number: the powers stay as they are (and sorted)
            return Term(self.coef * other.coef, self.powers)
        if not self.powers:
            return Term(self.coef * other.coef, other.powers)
        merged = dict(self.powers)
        for name, exp in other.powers:
            merged[name] = merged.get(name, 0.0) + exp
        return Term(self.coef * other.coef, tuple(sorted(merged.items())))


Expr = tuple[Term, ...]
"""A sum of terms; the empty sum is zero."""

ONE: Expr = (Term(1.0),)


def times(a: Expr | None, b: Expr | None) -> Expr | None:
    if a is None or b is None:
        return None
    if a is ONE or b is ONE:  # every product starts from ONE: 1 × b is b, term for term
        return b if a is ONE else a
    return tuple(x.times(y) for x in a for y in b)


def plus(parts: Iterable[Expr | None]) -> Expr | None:
    out: list[Term] = []
    for part in parts:
        if part is None:
            return None
        out.extend(part)
    return tuple(out)


def scale_of(
    expr: Expr, base: Expr, points: Mapping[str, float | Range] | None = None
) -> float | None:
    """c when `expr` is c × `base` term by term (c > 0), else None.

    One lifetime is compute × training.seconds, energy efficiency compute ÷ power: with a
    fixed seconds or power, each is compute scaled, and is derived instead of evaluated.
    `points`: the model's quantities, whose fixed numbers count as constants.
    """
    if len(expr) != len(base) or not base:
        return None
    ratios = set()
    for a, b in zip(expr, base, strict=True):
        a_coef, a_powers = _constant_folded(a, points)
        b_coef, b_powers = _constant_folded(b, points)
        if a_powers != b_powers or b_coef == 0:
            return None
        ratios.add(a_coef / b_coef)
    (c, *rest) = sorted(ratios)
    if not (math.isfinite(c) and c > 0) or (rest and not math.isclose(rest[-1], c, rel_tol=1e-12)):
        return None
    return c


def _constant_folded(
    term: Term, points: Mapping[str, float | Range] | None
) -> tuple[float, tuple[tuple[str, float], ...]]:
    """The term's coefficient times its fixed quantities, and its uncertain powers."""
    if not points:
        return term.coef, term.powers
    coef, powers = term.coef, []
    for name, exp in term.powers:
        value = points.get(name)
        if isinstance(value, float | int) and value > 0:
            coef *= power(value, exp)
        else:
            powers.append((name, exp))
    return coef, tuple(powers)


@dataclass(frozen=True)
class Model:
    """The quantities a scenario uses and the expression of every output over them."""

    quantities: dict[str, float | Range]
    outputs: dict[str, Expr | None]
    compute_parts: dict[str, Expr]
    factor_names: tuple[str, ...]
    correlations: tuple[tuple[str, str, float], ...] = ()
    """(path, path, rho) between uncertain quantities (a Gaussian copula)."""
    stream_keys: Mapping[str, str] = field(default_factory=dict)
    """The stream a shared quantity draws from: the path of its first use.

    A quantity is drawn from the stream of where it stands, not of how it is written: a
    `{var: NAME}` used once draws exactly what the same range written inline there draws,
    so `diff` of the two spellings is exactly 1×.
    """

    def stream_key(self, name: str) -> str:
        return self.stream_keys.get(name, name)


class _Builder:
    def __init__(
        self, shared: Mapping[str, float | Range] | None = None, keep_ones: bool = False
    ) -> None:
        self.quantities: dict[str, float | Range] = {}
        self.shared = dict(shared or {})
        self.stream_keys: dict[str, str] = {}
        self.keep_ones = keep_ones

    def q(
        self, path: str, value: float | Range | VarRef | None, exponent: float = 1.0
    ) -> Expr | None:
        """The expression of one quantity; None when it is unknown; zero when it is 0.

        A `{var: NAME}` is the quantity `vars.NAME`: one stream, wherever it is used.
        """
        if value is None:
            return None
        if isinstance(value, VarRef):
            name = f"vars.{value.var}"
            self.stream_keys.setdefault(name, path)
            return self.q(name, self.shared[value.var], exponent)
        if not isinstance(value, Range):
            if value == 0:
                return ()
            if value == 1 and exponent == 1 and not self.keep_ones:
                return ONE
        self.quantities[path] = value
        return (Term(1.0, ((path, exponent),)),)

    def product(self, *parts: Expr | None) -> Expr | None:
        out: Expr | None = ONE
        for part in parts:
            out = times(out, part)
        return out

    def factors(self, scenario: Scenario, kind: str) -> Expr:
        out: Expr = ONE
        for name, factor in scenario.factors.named().items():
            if isinstance(factor, FactorSpec):
                part = self.q(f"factors.{name}.{kind}", getattr(factor, kind))
            elif kind == "compute":
                part = self.q(f"factors.{name}", factor)
            else:
                continue
            out = times(out, part) or ()
        return out


def _population(
    b: _Builder, s: Scenario, name: str, pop: Population
) -> tuple[Expr, dict[str, Expr | None]]:
    at = f"populations.{name}"
    n = b.q(f"{at}.neurons", pop.neurons)
    syn = b.q(f"{at}.synapses_per_neuron", pop.synapses_per_neuron)
    rate = b.q(f"{at}.firing_rate_hz", pop.firing_rate_hz)
    spikes = b.product(n, rate)
    events = b.product(spikes, syn)
    cost = pop.cost
    c = f"{at}.cost"
    compute: Expr | None
    memory_state = _memory_state(b, s, n, syn)
    traffic: Expr | None
    if cost.model == "synaptic":
        compute = plus(
            [
                b.product(events, b.q(f"{c}.flops_per_event", cost.flops_per_event)),
                b.product(n, b.q(f"{c}.flops_per_neuron_s", cost.flops_per_neuron_s)),
            ]
        )
    elif cost.model == "convolution":
        kernel = (Term(float(math.prod(cost.kernel))),)
        compute = b.product(
            events,
            b.q(f"{c}.time_steps", cost.time_steps),
            kernel,
            b.q(f"{c}.flops_per_mac", cost.flops_per_mac),
        )
    elif cost.model == "timestep":
        steps = b.q(f"{c}.steps_per_s", cost.steps_per_s)
        compute = b.product(
            steps,
            n,
            plus(
                [
                    b.q(f"{c}.flops_per_neuron_step", cost.flops_per_neuron_step),
                    b.product(syn, b.q(f"{c}.flops_per_synapse_step", cost.flops_per_synapse_step)),
                ]
            ),
        )
    elif cost.model == "event":
        compute = plus(
            [
                b.product(spikes, b.q(f"{c}.flops_per_spike", cost.flops_per_spike)),
                b.product(events, b.q(f"{c}.flops_per_event", cost.flops_per_event)),
            ]
        )
    else:
        compute = b.product(n, b.q(f"{c}.flops_per_neuron_s", cost.flops_per_neuron_s))
    assert compute is not None  # validation guarantees the inputs each cost model needs
    mem_factors = b.factors(s, "memory")
    if cost.model == "timestep":
        traffic = b.product(b.q(f"{c}.steps_per_s", cost.steps_per_s), memory_state, mem_factors)
    else:
        bps = b.q("memory.bytes_per_synapse", s.memory.bytes_per_synapse)
        traffic = b.product(events, bps, mem_factors)
    comm: Expr | None = None
    if s.communication is not None:
        fan = s.communication.fanout
        fanout = syn if fan == "synapses" else b.q("communication.fanout", fan)
        comm = b.product(
            spikes,
            fanout,
            b.q("communication.bytes_per_spike", s.communication.bytes_per_spike),
            b.factors(s, "communication"),
        )
    outputs = {
        "memory_bytes": b.product(memory_state, mem_factors),
        "events_per_s": events,
        "communication_bytes_per_s": comm,
        "memory_traffic_bytes_per_s": traffic,
    }
    return compute, outputs


def _memory_state(b: _Builder, s: Scenario, n: Expr | None, syn: Expr | None) -> Expr | None:
    """neurons × (synapses × bytes_per_synapse + bytes_per_neuron); unknown without a figure."""
    per_synapse = s.memory.bytes_per_synapse
    per_neuron = b.q("memory.bytes_per_neuron", s.memory.bytes_per_neuron)
    if per_synapse is None:
        return b.product(n, per_neuron) if per_neuron else None
    return plus(
        [b.product(n, syn, b.q("memory.bytes_per_synapse", per_synapse)), b.product(n, per_neuron)]
    )


def build(s: Scenario, *, keep_ones: bool = False) -> Model:
    """The expression of every output of a scenario (docs/format.md, "Outputs").

    `keep_ones`: a quantity of exactly 1 stays a quantity (a factor of 1 is an input the
    explorer moves) instead of dropping out of the products; the values are the same.
    """
    b = _Builder(s.vars, keep_ones)
    compute_factors = b.factors(s, "compute")
    if s.conversion is not None:  # the source's unit to FLOP
        flop_per_unit = b.q("conversion.flop_per_unit", s.conversion.flop_per_unit)
        compute_factors = times(compute_factors, flop_per_unit) or ()
    outputs: dict[str, Expr | None] = {}
    compute: Expr | None
    parts: dict[str, Expr] = {}
    if s.method == "mechanistic":
        per_output: dict[str, list[Expr | None]] = {}
        for name, pop in s.populations.items():
            compute, others = _population(b, s, name, pop)
            parts[name] = times(compute, compute_factors) or ()
            for key, value in others.items():
                per_output.setdefault(key, []).append(value)
        outputs["compute_flops"] = plus(parts.values())
        for key, values in per_output.items():
            outputs[key] = plus(values)
    elif s.method in ("functional", "stated"):
        f, block = (
            (s.functional, "functional") if s.method == "functional" else (s.stated, "stated")
        )
        assert f is not None
        if isinstance(f, Functional):
            figure = b.product(
                b.q("functional.reference_flops", f.reference_flops),
                b.q("functional.scale", f.scale),
            )
        else:
            figure = b.q("stated.compute", f.compute)
        compute = times(figure, compute_factors)
        assert compute is not None
        parts[block] = compute
        outputs["compute_flops"] = compute
        outputs["memory_bytes"] = b.product(
            b.q(f"{block}.memory_bytes", f.memory_bytes), b.factors(s, "memory")
        )
        outputs["events_per_s"] = b.q(f"{block}.events_per_s", f.events_per_s)
    else:
        lim, energy = s.limit, s.energy
        assert lim is not None and energy is not None
        landauer = (Term(1.0 / (BOLTZMANN_J_PER_K * math.log(2))),)
        compute = b.product(
            landauer,
            b.q("energy.brain_power_w", energy.brain_power_w),
            b.q("limit.temperature_k", lim.temperature_k, -1.0),
            b.q("limit.bits_per_flop", lim.bits_per_flop, -1.0),
            compute_factors,
        )
        assert compute is not None
        parts["limit"] = compute
        outputs["compute_flops"] = compute
    outputs["lifetime_flop"] = b.product(
        outputs["compute_flops"], b.q("training.seconds", s.training.seconds)
    )
    if s.energy is not None:
        outputs["flops_per_joule"] = b.product(
            outputs["compute_flops"], b.q("energy.brain_power_w", s.energy.brain_power_w, -1.0)
        )
    factor_names = tuple(
        f"factors.{name}"
        for name, value in s.factors.named().items()
        if isinstance(value, FactorSpec | Range) or value != 1.0
    )
    correlations = tuple((a, b_, float(rho)) for a, b_, rho in s.correlations)
    if b.stream_keys:  # multiply in the order of where each quantity stands, as inline
        outputs = {k: _in_stream_order(e, b.stream_keys) for k, e in outputs.items()}
        parts = {k: _in_stream_order(e, b.stream_keys) or () for k, e in parts.items()}
    return Model(b.quantities, outputs, parts, factor_names, correlations, b.stream_keys)


def _in_stream_order(expr: Expr | None, keys: Mapping[str, str]) -> Expr | None:
    """Each term's quantities sorted by their stream keys: a var used once is multiplied
    where the same range written inline would be, so both spellings round alike."""
    if expr is None:
        return None
    return tuple(
        Term(t.coef, tuple(sorted(t.powers, key=lambda p: keys.get(p[0], p[0])))) for t in expr
    )


__all__ = ["Expr", "Model", "Term", "build", "scale_of"]
