"""Machines data, the trend fits, projections (incl. 'never') and comparisons."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from brainflops.analysis.compare import compare_machine, pick_machines
from brainflops.analysis.projections import (
    CURVE_YEARS,
    DEFAULT_PROJECTIONS,
    efficiency_fit,
    history,
    landauer_flops_per_joule,
    parity_years,
    physical_limit_flops,
    resolve,
    trend_fit,
)
from brainflops.engine import estimate
from brainflops.model.data import bundled_machines, top500_aggregate, top500_number1
from brainflops.model.load import load_scenario
from brainflops.model.machines import MACHINE_FIGURES, list_year
from brainflops.model.projections import (
    DoublingProjection,
    FabricationLimitProjection,
    PowerCapProjection,
)
from tests.conftest import assert_input_error, invoke


def test_package_data_validates_and_every_figure_has_a_source() -> None:
    history = top500_number1()
    assert [r.list for r in history][:2] == ["1993-06", "1993-11"]
    assert history[-1].list == "2026-06" and len(history) == 67  # two lists a year, 1993-2026
    assert all(r.source for r in history)
    assert all(r.source for r in top500_aggregate() if r.sum_rmax_flops)
    for machine in bundled_machines().machines:
        for figure in MACHINE_FIGURES:
            if getattr(machine, figure) is not None:
                assert machine.sources[figure], (machine.name, figure)
    assert all(g.source for g in bundled_machines().green500)


def test_list_dates_as_years() -> None:
    assert list_year("2013-06") == 2013.46
    assert list_year("2025-11") == 2025.87


def test_trend_fits() -> None:
    assert trend_fit("2013-06", None).doubling_years == pytest.approx(1.9, abs=0.1)
    assert trend_fit("1993-06", "2013-06").doubling_years == pytest.approx(1.1, abs=0.1)
    low, high = trend_fit("2013-06", None).doubling_interval()
    assert low < 1.87 < high


def test_trend_fit_by_hand_on_two_lists() -> None:
    # three points on an exact doubling every year: slope 1, doubling 1 year, no error
    from brainflops.analysis.projections import fit_log2

    fit = fit_log2([2000, 2001, 2002], [1e15, 2e15, 4e15])
    assert fit.doubling_years == pytest.approx(1.0)
    assert fit.slope_se == pytest.approx(0.0, abs=1e-9)


def _years(spec: Any, compute: float | np.ndarray) -> Any:
    return parity_years(resolve("p", spec, bundled_machines().green500), compute)


def test_doubling_reproduces_dettmers() -> None:
    # 2015.57 + d × log2(1.075e21 / 0.58e15) = 2015.57 + d × 20.8217
    for doubling, published in ((1, 2037), (1.8, 2053), (3, 2078)):
        spec = DoublingProjection(
            model="doubling", base_flops=0.58e15, base_date=2015.57, doubling_years=doubling
        )
        by_hand = 2015.57 + doubling * math.log2(1.075e21 / 0.58e15)
        year = _years(spec, 1.075e21).year_median
        assert year == pytest.approx(by_hand)
        assert abs(year - published) <= 1


def _newest_number1() -> tuple[float, float]:
    """(decimal year, log2 Rmax) of the newest list's #1: where projections start."""
    newest = max(top500_number1(), key=lambda r: r.list)
    return list_year(newest.list), math.log2(newest.rmax_flops)


def test_fabrication_limit_slows_the_walk_from_the_newest_list() -> None:
    """Dettmers' limit (2025) has passed: from the newest list (June 2026) the walk's drift is
    one doubling in 3 years, log10(2) / 3 = 0.1003 decades a year; a later limit keeps the
    fitted drift until then (tests/test_forecasts.py follows a path of each by hand)."""
    start, _ = _newest_number1()
    passed = resolve("f", DEFAULT_PROJECTIONS["fabrication-limit-2025"])
    assert passed.shape.slow_after == start == 2026.46
    assert passed.shape.slow_drift_per_year == pytest.approx(math.log10(2) / 3)
    later = FabricationLimitProjection(
        model="fabrication_limit", scaling_ends=2030.0, after_doubling_years=4.0
    )
    assert resolve("g", later).shape.slow_after == 2030.0


def test_power_cap_never_above_the_cap() -> None:
    result = _years(DEFAULT_PROJECTIONS["power-cap-100mw"], 1e30)
    # 1e8 W × 1 / (k_B × 300 K × ln 2) = 1e8 × 3.48e20 = 3.48e28 FLOP/s < 1e30: never
    assert landauer_flops_per_joule(300, 1) * 1e8 == pytest.approx(3.48e28, rel=1e-3)
    assert result.year_median is None and result.year_p5 is None
    assert all(p == 0 for p in result.p_by.values())


def test_power_cap_uses_the_later_of_trend_and_efficiency() -> None:
    spec = PowerCapProjection(model="power_cap", power_budget_w=1e7, max_flops_per_joule=1e12)
    # 10 MW × at most 1e12 FLOP/J = 1e19 FLOP/s: anything above is never reached
    assert _years(spec, 2e19).year_median is None
    # 5e18 is above the newest #1 (2.198e18), so projected: later than the bare trend
    below = _years(spec, 5e18).year_median
    trend = _years(DEFAULT_PROJECTIONS["trend-2013"], 5e18).year_median
    assert below is not None and trend is not None and below > trend


def test_uncertain_years_and_p_by() -> None:
    compute = np.array([1e18, 1e21, 1e30])
    result = _years(DEFAULT_PROJECTIONS["power-cap-100mw"], compute)
    # 3 draws over 2,000 paths: draw j mod 3 meets path j, so 1e30 (never reached) takes
    # 666 of the 2,000 pairs: P by 2100 is at most 1,334 / 2,000 = 0.667
    assert result.p_by[2100] <= 1334 / 2000
    assert result.p_by[2100] == pytest.approx(1334 / 2000, abs=0.005)


def test_the_parity_curve_steps_at_each_sample() -> None:
    # 1e18 was reached by the June 2022 #1 (Frontier, 1.102e18): 2022.46, history first
    compute = np.array([1e18, 1e18, 1e30, 1e30])
    result = _years(DEFAULT_PROJECTIONS["power-cap-100mw"], compute)
    curve = dict(zip(CURVE_YEARS, result.curve, strict=True))
    assert len(CURVE_YEARS) == 4 * 107 + 1 and CURVE_YEARS[0] == 1993 and CURVE_YEARS[-1] == 2100
    assert curve[2022.25] == 0 and curve[2022.5] == pytest.approx(0.5)
    assert curve[2100] == pytest.approx(0.5) == result.p_by[2100]  # 1e30: never under a cap
    assert list(result.curve) == sorted(result.curve)


def test_ratios_by_hand() -> None:
    est = estimate(load_scenario("dettmers-2015").scenario)
    machines = {m.key(): m for m in bundled_machines().machines}
    row = compare_machine(est, machines["lineshine"])
    ratios = {r.key: r for r in row.ratios}
    assert ratios["compute_hpl"].ratio.median == pytest.approx(1.075e21 / 2.198e18)  # 489.1
    assert ratios["compute_hpl"].machines_needed == 490
    assert ratios["compute_hpcg"].ratio.median == pytest.approx(1.075e21 / 22.0e15)  # 48,864
    # LineShine: 22,680 nodes x 576 GiB = 22,680 x 6.18475e11 B = 1.40270e16 B
    assert ratios["memory"].ratio.median == pytest.approx(4.3e13 / 1.40270e16, rel=1e-5)
    # brain: 1.075e21 / 20 W = 5.375e19 FLOP/J; machine: 2.198e18 / 42.2e6 W = 5.21e10
    assert ratios["energy"].ratio.median == pytest.approx(5.375e19 / (2.198e18 / 42.2e6))
    assert row.bottleneck == "compute_hpcg"
    assert "events" not in ratios  # LineShine has no sourced Graph500 figure


def test_default_machines_are_the_newest_number_one_the_ai_leader_and_fugaku() -> None:
    names = [m.name for m in pick_machines(bundled_machines(), ())]
    assert names == ["LineShine", "AWS Project Rainier", "Fugaku"]


def test_compare_cli_json() -> None:
    result = invoke("compare", "dettmers-2015", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [m["name"] for m in doc["machines"]] == [
        "LineShine",
        "AWS Project Rainier",
        "Fugaku",
    ]
    projections = doc["projections"]
    assert any("trend" in n for n in projections) and any("power" in n for n in projections)
    assert set(projections["trend-2013"]) >= {"year_p5", "year_median", "year_p95", "p_by"}
    assert set(projections["trend-2013"]["p_by"]) == {
        "2030",
        "2035",
        "2040",
        "2050",
        "2075",
        "2100",
    }
    assert projections["dettmers-historical"]["year_median"] == pytest.approx(2053, abs=1)
    assert doc["machines"][0]["bottleneck"] == "compute_hpcg"


def test_compare_never_in_terminal_and_json(write: Any) -> None:
    path = write(
        "huge.yaml",
        "brainflops: 1\nname: huge\ntitle: huge\nmethod: functional\n"
        "functional: {reference_flops: 1e30}\n",
    )
    result = invoke("compare", str(path), "--json")
    doc = json.loads(result.stdout)
    assert doc["projections"]["power-cap-100mw"]["year_median"] is None
    assert "never" in invoke("compare", str(path)).stdout


def test_projection_options() -> None:
    result = invoke(
        "compare",
        "dettmers-2015",
        "--json",
        "--projection",
        "trend-2013",
        "--projection",
        "fast={model: doubling, base_flops: 1e21, base_date: 2030, doubling_years: 1}",
    )
    assert result.exit_code == 0, result.stderr
    projections = json.loads(result.stdout)["projections"]
    assert set(projections) == {"trend-2013", "fast"}
    # 2030 + log2(1.075e21 / 1e21) = 2030.104
    assert projections["fast"]["year_median"] == pytest.approx(2030.1, abs=0.01)
    assert_input_error(
        invoke("compare", "dettmers-2015", "--projection", "trend-2031"),
        "unknown projection 'trend-2031'; did you mean 'trend-2013'?",
    )
    assert_input_error(
        invoke("compare", "dettmers-2015", "--projection", "x={model: doubling}"),
        "--projection x={model: doubling}: doubling.base_flops: Field required",
    )
    assert_input_error(
        invoke("compare", "dettmers-2015", "--machine", "fugako"), "did you mean 'fugaku'?"
    )


def test_machines_cli() -> None:
    doc = json.loads(invoke("machines", "--json").stdout)
    assert doc["top500"][0] == {
        **doc["top500"][0],
        "list": "1993-06",
        "rmax_flops": 5.97e10,
    }
    assert any(s["name"] == "Fugaku" and s["graph500_teps"] == 2.04068e17 for s in doc["systems"])
    assert "LineShine" in invoke("machines").stdout


def test_user_machines_file(write: Any) -> None:
    path = write(
        "mine.yaml",
        "machines:\n  - name: Desk\n    list_date: '2025-06'\n    hpl_rmax_flops: 1e14\n"
        "    sources: {hpl_rmax_flops: my own HPL run}\n",
    )
    doc = json.loads(
        invoke(
            "compare", "dettmers-2015", "--machines", str(path), "--machine", "desk", "--json"
        ).stdout
    )
    assert doc["machines"][0]["metrics"]["compute_hpl"]["ratio"]["median"] == pytest.approx(1.075e7)


def test_bad_machines_file(write: Any, tmp_path: Path) -> None:
    path = write(
        "bad.yaml",
        "machines:\n  - name: Desk\n    list_date: '2025-06'\n    hpl_rmax_flops: 1e14\n"
        "    sources: {}\n",
    )
    assert_input_error(
        invoke("machines", "--machines", str(path)),
        f"{path}:2:5: machines.0: every figure needs a source; none for hpl_rmax_flops",
    )
    typo = write(
        "typo.yaml",
        "machines:\n  - name: Desk\n    list_date: '2025-06'\n    hpl: 1\n    sources: {}\n",
    )
    assert_input_error(
        invoke("machines", "--machines", str(typo)), f"{typo}:4:5: machines.0.hpl: unknown key"
    )
    assert_input_error(
        invoke("machines", "--machines", str(tmp_path / "nope.yaml")), "No such file"
    )


def test_parity_is_history_first() -> None:
    # the #1 passed 1e16 FLOP/s on the November 2011 list (K computer, 1.051e16; June 2011
    # was 8.16e15): every projection says 2011 + 0.87, none runs a trend backwards
    for name, spec in DEFAULT_PROJECTIONS.items():
        result = _years(spec, 1e16)
        assert result.year_median == pytest.approx(2011.87), name
        assert result.p_reached == 1.0
    past = history(np.array([1e16]))
    assert (past.median_list, past.p_reached) == ("2011-11", 1.0)
    assert past.median_system is not None and past.median_system.startswith("K computer")
    # BlueGene/L passed 1e14 (Moravec) in June 2005
    assert history(np.array([1e14])).median_list == "2005-06"
    # above the newest #1: projected, never earlier than the newest list
    above = history(np.array([1e16, 1e30]))
    assert above.p_reached == 0.5 and above.years[1] == math.inf


def test_compare_json_and_terminal_say_when_history_reached_it(write: Any) -> None:
    path = write(
        "point.yaml",
        "brainflops: 1\nname: point\ntitle: point\nmethod: functional\n"
        "functional: {reference_flops: 1e16}\n",
    )
    doc = json.loads(invoke("compare", str(path), "--json").stdout)
    assert doc["history"] == {
        "p_reached": 1.0,
        "median_list": "2011-11",
        "median_system": doc["history"]["median_system"],
        "censored": None,
    }
    top500 = [p for p in doc["projections"].values() if p["series"] == "top500"]
    ai = [p for p in doc["projections"].values() if p["series"] == "ai"]
    assert top500 and all(p["year_median"] == 2011.87 for p in top500)
    # the first AI system at or above 1e16 BF16 FLOP/s: Google's TensorFlow Research Cloud
    # (1.84e17), operational 2017-05-17 = 2017 + 4/12 + 16/365 = 2017.38
    assert ai and all(p["year_median"] == 2017.38 for p in ai)
    assert doc["ai_history"]["median_system"] == "Google TensorFlow Research Cloud"
    assert all(p["p_reached"] == 1.0 for p in doc["projections"].values())
    assert doc["newest_number1"].startswith("LineShine")
    # moravec-1998: 1e14 instructions/s x 0.303 FLOP per instruction = 3.03e13 FLOP/s; the
    # first #1 at or above it is the Earth Simulator (35.86 TFLOP/s, June 2002)
    shown = invoke("compare", "moravec-1998").stdout
    assert "reached it on the June 2002 list (Earth Simulator" in shown


def test_parity_per_resource_says_which_comes_last() -> None:
    # moravec-1998: 3.03e13 FLOP/s (Earth Simulator, June 2002) and 1e14 B of memory; the
    # first list with a memory figure, June 2008 (Roadrunner, 1.139e14 B), already holds it
    doc = json.loads(invoke("compare", "moravec-1998", "--json").stdout)
    resources = doc["resources"]
    assert resources["compute_hpl"]["median_list"] == "2002-06"
    assert resources["memory"]["median_list"] == "2008-06"
    assert resources["memory"]["year_median"] == 2008.46
    assert doc["last_resource"] == "memory"
    # dettmers-2015: 1.075e21 / 20 W = 5.375e19 FLOP/J, far past the #1's 2.198e18 / 42.2 MW
    # = 5.2e10 FLOP/J: energy efficiency is reached last, after HPL compute
    doc = json.loads(invoke("compare", "dettmers-2015", "--json").stdout)
    years = {k: v["year_median"] for k, v in doc["resources"].items()}
    assert years["energy"] > years["compute_hpl"] > 2026
    assert doc["last_resource"] == "energy"
    assert years["compute_hpl"] == doc["projections"]["trend-2013"]["year_median"]
    shown = invoke("compare", "dettmers-2015").stdout
    assert "Reached last: energy efficiency" in shown


def _point(write: Any, flops: float) -> dict[str, Any]:
    path = write(
        "point.yaml",
        f"brainflops: 1\nname: p\ntitle: p\nstated: {{compute: {flops}}}\nmethod: stated\n",
    )
    result = invoke("compare", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_a_value_below_the_first_data_point_is_censored_history(write: Any) -> None:
    """The first TOP500 #1 (CM-5, June 1993) had 59.7 GFLOP/s and the first AI system in
    the data (May 2017) 1.84e17: 1e10 was reached on or before both, not on those dates."""
    doc = _point(write, 1e10)
    assert doc["history"]["censored"] == "before"
    assert doc["history"]["median_list"] == "1993-06"
    assert doc["ai_history"]["censored"] == "before"
    assert doc["ai_history"]["median_month"] == "2017-05"
    for p in doc["projections"].values():
        if p["model"] != "doubling":
            assert p["censored"] == "before", p
    # 1e13 is above the first #1 (reached on the June 2002 list, 35.9 TFLOP/s) and below the
    # first AI system: censored in the AI history only
    doc = _point(write, 1e13)
    assert doc["history"]["censored"] is None and doc["history"]["median_list"] == "2002-06"
    assert doc["ai_history"]["censored"] == "before"
    text = invoke(
        "compare",
        str(
            write(
                "p.yaml",
                "brainflops: 1\nname: p\ntitle: p\nstated: {compute: 1e10}\nmethod: stated\n",
            )
        ),
    ).stdout
    assert "reached it ≤ June 1993 (the first TOP500 list" in text
    assert "reached it ≤ May 2017 (the first AI system" in text
    assert "≤1993" in text and "≤2017" in text


def test_a_value_above_the_newest_number1_is_projected_from_it(write: Any) -> None:
    """Between the newest #1 and twice it: never dated to the newest list, every fitted
    projection starts at the newest #1 and gives a later year."""
    start, start_log2 = _newest_number1()
    doc = _point(write, 1.5 * 2**start_log2)
    assert doc["history"]["p_reached"] == 0 and doc["history"]["median_list"] is None
    for name, p in doc["projections"].items():
        if p["series"] == "top500":
            assert p["year_p5"] >= 2026.87, name  # the next list at the earliest
    # the walk's drift from its own fit: log10(1.5) / drift years after the newest #1, the
    # median path; a first passage of a noisy path comes a little earlier, never later
    drift = math.log10(2) / doc["projections"]["trend-2013"]["doubling_years"]
    by_hand = start + math.log10(1.5) / drift
    assert 2026.87 <= doc["projections"]["trend-2013"]["year_median"] <= by_hand + 0.5


def test_no_projection_passes_the_physical_limit(write: Any) -> None:
    # 1361 W/m² × π × (6.371e6 m)² = 1.7355e17 W of sunlight; at 300 K and 1 bit per FLOP,
    # 1 / (1.380649e-23 × 300 × 0.693147) = 1 / 2.87098e-21 = 3.48313e20 FLOP/J: 6.045e37
    sunlight = 1361 * math.pi * 6.371e6**2
    assert physical_limit_flops() == pytest.approx(sunlight * 3.48313e20, rel=1e-5)
    assert physical_limit_flops() == pytest.approx(6.045e37, rel=1e-3)
    doc = _point(write, 1e43)
    for name, p in doc["projections"].items():
        assert p["year_median"] is None and p["year_p5"] is None, name
        assert "physical limit" in (p["limit"] or ""), name
    # uncapped: the trend's paths are held at the limit, never above
    p = resolve("trend-2013", DEFAULT_PROJECTIONS["trend-2013"])
    assert float(p.paths().values.max()) <= math.log10(6.05e37)


def test_efficiency_starts_at_the_newest_green500_leader() -> None:
    leaders = bundled_machines().green500
    newest = max(leaders, key=lambda g: g.list_date)
    fit = efficiency_fit(tuple(leaders))
    at_newest = 2 ** float(fit.log2_at(list_year(newest.list_date)))
    assert at_newest == pytest.approx(newest.gflops_per_w * 1e9, rel=1e-9)


def test_the_bottleneck_is_dated_or_the_years_say_which_resource_they_are_for() -> None:
    """dettmers-2015 on LineShine binds on HPCG, not on the HPL that the years are for."""
    result = invoke("compare", "dettmers-2015", "--json")
    doc = json.loads(result.stdout)
    binding = doc["bottleneck_parity"]
    assert binding["resource"] == "compute_hpcg" and binding["machine"] == "LineShine"
    # LineShine: 2.198e18 HPL / 22.0e15 HPCG = 99.909 HPL FLOP/s per HPCG FLOP/s; the brain's
    # 1.075e21 needs 1.0740e23 HPL, log2(1.0740e23 / 2.198e18) = 15.577 doublings past the
    # newest #1 at the trend's doubling time
    assert binding["hpl_flops_per_unit"] == pytest.approx(2.198e18 / 22.0e15, rel=1e-4)
    # newest #1 at the walk's doubling time (the median path; a first passage is earlier by
    # a little, within a year at 31 years' distance)
    start, start_log2 = _newest_number1()
    doubling = doc["projections"]["trend-2013"]["doubling_years"]
    by_hand = start + (math.log2(1.075e21 * 2.198e18 / 22.0e15) - start_log2) * doubling
    assert by_hand - 1 <= binding["year_median"] <= by_hand + 0.5
    text = invoke("compare", "dettmers-2015").stdout
    assert "These years are for compute at HPL FP64" in " ".join(text.split())
