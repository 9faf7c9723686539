"""Shared quantities, correlations and three-point ranges (issue 14)."""

from __future__ import annotations

import json
import math
from statistics import NormalDist
from typing import Any

import numpy as np
import pytest

from brainflops.model.quantity import Range, point
from tests.conftest import assert_input_error, invoke

Z95 = NormalDist().inv_cdf(0.95)  # 1.6449

TWO_POPULATIONS = """brainflops: 1
name: two
title: two populations
{vars}populations:
  a:
    neurons: 1e10
    synapses_per_neuron: 1e3
    firing_rate_hz: {rate_a}
    cost: {{model: synaptic, flops_per_event: 1}}
  b:
    neurons: 3e10
    synapses_per_neuron: 1e3
    firing_rate_hz: {rate_b}
    cost: {{model: synaptic, flops_per_event: 1}}
{extra}"""


def _estimate(write: Any, text: str, *args: str) -> dict[str, Any]:
    path = write("s.yaml", text)
    result = invoke("estimate", str(path), "--json", *args)
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _two(write: Any, *, shared: bool = False, rho: float | None = None) -> dict[str, Any]:
    rate = "{low: 0.1, high: 10}"
    text = TWO_POPULATIONS.format(
        vars=f"vars:\n  rate: {rate}\n" if shared else "",
        rate_a="{var: rate}" if shared else rate,
        rate_b="{var: rate}" if shared else rate,
        extra=""
        if rho is None
        else "correlations:\n"
        f"  - [populations.a.firing_rate_hz, populations.b.firing_rate_hz, {rho}]\n",
    )
    return _estimate(write, text)["compute_flops"]


def test_a_shared_var_gives_the_fully_correlated_total(write: Any) -> None:
    # one rate for both: total = (1e10 + 3e10) x 1e3 x rate = 4e13 x rate, and the rate's
    # 90% interval is 0.1 - 10: p5 = 4e12, median = 4e13, p95 = 4e14
    compute = _two(write, shared=True)
    assert compute["p5"] == pytest.approx(4e12, rel=0.02)
    assert compute["median"] == pytest.approx(4e13, rel=0.02)
    assert compute["p95"] == pytest.approx(4e14, rel=0.02)


def test_correlation_near_one_matches_the_shared_var_and_zero_is_narrower(write: Any) -> None:
    near_one = _two(write, rho=0.9999)
    assert near_one["p5"] == pytest.approx(4e12, rel=0.03)
    assert near_one["p95"] == pytest.approx(4e14, rel=0.03)
    independent = _two(write, rho=0.0)
    # independent rates average out in the sum: the interval is narrower than 4e12 - 4e14
    assert independent["p5"] > 1.5 * 4e12
    assert independent["p95"] < 0.95 * 4e14
    # and a correlation of 0 draws exactly what no correlation at all draws
    assert independent == _two(write)


def test_correlated_lognormal_products_stay_exact(write: Any) -> None:
    # neurons and synapses per neuron each lognormal 1 - 100 (log-sd s = ln 100 / (2 x 1.6449)
    # = 1.39985), correlated 0.5: Var(log) = s^2 + s^2 + 2 x 0.5 x s x s = 3 s^2;
    # median = 10 x 10 x rate 1 x 1 FLOP = 100; p95 = 100 x exp(1.6449 x s x sqrt 3)
    s = math.log(100) / (2 * Z95)
    text = (
        "brainflops: 1\nname: p\ntitle: p\nvars:\n  n: {low: 1, high: 100}\n"
        "  k: {low: 1, high: 100}\npopulations:\n  a:\n    neurons: {var: n}\n"
        "    synapses_per_neuron: {var: k}\n    firing_rate_hz: 1\n"
        "    cost: {model: synaptic, flops_per_event: 1}\n"
        "correlations:\n  - [vars.n, vars.k, 0.5]\n"
    )
    doc = _estimate(write, text)
    assert "compute_flops" in doc["exact"]
    assert doc["compute_flops"]["median"] == pytest.approx(100, rel=1e-5)
    assert doc["compute_flops"]["p95"] == pytest.approx(
        100 * math.exp(Z95 * s * math.sqrt(3)), rel=1e-5
    )


def test_a_three_point_range_reproduces_its_percentiles(write: Any) -> None:
    # "probably ~1 Hz, maybe 10": events = 1e10 x 1e3 x rate, so 5e12 / 1e13 / 1e14
    text = (
        "brainflops: 1\nname: t\ntitle: t\npopulations:\n  a:\n    neurons: 1e10\n"
        "    synapses_per_neuron: 1e3\n    firing_rate_hz: {p5: 0.5, p50: 1, p95: 10}\n"
        "    cost: {model: synaptic, flops_per_event: 1}\n"
    )
    doc = _estimate(write, text, "--samples", "200000")
    events = doc["events_per_s"]
    assert events["p5"] == pytest.approx(5e12, rel=0.02)
    assert events["median"] == pytest.approx(1e13, rel=0.02)
    assert events["p95"] == pytest.approx(1e14, rel=0.02)
    assert "events_per_s" not in doc["exact"]  # a split lognormal is Monte Carlo only


def test_sensitivity_says_when_shares_no_longer_decompose(write: Any) -> None:
    path = write(
        "c.yaml",
        TWO_POPULATIONS.format(
            vars="",
            rate_a="{low: 0.1, high: 10}",
            rate_b="{low: 0.1, high: 10}",
            extra="correlations:\n"
            "  - [populations.a.firing_rate_hz, populations.b.firing_rate_hz, 0.9]\n",
        ),
    )
    doc = json.loads(invoke("sensitivity", str(path), "--json").stdout)
    assert doc["method"] == "first-order (binned; correlated inputs)"
    assert sum(i["share"] for i in doc["inputs"]) > 1  # shared variance counted twice
    assert "does not split into shares" in invoke("sensitivity", str(path)).stdout


@pytest.mark.parametrize(
    ("vars_", "rate_a", "extra", "fragment"),
    [
        ("vars:\n  rate: 1\n", "{var: rat}", "", "s.yaml:10:27: populations.a.firing_rate_hz.var"),
        ("vars:\n  rate: 1\n", "{var: rat}", "", "unknown var 'rat'; did you mean 'rate'?"),
        ("vars:\n  rate: 1\n  unused: 2\n", "{var: rate}", "", "s.yaml:6:11: vars.unused"),
        ("vars:\n  rate: {var: x}\n", "{var: rate}", "", "s.yaml:5:9: vars.rate"),
        ("vars:\n  rate: -1\n", "{var: rate}", "", "vars.rate: must be > 0"),
        (
            "",
            "{low: 1, high: 2}",
            "correlations:\n  - [populations.a.firing_rate, populations.a.neurons, 0.5]\n",
            "correlations.0: 'populations.a.firing_rate' is not an uncertain quantity here; "
            "did you mean 'populations.a.firing_rate_hz'?",
        ),
        (
            "",
            "{low: 1, high: 2}",
            "correlations:\n  - [populations.a.firing_rate_hz, populations.b.firing_rate_hz, 1]\n",
            "correlations.0.2: Input should be less than 1",
        ),
        (
            "",
            "{low: 1, high: 2}",
            "correlations:\n"
            "  - [populations.a.firing_rate_hz, populations.a.firing_rate_hz, 0.1]\n",
            "cannot be correlated with itself",
        ),
        ("", "{p5: 2, p50: 1, p95: 3}", "", "needs 0 < p5 < p50 < p95"),
        ("", "{p5: 1, p50: 2, p95: 3, ci: 80}", "", "no ci"),
        ("", "{p5: 1, p50: 2}", "", "needs p5, p50 and p95 (missing p95)"),
    ],
)
def test_bad_vars_correlations_and_three_points_are_refused_at_their_line(
    write: Any, vars_: str, rate_a: str, extra: str, fragment: str
) -> None:
    text = TWO_POPULATIONS.format(
        vars=vars_, rate_a=rate_a, rate_b="{low: 0.5, high: 2}", extra=extra
    )
    path = write("s.yaml", text)
    assert_input_error(invoke("estimate", str(path)), fragment)


def test_correlations_that_are_not_positive_definite_are_refused(write: Any) -> None:
    text = (
        "brainflops: 1\nname: pd\ntitle: pd\nvars:\n  x: {low: 1, high: 2}\n"
        "  y: {low: 1, high: 2}\n  z: {low: 1, high: 2}\npopulations:\n  a:\n"
        "    neurons: {var: x}\n    synapses_per_neuron: {var: y}\n    firing_rate_hz: {var: z}\n"
        "    cost: {model: synaptic, flops_per_event: 1}\ncorrelations:\n"
        "  - [vars.x, vars.y, 0.9]\n  - [vars.y, vars.z, 0.9]\n  - [vars.x, vars.z, -0.9]\n"
    )
    path = write("pd.yaml", text)
    assert_input_error(
        invoke("estimate", str(path)),
        "pd.yaml:15:3: correlations: the correlations are not positive definite",
    )


def test_the_format_docs_example_of_shared_quantities_runs(write: Any) -> None:
    from tests.conftest import ROOT

    docs = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    block = next(b.split("```", 1)[0] for b in docs.split("```yaml\n")[1:] if b.startswith("vars:"))
    doc = _estimate(write, "brainflops: 1\nname: docs\ntitle: docs\n" + block)
    assert doc["compute_flops"]["p95"] > doc["compute_flops"]["median"] > 0


@pytest.mark.parametrize(
    ("written", "centre"),
    [
        # √(1e-300 × 1e-290) = 1e-295, though the product 1e-590 is 0.0 in float64
        ({"low": 1e-300, "high": 1e-290}, 1e-295),
        # √(1e300 × 1e301) = 10^300.5 = 3.1623e300, though the product 1e601 is inf
        ({"low": 1e300, "high": 1e301}, math.sqrt(10) * 1e300),
        # (1.5e308 + 1.7e308) / 2 = 1.6e308, though the sum is inf in float64
        ({"low": 1.5e308, "high": 1.7e308, "dist": "normal"}, 1.6e308),
        ({"low": 2, "high": 8}, 4.0),  # √16
    ],
)
def test_the_centre_of_a_range_at_float64s_ends(written: dict[str, Any], centre: float) -> None:
    assert point(Range.model_validate(written)) == pytest.approx(centre, rel=1e-12, abs=0)


def test_a_normal_range_at_float64s_end_is_drawn_about_its_midpoint() -> None:
    """(1.5e308 + 1.7e308) / 2 was inf: every draw inf, and compute 0 without a word."""
    from brainflops.engine.sampling import Stream

    drawn = Stream("t", Range(low=1.5e308, high=1.7e308, dist="normal"), 1, "t").next(1000)
    finite = drawn[np.isfinite(drawn)]
    # mean 1.6e308, sd 0.1e308 / 1.645 = 6.1e306: the finite draws centre near 1.6e308
    assert finite.size > 900
    assert float(np.sort(finite)[finite.size // 2]) == pytest.approx(1.6e308, rel=0.01)
