"""Distributions, the exact path, Monte Carlo, determinism, chunking and sensitivity."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from brainflops.analysis.sensitivity import binned_first_order, sensitivity
from brainflops.engine import estimate
from brainflops.engine.evaluate import mc_stats
from brainflops.engine.sampling import Stream
from brainflops.errors import InputError
from brainflops.model.load import load_scenario
from brainflops.model.quantity import Range
from brainflops.model.scenario import Scenario
from tests.conftest import FIXTURES, assert_input_error, invoke

PRODUCT = str(FIXTURES / "valid" / "product.yaml")


def draws(spec: dict[str, Any], n: int = 400_000) -> np.ndarray:
    return Stream("x", Range.model_validate(spec), seed=1).next(n)


@pytest.mark.parametrize(
    ("spec", "p5", "p95"),
    [
        ({"low": 1, "high": 100}, 1, 100),  # lognormal: low and high are the 5th/95th
        ({"low": 1, "high": 100, "dist": "normal"}, 1, 100),
        # uniform bounds: the 5th percentile is 1 + 0.05 × 99 = 5.95, the 95th 95.05
        ({"low": 1, "high": 100, "dist": "uniform"}, 5.95, 95.05),
        # loguniform bounds: 10^(0.05 × 2) = 1.2589, 10^(0.95 × 2) = 79.43
        ({"low": 1, "high": 100, "dist": "loguniform"}, 10**0.1, 10**1.9),
    ],
)
def test_distribution_percentiles(spec: dict[str, Any], p5: float, p95: float) -> None:
    x = draws(spec)
    got5, got95 = np.percentile(x, [5, 95])
    # sampling error of a percentile at 4e5 draws is well under 1% of the interval's width
    tolerance = 0.01 * (spec["high"] - spec["low"])
    assert got5 == pytest.approx(p5, rel=0.02, abs=tolerance)
    assert got95 == pytest.approx(p95, rel=0.02, abs=tolerance)


def test_ci_changes_the_interval() -> None:
    # with ci: 80, low and high are the 10th and 90th percentiles
    x = draws({"low": 1, "high": 100, "ci": 80})
    assert np.percentile(x, [10, 90]) == pytest.approx([1, 100], rel=0.02)
    assert np.median(x) == pytest.approx(10, rel=0.01)  # geometric mean of 1 and 100


def test_a_to_b_string_is_a_lognormal_90_interval() -> None:
    s = load_scenario(PRODUCT).scenario
    rate = s.populations["all"].firing_rate_hz
    assert rate == Range(low=0.1, high=2.0)


def test_exact_product_of_lognormals() -> None:
    # ln-space: μ = Σ (ln lo + ln hi)/2 + ln 86e9, σ² = Σ ((ln hi − ln lo) / (2 × 1.644854))²
    z = 1.6448536269514722
    ranges = [(1000, 10000), (0.1, 2), (1, 100), (1, 10)]
    mu = math.log(86e9) + sum((math.log(lo) + math.log(hi)) / 2 for lo, hi in ranges)
    sd = math.sqrt(sum(((math.log(hi) - math.log(lo)) / (2 * z)) ** 2 for lo, hi in ranges))
    stats = estimate(load_scenario(PRODUCT).scenario).stats["compute_flops"]
    assert stats is not None and stats.exact
    assert stats.median == pytest.approx(math.exp(mu))
    assert stats.median == pytest.approx(3.85e15, rel=2e-3)
    assert stats.p5 == pytest.approx(1.58e14, rel=2e-3)
    assert stats.p95 == pytest.approx(9.37e16, rel=1e-3)
    assert stats.mean == pytest.approx(math.exp(mu + sd**2 / 2))


def test_monte_carlo_agrees_with_the_exact_path() -> None:
    est = estimate(load_scenario(PRODUCT).scenario, samples=1_000_000, seed=7)
    exact = est.stats["compute_flops"]
    assert exact is not None
    drawn = est.draws["compute_flops"]
    assert isinstance(drawn, np.ndarray)
    mc = mc_stats(drawn)
    assert mc.median == pytest.approx(exact.median, rel=0.01)
    assert mc.p5 == pytest.approx(exact.p5, rel=0.01)
    assert mc.p95 == pytest.approx(exact.p95, rel=0.01)
    # the mean of a heavy-tailed lognormal converges slowly: σ ≈ 1.9 in log space
    assert mc.mean == pytest.approx(exact.mean, rel=0.05)


def test_sums_use_monte_carlo(write: Any) -> None:
    path = write(
        "two.yaml",
        """brainflops: 1
name: two
title: two populations
populations:
  a: {neurons: 1e10, synapses_per_neuron: 1e3, firing_rate_hz: "0.1 to 1",
      cost: {model: synaptic, flops_per_event: 1}}
  b: {neurons: 1e10, synapses_per_neuron: 1e3, firing_rate_hz: "0.1 to 1",
      cost: {model: synaptic, flops_per_event: 1}}
""",
    )
    stats = estimate(load_scenario(str(path)).scenario).stats["compute_flops"]
    assert stats is not None and not stats.exact
    # each term has median 1e13 × sqrt(0.1) = 3.16e12; the sum of two iid lognormals has a
    # median above 2 × 3.16e12 (right skew) and below the sum of their means
    assert 6.3e12 < stats.median < 2 * 1e13 * 0.4


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    s = load_scenario(PRODUCT).scenario
    a, b, c = estimate(s, 10_000, 1), estimate(s, 10_000, 1), estimate(s, 10_000, 2)
    assert np.array_equal(a.draws["compute_flops"], b.draws["compute_flops"])
    assert not np.array_equal(a.draws["compute_flops"], c.draws["compute_flops"])


@pytest.mark.parametrize("chunk", [1, 7, 999, 10_000])
def test_chunking_does_not_change_results(chunk: int) -> None:
    s = load_scenario(PRODUCT).scenario
    whole = estimate(s, 2_500, 3, chunk=2_500)
    pieces = estimate(s, 2_500, 3, chunk=chunk)
    assert np.array_equal(whole.draws["compute_flops"], pieces.draws["compute_flops"])


def test_streams_are_keyed_by_path_not_by_position() -> None:
    # adding an unrelated uncertain input must not change the draws of the others
    base = load_scenario(PRODUCT).scenario
    more = load_scenario(PRODUCT, ["factors.genome_change=1 to 2"]).scenario
    key = "populations.all.firing_rate_hz"
    from brainflops.engine.evaluate import draw_inputs
    from brainflops.engine.expr import build

    a = draw_inputs(build(base).quantities, 1000, 5)[key]
    b = draw_inputs(build(more).quantities, 1000, 5)[key]
    assert np.array_equal(np.asarray(a), np.asarray(b))


def test_sensitivity_exact_shares() -> None:
    result = sensitivity(load_scenario(PRODUCT).scenario)
    assert result.method == "exact"
    shares = {i.name: i.share for i in result.inputs}
    # Var ln x ∝ (ln hi − ln lo)²: ln 100² = 21.21, ln 20² = 8.97, ln 10² = 5.30 (twice)
    w = {"fpe": math.log(100) ** 2, "rate": math.log(20) ** 2, "syn": math.log(10) ** 2}
    total = w["fpe"] + w["rate"] + 2 * w["syn"]
    assert shares["populations.all.cost.flops_per_event"] == pytest.approx(w["fpe"] / total)
    assert shares["populations.all.cost.flops_per_event"] == pytest.approx(0.52, abs=0.005)
    assert shares["populations.all.firing_rate_hz"] == pytest.approx(w["rate"] / total)
    assert sum(shares.values()) == pytest.approx(1)
    assert result.inputs[0].name == "populations.all.cost.flops_per_event"


def test_binned_first_order_on_an_additive_model() -> None:
    # y = a + b with independent a ~ N(0, 1), b ~ N(0, 2): S_a = 1/5, S_b = 4/5
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(200_000), 2 * rng.standard_normal(200_000)
    assert binned_first_order(a, a + b) == pytest.approx(0.2, abs=0.01)
    assert binned_first_order(b, a + b) == pytest.approx(0.8, abs=0.01)


def test_sensitivity_of_a_sum_is_estimated() -> None:
    s = Scenario.model_validate(
        {
            "brainflops": 1,
            "name": "s",
            "title": "s",
            "populations": {
                "p": {
                    "neurons": 1e10,
                    "synapses_per_neuron": 1e3,
                    "firing_rate_hz": 1,
                    "cost": {
                        "model": "event",
                        "flops_per_spike": {"low": 1, "high": 10},
                        "flops_per_event": {"low": 1, "high": 1000},
                    },
                }
            },
        }
    )
    result = sensitivity(s)
    assert result.method == "first-order (binned)"
    # events (1e13/s) outnumber spikes (1e10/s) a thousandfold: flops_per_event dominates
    assert result.inputs[0].name == "populations.p.cost.flops_per_event"
    assert result.inputs[0].share > 0.95


def test_sensitivity_cli() -> None:
    result = invoke("sensitivity", PRODUCT, "--json")
    assert result.exit_code == 0, result.stderr
    import json

    doc = json.loads(result.stdout)
    assert doc["output"] == "compute_flops"
    assert doc["inputs"][0]["share"] == pytest.approx(0.52, abs=0.005)
    assert "seed" in doc and "samples" in doc
    assert "flops_per_event" in invoke("sensitivity", PRODUCT).stdout
    assert "No uncertain inputs" in invoke("sensitivity", "dettmers-2015").stdout
    assert_input_error(invoke("sensitivity", PRODUCT, "--output", "iq"), "unknown output 'iq'")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{low: 0, high: 1}", "lognormal needs 0 < low"),
        ("{low: 2, high: 1, dist: uniform}", "needs low < high"),
        ("{low: 1, high: 2, ci: 100}", "less than or equal to 99.9"),
        # ci near 0 or 100 once divided by zero or left the normal quantile's domain
        ("{low: 1, high: 2, ci: 1e-300}", "greater than or equal to 1"),
        ("{low: 1, high: 2, ci: 99.99999999999999999}", "less than or equal to 99.9"),
        ("{low: true, high: 2}", "Input should be a valid number"),
        # 1 to 3 as a 1% interval: log-sd = ln 3 / (2 × 0.01253) = 43.8, whose mean overflows
        ("{low: 1, high: 3, ci: 1}", "log-sd 43.8 (limit 20)"),
        ("{low: 1, high: 2, dist: uniform, ci: 50}", "ci has no meaning for uniform"),
        ("{low: 1, high: 2, dist: cauchy}", "Input should be"),
        ("'2 to 1'", "needs low < high"),
    ],
)
def test_bad_ranges_point_at_the_line(write: Any, value: str, message: str) -> None:
    path = write(
        "bad.yaml",
        "brainflops: 1\nname: bad\ntitle: bad\npopulations:\n  p:\n    neurons: 1e9\n"
        f"    firing_rate_hz: {value}\n    synapses_per_neuron: 1e3\n"
        "    cost: {model: synaptic, flops_per_event: 1}\n",
    )
    assert_input_error(invoke("estimate", str(path)), f"{path}:7:")
    assert message in invoke("estimate", str(path)).stderr


def test_normal_ranges_that_reach_zero_are_refused() -> None:
    s = load_scenario(PRODUCT, ["populations.all.neurons={low: 1, high: 1e12, dist: normal}"])
    with pytest.raises(InputError, match="drew values <= 0"):
        estimate(s.scenario)


def test_samples_bounds() -> None:
    assert_input_error(invoke("estimate", PRODUCT, "--samples", "0"), "--samples: must be")


def test_sensitivity_with_too_few_samples_says_so_instead_of_zero_shares() -> None:
    # with a firing-decision term, carlsmith-2020 is a sum over terms (not exact): shares
    # need binning, and 1 sample cannot be binned; once it printed every share as 0.0%
    term = ["--set", "populations.all.cost.flops_per_neuron_s=5e3 to 1.3e4"]
    result = invoke("sensitivity", "carlsmith-2020", "--samples", "1", *term)
    assert result.exit_code == 0, result.stderr
    assert "Too few samples (1) to estimate shares" in result.stdout
    assert "0.0%" not in result.stdout
    doc = json.loads(invoke("sensitivity", "carlsmith-2020", "-n", "1", "--json", *term).stdout)
    assert doc["method"] == "too few samples" and doc["inputs"] == []


def test_sensitivity_swings_are_the_output_at_each_end_of_one_input() -> None:
    result = sensitivity(load_scenario(PRODUCT).scenario)
    # every input at its median: 86e9 × √(1e3·1e4) × √(0.1·2) × √(1·100) × √(1·10)
    #   = 86e9 × 3162.28 × 0.44721 × 10 × 3.16228 = 3.846e15
    base = 86e9 * math.sqrt(1e7) * math.sqrt(0.2) * 10 * math.sqrt(10)
    assert result.base == pytest.approx(base)
    assert result.base == pytest.approx(3.846e15, rel=1e-3)
    fpe = next(i for i in result.inputs if i.name.endswith("flops_per_event"))
    # a product: the output scales with the input, so each end is base × end ÷ median (10)
    assert fpe.swing_low == pytest.approx(base * fpe.low / 10)
    assert fpe.swing_high == pytest.approx(base * fpe.high / 10)
    # and the ends are the input's 5th and 95th percentiles, 1 and 100 (sampled)
    assert (fpe.low, fpe.high) == pytest.approx((1, 100), rel=0.03)


def test_a_divisor_swings_the_other_way(write: Any) -> None:
    path = write(
        "divisor.yaml",
        """
brainflops: 1
name: divisor
title: energy efficiency falls as power rises
populations:
  all: {neurons: 1e10, synapses_per_neuron: 1e3, firing_rate_hz: 1,
        cost: {model: synaptic, flops_per_event: 1}}
energy: {brain_power_w: {low: 10, high: 40}}
""",
    )
    result = sensitivity(load_scenario(str(path)).scenario, "flops_per_joule")
    (power,) = result.inputs
    # 1e13 FLOP/s ÷ 20 W (the median, √(10·40)) = 5e11 FLOP/J; 10 W gives 1e12, 40 W 2.5e11
    assert result.base == pytest.approx(5e11)
    assert power.swing_low == pytest.approx(1e13 / power.low)
    assert power.swing_low > result.base > power.swing_high


def test_binned_shares_come_from_the_first_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past BIN_SAMPLES, the shares are those of the estimate's first BIN_SAMPLES draws."""
    import brainflops.analysis.sensitivity as module

    s = load_scenario(
        "dettmers-2015",
        ["populations.purkinje.firing_rate_hz={low: 50, high: 400}", "factors.neural_backprop=1"],
    ).scenario
    monkeypatch.setattr(module, "BIN_SAMPLES", 5_000)
    many = module.sensitivity(s, samples=40_000, seed=5)
    first = module.sensitivity(s, samples=5_000, seed=5)
    assert many.method == first.method == "first-order (binned)"
    assert [(i.name, i.share) for i in many.inputs] == [(i.name, i.share) for i in first.inputs]


def test_quantiles_of_sorted_interpolate_as_numpy_does() -> None:
    from brainflops.engine.sampling import quantiles_of_sorted

    values = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    # index (5 - 1) x q: q 0.1 -> 0.4: 1 + (2 - 1) x 0.4 = 1.4; q 0.5 -> 2: exactly 4;
    # q 0.9 -> 3.6: weight 0.6 >= 0.5, from the top: 16 - (16 - 8) x 0.4 = 12.8; q 1 -> 16
    assert quantiles_of_sorted(values, [0.1, 0.5, 0.9, 1.0]) == [1.4, 4.0, 12.8, 16.0]
    assert quantiles_of_sorted(np.array([3.0]), [0.0, 0.5, 1.0]) == [3.0, 3.0, 3.0]
    with pytest.raises(ValueError):
        quantiles_of_sorted(values, [1.5])


def test_one_lifetime_is_computed_from_compute_when_asked_for_not_held() -> None:
    """Issue 30: an output that is compute × a constant is not held (400 MB at 5e7 samples):
    its draws are compute's × training.seconds, on demand, and its summary compute's ×."""
    est = estimate(load_scenario("carlsmith-2020").scenario, 20_000, 7)
    compute, lifetime = est.draws["compute_flops"], est.draws["lifetime_flop"]
    assert isinstance(compute, np.ndarray) and isinstance(lifetime, np.ndarray)
    np.testing.assert_array_equal(lifetime, compute * 1e9)  # training.seconds = 1e9
    # held: compute and events; derived: flops_per_joule (÷ 20 W) and one lifetime
    assert set(est.draws) == {"compute_flops", "events_per_s", "flops_per_joule", "lifetime_flop"}
    assert len(est.draws) == 4 and "lifetime_flop" in est.draws
    np.testing.assert_array_equal(est.draws["flops_per_joule"], compute * (1 / 20))
    lifetime_stats, compute_stats = est.stats["lifetime_flop"], est.stats["compute_flops"]
    assert lifetime_stats is not None and compute_stats is not None
    assert lifetime_stats.median == compute_stats.median * 1e9


def test_a_lifetime_past_float64_is_refused_though_compute_is_finite() -> None:
    # compute up to about 1e19 FLOP/s × 1e300 s overflows float64 (1.8e308)
    result = invoke("estimate", "carlsmith-2020", "--set", "training.seconds=1e300", "-n", "2000")
    assert_input_error(result, "lifetime_flop is not a finite number")


@pytest.mark.parametrize("samples", [3_000, 40_000_000 // 8])
def test_summaries_in_parallel_or_one_by_one_are_the_same(
    samples: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Percentiles are taken in parallel under SUMMARY_BUDGET_BYTES, one output at a time
    above it: the same numbers either way."""
    from brainflops.engine import evaluate

    scenario = load_scenario("carlsmith-2020").scenario
    together = estimate(scenario, samples, 3).stats
    monkeypatch.setattr(evaluate, "SUMMARY_BUDGET_BYTES", 0)
    assert estimate(scenario, samples, 3).stats == together
