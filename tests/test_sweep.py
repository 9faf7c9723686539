"""`brainflops sweep`: a grid over inputs, with common random numbers (issue 14)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.conftest import assert_input_error, invoke

TWO = """brainflops: 1
name: two
title: two populations, uncertain
populations:
  cortex:
    neurons: {low: 1.4e10, high: 1.9e10}
    synapses_per_neuron: {low: 1000, high: 10000}
    firing_rate_hz: {low: 0.1, high: 2}
    cost: {model: synaptic, flops_per_event: {low: 1, high: 100}}
  cerebellum:
    neurons: {low: 6.2e10, high: 7.6e10}
    synapses_per_neuron: {low: 100, high: 1000}
    firing_rate_hz: {low: 0.1, high: 2}
    cost: {model: synaptic, flops_per_event: {low: 1, high: 100}}
"""


def _sweep(*args: str) -> dict[str, Any]:
    result = invoke("sweep", *args, "--json")
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_sweep_json_follows_the_contract_and_the_arithmetic() -> None:
    # carlsmith-2020: median = 1e11 x 10^3.5 synapses x 10^-0.5 Hz x FLOP per event
    # = 1e14 x FLOP per event (exact: a product of lognormals)
    doc = _sweep("carlsmith-2020", "--vary", "populations.all.cost.flops_per_event=1,100")
    assert doc["scenario"] == "carlsmith-2020" and doc["samples"] == 10_000
    assert doc["paths"] == ["populations.all.cost.flops_per_event"]
    first, last = doc["points"]
    assert first["values"] == {"populations.all.cost.flops_per_event": 1}
    assert first["outputs"]["compute_flops"]["median"] == pytest.approx(1e14, rel=1e-5)
    assert last["outputs"]["compute_flops"]["median"] == pytest.approx(1e16, rel=1e-5)
    assert set(first["projections"]) == {
        "trend-2013",
        "fabrication-limit-2025",
        "power-cap-100mw",
        "ai-trend",
    }
    # 1e14 FLOP/s: the TOP500 #1 reached it in June 2005 (BlueGene/L, 136.8 TFLOP/s)
    assert first["projections"]["trend-2013"]["year_median"] == 2005.46
    assert doc["overrides"] == []


def test_points_share_their_draws_so_the_curve_is_smooth(write: Any) -> None:
    # a compute factor of 2 doubles every sample of the same draws: every percentile doubles
    path = write("two.yaml", TWO)
    doc = _sweep(str(path), "--vary", "factors.dendritic_spikes=1,2", "-n", "5000")
    one, two = (p["outputs"]["compute_flops"] for p in doc["points"])
    for key in ("p5", "median", "p95", "mean"):
        assert two[key] == pytest.approx(2 * one[key], rel=1e-5)


def test_a_grid_of_two_paths_with_ranges(write: Any) -> None:
    path = write("two.yaml", TWO)
    doc = _sweep(
        str(path),
        "--vary",
        "factors.dendritic_spikes=1,10",
        "--vary",
        "populations.cortex.firing_rate_hz=1,{low: 0.1, high: 10}",
        "-n",
        "2000",
    )
    assert len(doc["points"]) == 4
    ranged = doc["points"][1]
    assert ranged["values"]["populations.cortex.firing_rate_hz"] == {"low": 0.1, "high": 10}
    point, spread = doc["points"][0]["outputs"]["events_per_s"], ranged["outputs"]["events_per_s"]
    assert spread["p95"] / spread["p5"] > point["p95"] / point["p5"]


def test_a_value_that_changes_the_model_is_estimated_in_full() -> None:
    # carlsmith-2020 has no firing-decision term: 5e3 FLOP/s per neuron adds one
    # (1e11 x 5e3 = 5e14 FLOP/s on top of the synaptic 1e15 median)
    doc = _sweep("carlsmith-2020", "--vary", "populations.all.cost.flops_per_neuron_s=0,5e3")
    without, with_term = (p["outputs"]["compute_flops"] for p in doc["points"])
    assert without["median"] == pytest.approx(1e15, rel=1e-5)
    assert with_term["p5"] > 5e14  # the floor the term puts under every sample


def test_csv_and_figure(tmp_path: Any) -> None:
    figure = tmp_path / "sweep.svg"
    result = invoke(
        "sweep",
        "carlsmith-2020",
        "--vary",
        "populations.all.cost.flops_per_event=1,10,100",
        "--csv",
        "-o",
        str(figure),
        "-n",
        "2000",
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["populations.all.cost.flops_per_event"] for r in rows] == ["1", "10", "100"]
    assert float(rows[1]["compute_flops_median"]) == pytest.approx(1e15, rel=1e-5)
    assert "parity_ai-trend" in rows[0]
    assert figure.read_text(encoding="utf-8").startswith("<?xml")
    again = invoke("sweep", "carlsmith-2020", "--vary", "factors.other.x=1,2", "-o", str(figure))
    assert again.exit_code == 0, again.stderr  # our own figure may be replaced


def test_the_figure_never_replaces_a_file_of_the_user(tmp_path: Any) -> None:
    mine = tmp_path / "notes.svg"
    mine.write_text("my drawing", encoding="utf-8")
    result = invoke("sweep", "carlsmith-2020", "--vary", "factors.other.x=1,2", "-o", str(mine))
    assert_input_error(result, "exists and is not a figure brainflops wrote; nothing was changed")
    assert mine.read_text(encoding="utf-8") == "my drawing"


@pytest.mark.parametrize(
    ("vary", "fragment"),
    [
        ("populations.all.cost.flops_per_event", "expected PATH=V1,V2"),
        ("populations.all.cost.flops_per_event=1,,2", "an empty value"),
        ("populations.all.cost.flops_per_event=-1", "must be > 0"),
        ("populations.al.neurons=1,2", "populations.al: no such entry; did you mean 'all'?"),
        ("extends=moravec-1998", "cannot be set"),
    ],
)
def test_bad_sweeps_are_refused(vary: str, fragment: str) -> None:
    assert_input_error(invoke("sweep", "carlsmith-2020", "--vary", vary), fragment)


def test_a_grid_too_large_is_refused_before_drawing() -> None:
    values = ",".join(str(i + 1) for i in range(200))
    result = invoke(
        "sweep",
        "carlsmith-2020",
        "--vary",
        f"populations.all.cost.flops_per_event={values}",
        "--vary",
        f"factors.other.x={values}",
    )
    assert_input_error(result, "a grid of 40,000 points; the limit is 10,000")


def test_a_scenarios_sweeps_are_in_the_report() -> None:
    from tests.conftest import ROOT

    report = ROOT / "docs" / "report"
    index = (report / "index.md").read_text(encoding="utf-8")
    assert "**Sweep flops-per-spike**" in index
    assert (report / "figures" / "sweep-carlsmith-2020-flops-per-spike.svg").is_file()
    data = json.loads((report / "data.json").read_text(encoding="utf-8"))
    points = data["scenarios"]["carlsmith-2020"]["sweeps"]["flops-per-spike"]["points"]
    # 1e14 x 1,000 FLOP per spike = 1e17 FLOP/s at the median
    assert points[-1]["outputs"]["compute_flops"]["median"] == pytest.approx(1e17, rel=1e-5)


def test_sweeps_in_a_scenario_are_validated(write: Any) -> None:
    path = write(
        "s.yaml",
        "brainflops: 1\nname: s\ntitle: s\nmethod: stated\nstated: {compute: 1e15}\n"
        "sweeps:\n  Bad Name: {stated.compute: [1]}\n",
    )
    assert_input_error(invoke("validate", str(path)), "sweeps.Bad Name")


@pytest.mark.parametrize("value", ["0.5", "1", "3", "7e2", "{low: 2, high: 20}"])
def test_each_point_is_the_estimate_with_that_value_set(write: Any, value: str) -> None:
    """Whichever way a point is computed (the base model with one value changed, or, for a
    value that changes the model's terms, a full estimate), it is the estimate of the
    scenario with that value set: the same streams, the same numbers."""
    path = write("two.yaml", TWO)
    where = "populations.cortex.cost.flops_per_event"
    doc = _sweep(str(path), "--vary", f"{where}=2,{value}", "-n", "3000")
    result = invoke("estimate", str(path), "--set", f"{where}={value}", "-n", "3000", "--json")
    assert result.exit_code == 0, result.stderr
    alone = json.loads(result.stdout)["compute_flops"]
    swept = doc["points"][1]["outputs"]["compute_flops"]
    for key in ("p5", "median", "p95", "mean"):
        assert swept[key] == pytest.approx(alone[key], rel=1e-6)
