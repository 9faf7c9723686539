"""Every kind of quantity through every command: exit 0 and real numbers, never a crash.

A uniform range once crashed `diff` and `report` (a dump re-validated with the default ci).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import invoke

KINDS = {
    "number": "2",
    "lognormal": "{low: 1, high: 4}",
    "text": "'1 to 4'",
    "ci-80": "{low: 1, high: 4, ci: 80}",
    "uniform": "{low: 1, high: 3, dist: uniform}",
    "loguniform": "{low: 1, high: 4, dist: loguniform}",
    "normal": "{low: 1.5, high: 2.5, dist: normal}",
}
"""Each a firing rate whose median is 2 Hz (the normal and uniform ranges are symmetric)."""


def scenario(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.yaml"
    path.write_text(
        f"brainflops: 1\nname: r-{kind}\ntitle: {kind}\npopulations:\n  p:\n"
        f"    neurons: 1e10\n    firing_rate_hz: {KINDS[kind]}\n"
        "    synapses_per_neuron: 1e3\n"
        "    cost: {model: synaptic, flops_per_event: {low: 1, high: 10, dist: uniform}}\n"
        "factors: {neural_backprop: {low: 1, high: 2, dist: loguniform}}\n"
        "memory: {bytes_per_synapse: 4}\ncommunication: {bytes_per_spike: 4}\n"
        "energy: {brain_power_w: 20}\n"
        "expect: {events_per_s: {value: 2e13, rel_tol: 0.2}}\n"
    )
    return path


COMMANDS = {
    "estimate": ["estimate", "{a}", "--json"],
    "compare": ["compare", "{a}", "--json"],
    "sensitivity": ["sensitivity", "{a}", "--json"],
    "sensitivity-memory": ["sensitivity", "{a}", "--output", "memory_bytes", "--json"],
    "diff-self": ["diff", "{a}", "{a}", "--json"],
    "diff-bundled": ["diff", "{a}", "carlsmith-2020", "--json"],
    "check": ["check", "{a}", "--json"],
    "validate": ["validate", "{a}"],
    "set": ["estimate", "{a}", "--set", "populations.p.neurons=1e9 to 1e10", "--json"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_through_every_command(tmp_path: Path, kind: str, command: str) -> None:
    path = str(scenario(tmp_path, kind))
    args = [a.format(a=path) for a in COMMANDS[command]]
    result = invoke(*args, "--samples", "4000") if command != "validate" else invoke(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    if "--json" not in args:
        return
    doc = json.loads(result.stdout)
    if command == "estimate":
        # events = 1e10 neurons × 2 Hz (the median of every kind) × 1e3 synapses = 2e13
        assert doc["events_per_s"]["median"] == pytest.approx(2e13, rel=0.05)
    if command == "check":
        assert [c["passed"] for c in doc["checks"]] == [True]


def test_every_kind_in_one_report(tmp_path: Path) -> None:
    paths = [str(scenario(tmp_path, kind)) for kind in KINDS]
    out = tmp_path / "report"
    result = invoke("report", *paths, "-o", str(out), "--samples", "4000")
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "data.json").read_text())
    assert sorted(data["scenarios"]) == sorted(f"r-{kind}" for kind in KINDS)
    check = invoke("report", *paths, "-o", str(out), "--samples", "4000", "--check")
    assert check.exit_code == 0, check.stdout
