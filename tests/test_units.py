"""Formatting numbers for people."""

from __future__ import annotations

import pytest

from brainflops.render.units import plain, ratio, readable, si


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (
            1.075e21,
            "FLOP/s",
            "1.08 ZFLOP/s",
        ),  # half-up, as people round (1.075 is 1.07499… in binary)
        (8e15, "B", "8.00 PB"),
        (999.6, "B", "1.00 kB"),  # rounding carries into the next prefix
        (999.4, "B", "999 B"),
        (0.25, "Hz", "250 mHz"),
        (1e43, "FLOP/s", "1.00e+43 FLOP/s"),  # beyond the SI prefixes
        (None, "B", "unknown"),
    ],
)
def test_si(value: float | None, unit: str, text: str) -> None:
    assert si(value, unit) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0525, "0.0525×"),
        (489.08, "489×"),
        (3070.4, "3,070×"),
        (4.55e24, "4.55e24×"),
        (3.6e-4, "3.60e-4×"),
    ],
)
def test_ratio(value: float, text: str) -> None:
    assert ratio(value) == text


def test_plain() -> None:
    assert (plain(1e8), plain(100000.0), plain(0.25), plain(3.1e26)) == (
        "1e8",
        "100000",
        "0.25",
        "3.1e26",
    )


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("populations.cortex.cost.flops_per_event", "FLOP per event (cortex)"),
        ("populations.all.firing_rate_hz", "firing rate, Hz (all)"),
        ("factors.dendritic_spikes", "dendritic spikes (factor)"),
        ("stated.compute", "compute (stated)"),
        ("vars.synapse_count", "synapse count (shared)"),
        ("conversion.flop_per_unit", "FLOP per unit (conversion)"),
        ("energy.brain_power_w", "brain power, W (energy)"),
        ("component choice", "component choice"),  # a mixture's parts are words already
        # a component given as a file keeps its name whole, never "yaml (within my-part)"
        ("within my-part.yaml", "within my-part.yaml"),
    ],
)
def test_readable_input_names(path: str, label: str) -> None:
    assert readable(path) == label
