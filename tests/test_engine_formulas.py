"""Each cost model and each output against arithmetic done by hand."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from brainflops.engine import estimate
from brainflops.errors import InputError
from brainflops.model.load import load_scenario
from brainflops.model.scenario import Scenario


def document(**fields: Any) -> Scenario:
    return Scenario.model_validate({"brainflops": 1, "name": "t", "title": "t", **fields})


def scenario(populations: dict[str, Any], **extra: Any) -> Scenario:
    return document(populations=populations, **extra)


def median(s: Scenario, output: str = "compute_flops") -> float:
    stats = estimate(s).stats[output]
    assert stats is not None
    return stats.median


POP = {"neurons": 1e9, "synapses_per_neuron": 1000, "firing_rate_hz": 2}
# spikes = 1e9 × 2 = 2e9 /s; events = 2e9 × 1000 = 2e12 /s


def test_synaptic() -> None:
    s = scenario({"p": {**POP, "cost": {"model": "synaptic", "flops_per_event": 3}}})
    assert median(s) == pytest.approx(6e12)  # 2e12 events × 3
    s = scenario(
        {"p": {**POP, "cost": {"model": "synaptic", "flops_per_event": 3, "flops_per_neuron_s": 5}}}
    )
    assert median(s) == pytest.approx(6e12 + 5e9)  # + 1e9 neurons × 5


def test_convolution() -> None:
    cost = {"model": "convolution", "kernel": [3, 4, 5], "time_steps": 5, "flops_per_mac": 2}
    s = scenario({"p": {**POP, "cost": cost}})
    assert median(s) == pytest.approx(2e12 * 5 * 60 * 2)  # events × steps × 3·4·5 × 2 = 1.2e15


def test_timestep() -> None:
    cost = {
        "model": "timestep",
        "steps_per_s": 1000,
        "flops_per_neuron_step": 5,
        "flops_per_synapse_step": 2,
    }
    s = scenario({"p": {**POP, "cost": cost}})
    assert median(s) == pytest.approx(1000 * 1e9 * (5 + 1000 * 2))  # 2.005e15


def test_event() -> None:
    cost = {"model": "event", "flops_per_spike": 15, "flops_per_event": 20}
    s = scenario({"p": {**POP, "cost": cost}})
    assert median(s) == pytest.approx(2e9 * 15 + 2e12 * 20)  # 3e10 + 4e13


def test_per_neuron_needs_no_rate() -> None:
    s = scenario(
        {"p": {"neurons": 1e11, "cost": {"model": "per_neuron", "flops_per_neuron_s": 1e7}}}
    )
    assert median(s) == pytest.approx(1e18)  # WBE level 4: 1e11 × 1e7
    assert estimate(s).stats["events_per_s"] is None  # no firing rate given: unknown


def test_dettmers_published_arithmetic() -> None:
    kernel = {"model": "convolution", "kernel": [10, 1000, 5], "time_steps": 5}
    s = scenario(
        {
            "purkinje": {
                "neurons": 1e8,
                "synapses_per_neuron": 1e5,
                "firing_rate_hz": 200,
                "cost": kernel,
            },
            "granule": {
                "neurons": 5e10,
                "synapses_per_neuron": 15,
                "firing_rate_hz": 200,
                "cost": kernel,
            },
        }
    )
    # purkinje: 1e8 × 1e5 × 200 × 5 × 5e4 × 2 = 1e21
    # granule: 5e10 × 15 × 200 × 5 × 5e4 × 2 = 7.5e19
    est = estimate(s)
    assert est.stats["compute_flops"] is not None
    assert est.stats["compute_flops"].median == pytest.approx(1.075e21)
    assert est.compute_shares["purkinje"] == pytest.approx(1e21 / 1.075e21)


def test_every_output() -> None:
    s = scenario(
        {"p": {**POP, "cost": {"model": "synaptic", "flops_per_event": 3}}},
        factors={
            "spine_dynamics": {"compute": 2, "memory": 3, "communication": 5},
            "neural_backprop": 2,
            "other": {"glia": 1.5},
        },
        memory={"bytes_per_synapse": 4, "bytes_per_neuron": 100},
        communication={"bytes_per_spike": 8, "fanout": 10},
        energy={"brain_power_w": 20},
    )
    est = estimate(s)
    got = {k: v.median for k, v in est.stats.items() if v is not None}
    compute = 6e12 * 2 * 2 * 1.5  # events × flops × spine.compute × backprop × glia = 3.6e13
    assert got["compute_flops"] == pytest.approx(compute)
    assert got["memory_bytes"] == pytest.approx(1e9 * (1000 * 4 + 100) * 3)  # 1.23e13
    assert got["events_per_s"] == pytest.approx(2e12)
    assert got["communication_bytes_per_s"] == pytest.approx(2e9 * 10 * 8 * 5)  # 8e11
    assert got["memory_traffic_bytes_per_s"] == pytest.approx(2e12 * 4 * 3)  # events × B × mem
    assert got["flops_per_joule"] == pytest.approx(compute / 20)


def test_fanout_synapses_means_one_message_per_event() -> None:
    s = scenario(
        {"p": {**POP, "cost": {"model": "synaptic", "flops_per_event": 1}}},
        communication={"bytes_per_spike": 4},
    )
    assert median(s, "communication_bytes_per_s") == pytest.approx(2e12 * 4)


def test_timestep_traffic_touches_all_state_every_step() -> None:
    cost = {"model": "timestep", "steps_per_s": 1e4, "flops_per_neuron_step": 1}
    s = scenario({"p": {**POP, "cost": cost}}, memory={"bytes_per_synapse": 8})
    memory = 1e9 * 1000 * 8  # 8e12 B
    assert median(s, "memory_bytes") == pytest.approx(memory)
    assert median(s, "memory_traffic_bytes_per_s") == pytest.approx(1e4 * memory)


def test_memory_unknown_without_a_figure() -> None:
    s = scenario({"p": {**POP, "cost": {"model": "synaptic", "flops_per_event": 1}}})
    est = estimate(s)
    assert est.stats["memory_bytes"] is None
    assert est.stats["communication_bytes_per_s"] is None
    assert est.stats["flops_per_joule"] is None


def test_functional() -> None:
    s = document(
        method="functional",
        functional={"reference_flops": 1e9, "scale": 1e5, "memory_bytes": 1e14},
    )
    est = estimate(s)
    assert est.stats["compute_flops"] is not None and est.stats["memory_bytes"] is not None
    assert est.stats["compute_flops"].median == pytest.approx(1e14)  # Moravec: 1e9 × 1e5
    assert est.stats["memory_bytes"].median == pytest.approx(1e14)


def test_landauer_limit() -> None:
    s = document(
        method="limit",
        limit={"temperature_k": 310, "bits_per_flop": 1},
        energy={"brain_power_w": 20},
    )
    # 20 W / (1.380649e-23 J/K × 310 K × ln 2) = 20 / 2.9667e-21 = 6.7415e21
    expected = 20 / (1.380649e-23 * 310 * math.log(2))
    assert median(s) == pytest.approx(expected)
    assert median(s) == pytest.approx(6.74e21, rel=1e-3)


def test_overflow_is_an_input_error() -> None:
    s = scenario(
        {
            "p": {
                "neurons": 1e300,
                "synapses_per_neuron": 1e300,
                "firing_rate_hz": 1,
                "cost": {"model": "synaptic", "flops_per_event": 1},
            }
        }
    )
    with pytest.raises(InputError, match="compute_flops is not a finite number"):
        estimate(s)


def test_zero_factor_gives_zero() -> None:
    s = scenario(
        {"p": {**POP, "cost": {"model": "synaptic", "flops_per_event": 1}}},
        factors={"genome_change": 0},
    )
    assert median(s) == 0


def test_an_output_that_is_compute_times_fixed_quantities_is_a_scaling() -> None:
    from brainflops.engine.expr import Term, scale_of
    from brainflops.model.quantity import Range

    compute = (Term(1.0, (("a", 1.0), ("b", 1.0))), Term(3.0, (("c", 1.0),)))
    # lifetime = compute x seconds: with seconds fixed at 1e9, a scaling by 1e9 (2 x 5e8)
    lifetime = (
        Term(2.0, (("a", 1.0), ("b", 1.0), ("seconds", 1.0))),
        Term(6.0, (("c", 1.0), ("seconds", 1.0))),
    )
    assert scale_of(lifetime, compute, {"seconds": 5e8}) == 1e9
    assert scale_of(lifetime, compute) is None  # not without knowing seconds is fixed
    uncertain = {"seconds": Range(low=1e8, high=1e9)}
    assert scale_of(lifetime, compute, uncertain) is None
    # compute / power with power fixed at 20 W: 1/20 (a power of -1 folds as 20**-1)
    per_joule = tuple(Term(t.coef, (*t.powers, ("power", -1.0))) for t in compute)
    assert scale_of(per_joule, compute, {"power": 20.0}) == 0.05
    # a fixed quantity in one term only: not a scaling
    mixed = (Term(1.0, (("a", 1.0), ("b", 1.0), ("seconds", 1.0))), Term(3.0, (("c", 1.0),)))
    assert scale_of(mixed, compute, {"seconds": 5e8}) is None


def test_the_lifetime_of_an_uncertain_brain_is_its_compute_scaled(write: Any) -> None:
    path = write(
        "s.yaml",
        "brainflops: 1\nname: s\ntitle: s\ntraining: {seconds: 2e9}\npopulations:\n"
        "  all: {neurons: 1e10 to 2e10, synapses_per_neuron: 1e3, firing_rate_hz: 1,"
        " cost: {model: synaptic, flops_per_event: 1 to 10}}\n",
    )
    est = estimate(load_scenario(str(path)).scenario, 1000, 1)
    compute, lifetime = est.draws["compute_flops"], est.draws["lifetime_flop"]
    assert np.array_equal(lifetime, compute * 2e9)  # derived: the same draws times 2e9
    assert est.stats["lifetime_flop"] == est.stats["compute_flops"].times(2e9)
