"""extends, --set, the bundled library, check and diff."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from brainflops.analysis.diff import diff, shapley_factors
from brainflops.engine import estimate
from brainflops.errors import InputError
from brainflops.model.load import bundled_names, load_scenario
from tests.conftest import ROOT, assert_input_error, invoke

BASE = """brainflops: 1
name: base
title: base
description: the parent
populations:
  cortex:
    neurons: 1e10
    synapses_per_neuron: 1000
    firing_rate_hz: 1
    cost: {model: convolution, kernel: [3, 4, 5], time_steps: 5}
factors:
  neural_backprop: 2
memory:
  bytes_per_synapse: 4
expect:
  compute_flops: {value: 1, rel_tol: 0.1}
"""


def test_extends_deep_merges_and_replaces_lists(write: Any) -> None:
    write("base.yaml", BASE)
    child = write(
        "child.yaml",
        "brainflops: 1\nname: child\ntitle: child\nextends: base.yaml\n"
        "populations:\n  cortex:\n    firing_rate_hz: 2\n    cost: {kernel: [10]}\n",
    )
    s = load_scenario(str(child)).scenario
    cortex = s.populations["cortex"]
    assert cortex.firing_rate_hz == 2  # the child wins
    assert cortex.neurons == 1e10  # the rest of the mapping is inherited
    assert cortex.cost.model == "convolution" and cortex.cost.kernel == [10]  # lists replace
    assert s.factors.neural_backprop == 2 and s.memory.bytes_per_synapse == 4
    assert s.description == "the parent"  # description is inherited
    assert s.expect.compute_flops is None  # expect is never inherited
    assert (s.name, s.title) == ("child", "child")


def test_a_parent_parsed_once_is_still_read_afresh_when_it_changes(write: Any) -> None:
    import os

    base = write("base.yaml", BASE)
    child = write(
        "child.yaml",
        "brainflops: 1\nname: child\ntitle: child\nextends: base.yaml\n"
        "populations:\n  cortex:\n    firing_rate_hz: 2\n",
    )
    first = load_scenario(str(child), ["populations.cortex.neurons=5"]).scenario
    again = load_scenario(str(child)).scenario  # the --set of the first run did not stick
    assert first.populations["cortex"].neurons == 5 and again.populations["cortex"].neurons == 1e10
    base.write_text(BASE.replace("neurons: 1e10", "neurons: 3e10"))
    os.utime(base, ns=(1, 1))  # another mtime, even on a coarse clock
    assert load_scenario(str(child)).scenario.populations["cortex"].neurons == 3e10


def test_name_and_title_are_not_inherited(write: Any) -> None:
    write("base.yaml", BASE)
    child = write("child.yaml", "brainflops: 1\nextends: base.yaml\n")
    result = invoke("validate", str(child))
    assert_input_error(result, f"{child}:1:1: missing required key 'name'")
    assert "missing required key 'title'" in result.stderr


def test_errors_in_a_parent_point_at_the_parent(write: Any) -> None:
    parent = write("base.yaml", BASE.replace("firing_rate_hz: 1", "firing_rate_hz: -1"))
    child = write("child.yaml", "brainflops: 1\nname: c\ntitle: c\nextends: base.yaml\n")
    assert_input_error(invoke("validate", str(child)), f"{parent}:9:21: populations.cortex")


def test_extends_cycle_names_the_chain(write: Any, tmp_path: Path) -> None:
    write("a.yaml", "brainflops: 1\nname: a\ntitle: a\nextends: b.yaml\n")
    write("b.yaml", "brainflops: 1\nname: b\ntitle: b\nextends: a.yaml\n")
    result = invoke("validate", str(tmp_path / "a.yaml"))
    assert_input_error(result, "extends cycle: ")
    assert f"{tmp_path}/a.yaml → {tmp_path}/b.yaml → {tmp_path}/a.yaml" in result.stderr


def test_extends_missing_parent(write: Any) -> None:
    child = write("c.yaml", "brainflops: 1\nname: c\ntitle: c\nextends: nowhere.yaml\n")
    assert_input_error(invoke("validate", str(child)), f"{child}:4:10: extends: parent")
    child = write("d.yaml", "brainflops: 1\nname: d\ntitle: d\nextends: dettmers-2016\n")
    assert_input_error(invoke("validate", str(child)), "did you mean dettmers-2015")


def test_extends_depth_limit(write: Any) -> None:
    write("s0.yaml", BASE)
    for i in range(1, 12):
        write(f"s{i}.yaml", f"brainflops: 1\nname: s{i}\ntitle: t\nextends: s{i - 1}.yaml\n")
    ok = write("ok.yaml", "brainflops: 1\nname: ok\ntitle: t\nextends: s8.yaml\n")
    assert invoke("validate", str(ok)).exit_code == 0  # 10 files in the chain
    deep = write("deep.yaml", "brainflops: 1\nname: deep\ntitle: t\nextends: s11.yaml\n")
    assert_input_error(invoke("validate", str(deep)), "extends chain deeper than 10: ")


def test_extends_a_directory_is_an_input_error(write: Any, tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    child = write("c.yaml", "brainflops: 1\nname: c\ntitle: c\nextends: dir.yaml\n")
    assert_input_error(invoke("validate", str(child)), "extends: parent")


def test_set_overrides_after_extends() -> None:
    s = load_scenario(
        "dettmers-2015-text",
        ["factors.neural_backprop=1 to 2", "populations.purkinje.firing_rate_hz=1"],
    ).scenario
    assert s.factors.neural_backprop.low == 1  # type: ignore[union-attr]
    assert s.populations["purkinje"].firing_rate_hz == 1
    assert s.populations["granule"].cost.kernel == [3, 4, 5]  # type: ignore[union-attr]


def test_set_on_the_cli_changes_the_numbers() -> None:
    result = invoke(
        "estimate", "dettmers-2015", "--json", "--set", "populations.purkinje.firing_rate_hz=1"
    )
    # purkinje at 1 Hz: 1e21 / 200 = 5e18; granule unchanged 7.5e19 → 8e19
    assert json.loads(result.stdout)["compute_flops"]["median"] == pytest.approx(8e19)


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (
            "populations.purkinj.neurons=1",
            "populations.purkinj: no such entry; did you mean 'purkinje'?",
        ),
        (
            "factors.neural_backprp=2",
            "factors.neural_backprp: unknown key; did you mean 'factors.neural_backprop'?",
        ),
        ("factors.neural_backprop", "expected key.path=value"),
        ("populations.purkinje.neurons=-1", "populations.purkinje.neurons: must be > 0"),
        (
            "populations.purkinje.neurons.x=1",
            "populations.purkinje.neurons is a value, not a mapping",
        ),
        ("name=[unclosed", "YAML error"),
    ],
)
def test_set_errors(assignment: str, message: str) -> None:
    result = invoke("estimate", "dettmers-2015", "--set", assignment)
    assert_input_error(result, message)
    assert f"--set {assignment}" in result.stderr


def test_every_bundled_scenario_is_listed_and_sourced() -> None:
    names = bundled_names()
    expected = {
        "dettmers-2015", "dettmers-2015-text", "dettmers-2015-backprop", "moravec-1998",
        "kurzweil-1999", "kurzweil-2005", "merkle-1989", "carlsmith-2020",
        "carlsmith-2020-limit", "aiimpacts-2015-teps", "sobe-2025-event",
        "sobe-2025-timestep", "sandberg-2013",
        *(f"wbe-2008-level{i}" for i in range(3, 11)),
    }  # fmt: skip
    assert expected <= set(names)
    listed = {row["name"] for row in json.loads(invoke("list", "--json").stdout)["scenarios"]}
    assert expected <= listed
    for name in names:
        s = load_scenario(name).scenario
        assert s.name == name
        assert s.source is not None and s.source.url and s.source.year, name
        assert s.description.strip(), name
        assert s.expect.model_dump(exclude_none=True, exclude_defaults=True), name


def test_check_passes_on_the_bundled_library() -> None:
    result = invoke("check", str(ROOT / "scenarios"), "--json")
    assert result.exit_code == 0, result.stdout
    doc = json.loads(result.stdout)
    assert doc["passed"] and len(doc["checks"]) >= 30


def test_check_fails_on_a_wrong_expect(write: Any) -> None:
    path = write(
        "wrong.yaml",
        "brainflops: 1\nname: wrong\ntitle: wrong\nextends: dettmers-2015\n"
        "expect:\n  compute_flops: {value: 1e20, rel_tol: 0.01}\n"
        "  projections: {dettmers-moore: {year: 2030}, nope: {year: 2040}}\n",
    )
    result = invoke("check", str(path))
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "3 checks failed" in result.stderr
    assert "no projection named 'nope'" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_on_bad_input_exits_2(tmp_path: Path) -> None:
    assert_input_error(invoke("check", str(tmp_path)), "directory has no *.yaml scenario files")


def test_shapley_two_parameters_by_hand() -> None:
    # f(∅) = 2, f({x}) = 8, f({y}) = 6, f({x, y}) = 48: total ratio 24
    f = {frozenset(): 2.0, frozenset("x"): 8.0, frozenset("y"): 6.0, frozenset("xy"): 48.0}
    factors, method = shapley_factors(["x", "y"], f.__getitem__)
    assert factors is not None and method == "exact Shapley"
    # ln φx = ½ (ln 8/2 + ln 48/6) = ½ (ln 4 + ln 8) → φx = √32; φy = √(3 · 6) = √18
    assert factors["x"] == pytest.approx(math.sqrt(32))
    assert factors["y"] == pytest.approx(math.sqrt(18))
    assert factors["x"] * factors["y"] == pytest.approx(24)


def test_shapley_factors_past_float64_are_undefined_not_a_crash() -> None:
    """Found by the fuzzer: f(∅) = 5e-324, f({x}) = 1e21. ln φx = ln 1e21 - ln 5e-324
    = 48.4 + 744.4 = 792.8 > ln(1.8e308) = 709.8: no float holds the factor."""
    f = {frozenset(): 5e-324, frozenset("x"): 1e21}
    assert shapley_factors(["x"], f.__getitem__) == (
        None,
        "undefined (a factor is past float64's range)",
    )
    # a finite total whose factors are not: ln φx = ½ (ln 1e300/1 + ln 1e300/1e-300)
    # = ½ (690.8 + 1381.6) = 1036.2, past 709.8 (φy = e^-345.4); φx φy = e^690.8 = 1e300
    g = {frozenset(): 1.0, frozenset("x"): 1e300, frozenset("y"): 1e-300, frozenset("xy"): 1e300}
    assert shapley_factors(["x", "y"], g.__getitem__)[0] is None


@pytest.mark.parametrize("compute", ["5e-324", "{low: 1e-300, high: 1e-290}"])
def test_a_ratio_past_float64_is_no_ratio(write: Any, compute: str) -> None:
    """dettmers-2015 (~1e21 FLOP/s) ÷ 5e-324 FLOP/s = 2e344: past float64 (1.8e308)."""
    text = (ROOT / "scenarios" / "cotra-2020.yaml").read_text(encoding="utf-8")
    assert "\n  compute: 1e15\n" in text
    path = write("tiny.yaml", text.replace("\n  compute: 1e15\n", f"\n  compute: {compute}\n"))
    result = invoke("diff", str(path), "dettmers-2015", "--json", "-n", "2000")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    compute_diff = json.loads(result.stdout)["outputs"]["compute_flops"]
    assert compute_diff["ratio"] is None and compute_diff["point_ratio"] is None
    assert compute_diff["method"] == "none (the ratio is past float64's range)"
    shown = invoke("diff", str(path), "dettmers-2015", "-n", "2000")
    assert shown.exit_code == 0 and "past float64" in shown.stdout


def test_sampled_shapley_beyond_the_exact_limit() -> None:
    players = [f"p{i}" for i in range(14)]

    def f(coalition: frozenset[str]) -> float:  # independent factors of 2 each
        return 2.0 ** len(coalition)

    factors, method = shapley_factors(players, f, permutations=50)
    assert factors is not None and method.startswith("sampled")
    assert all(v == pytest.approx(2.0) for v in factors.values())
    # every permutation gives every player ln 2: no spread, no error
    assert method == "sampled Shapley (50 permutations; standard error at most 0.00%)"


def test_sampled_shapley_reports_its_error() -> None:
    players = [f"p{i}" for i in range(13)]

    def f(coalition: frozenset[str]) -> float:  # p0 doubles f only once p1 is in
        return 2.0 if {"p0", "p1"} <= coalition else 1.0

    factors, method = shapley_factors(players, f, permutations=400, seed=3)
    assert factors is not None
    # exact: p0 and p1 each get √2 (half of ln 2 each); a sampled estimate has a spread:
    # each contribution is ln 2 or 0 with p = ½, sd = ln 2 / 2, se = 0.3466 / √400 = 0.0173,
    # e^0.0173 - 1 = 1.75% (the sampled sd wobbles a little about ln 2 / 2)
    assert factors["p0"] == pytest.approx(math.sqrt(2), rel=0.06)
    assert re.search(r"standard error at most 1\.7\d%\)", method), method


def test_diff_puts_numbers_into_the_model_when_the_structure_is_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Substituting B's numbers into A's model gives what validating each mix gives."""
    import brainflops.analysis.diff as module

    changes = [
        "populations.purkinje.firing_rate_hz=3",
        "populations.purkinje.synapses_per_neuron=150000",
        "populations.granule.firing_rate_hz=0.5",
        "memory.bytes_per_synapse=8",
        "populations.purkinje.cost.flops_per_mac=3",  # the player is the whole `cost`
    ]
    a = estimate(load_scenario("dettmers-2015").scenario)
    b = estimate(load_scenario("dettmers-2015", changes).scenario)
    paths = [c.split("=")[0] for c in changes[:-1]] + ["populations.purkinje.cost"]
    assert module._substitution(a, b, paths) is not None  # the fast path applies here
    fast = module.diff(a, b)
    monkeypatch.setattr(module, "_substitution", lambda *args: None)
    slow = module.diff(a, b)
    assert fast == slow
    largest = fast.outputs["compute_flops"].attribution[0]
    assert largest.parameter.startswith("populations.purkinje")


def test_diff_attribution_multiplies_to_the_ratio() -> None:
    a = estimate(load_scenario("dettmers-2015").scenario)
    b = estimate(
        load_scenario(
            "dettmers-2015",
            ["populations.purkinje.firing_rate_hz=1", "factors.neural_backprop=2"],
        ).scenario
    )
    d = diff(a, b)
    compute = d.outputs["compute_flops"]
    # B = (1e21/200 + 7.5e19) × 2 = 1.6e20; ratio 1.6e20 / 1.075e21 = 0.14884
    assert compute.point_ratio == pytest.approx(1.6e20 / 1.075e21)
    factors = {x.parameter: x.factor for x in compute.attribution}
    assert math.prod(factors.values()) == pytest.approx(compute.point_ratio)
    assert factors["factors.neural_backprop"] == pytest.approx(2.0)  # multiplies every term
    assert compute.attribution[0].parameter == "populations.purkinje.firing_rate_hz"


def test_diff_across_population_sets() -> None:
    result = invoke("diff", "dettmers-2015", "carlsmith-2020", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    paths = [p["path"] for p in doc["parameters"]]
    assert "populations.granule" in paths  # missing in carlsmith-2020: counts as zero
    assert "populations.purkinje/all.firing_rate_hz" in paths
    compute = doc["outputs"]["compute_flops"]
    assert compute["ratio"]["median"] < 1e-4
    factors = [x["factor"] for x in compute["attribution"]]
    assert math.prod(factors) == pytest.approx(compute["point_ratio"], rel=1e-4)
    biggest = compute["attribution"][0]["parameter"]
    assert biggest == "populations.purkinje/all.cost"  # the convolution kernel vs 1-100 FLOP
    assert doc["outputs"]["memory_bytes"]["ratio"] is None  # carlsmith-2020 gives no memory
    text = invoke("diff", "dettmers-2015", "carlsmith-2020").stdout
    assert "What moves compute" in text and "firing_rate_hz" in text


def test_diff_with_different_methods() -> None:
    result = invoke("diff", "moravec-1998", "dettmers-2015", "--json")
    doc = json.loads(result.stdout)
    compute = doc["outputs"]["compute_flops"]
    # Moravec's 1e14 instructions/s at 0.303 FLOP per instruction
    assert compute["ratio"]["median"] == pytest.approx(1.075e21 / (1e14 * 0.303), rel=1e-4)
    assert [x["parameter"] for x in compute["attribution"]] == ["method"]


def test_diff_unknown_scenario() -> None:
    assert_input_error(invoke("diff", "dettmers-2015", "nope-2020"), "nope-2020: unknown scenario")


def test_load_errors_are_typed() -> None:
    with pytest.raises(InputError):
        load_scenario("dettmers-2015", ["=1"])


def _two_rates(shared: bool, places: int) -> str:
    """A cortex (and a cerebellum) firing 0.1 to 10 Hz, written inline or through a var."""
    rate = "{var: rate}" if shared else "{low: 0.1, high: 10}"
    names = ["cortex", "cerebellum"][:places]
    pops = "".join(
        f"  {n}:\n    neurons: 1e10\n    synapses_per_neuron: 1000\n"
        f"    firing_rate_hz: {rate}\n    cost: {{model: synaptic, flops_per_event: 1}}\n"
        for n in names
    )
    head = "vars:\n  rate: {low: 0.1, high: 10}\n" if shared else ""
    return f"brainflops: 1\nname: s\ntitle: s\n{head}populations:\n{pops}"


def test_diff_of_a_var_used_once_and_the_same_range_inline_is_exactly_one(write: Any) -> None:
    """Draws pair by what a quantity is (its place in the model), not how it is written."""
    inline = load_scenario(str(write("inline.yaml", _two_rates(False, 1)))).scenario
    shared = load_scenario(str(write("shared.yaml", _two_rates(True, 1)))).scenario
    d = diff(estimate(inline, 20_000, 7), estimate(shared, 20_000, 7))
    assert d.parameters == ()
    for output in ("compute_flops", "events_per_s", "lifetime_flop"):
        o = d.outputs[output]
        assert o.ratio is not None
        assert (o.ratio.p5, o.ratio.median, o.ratio.p95) == (1.0, 1.0, 1.0)
        assert o.point_ratio == 1.0
        assert o.attribution == ()
    assert d.outputs["memory_bytes"].method == "unknown in both"
    assert "undefined" not in json.dumps([o.method for o in d.outputs.values()])


def test_diff_shows_the_spread_a_shared_draw_adds_and_names_it(write: Any) -> None:
    inline = load_scenario(str(write("inline.yaml", _two_rates(False, 2)))).scenario
    shared = load_scenario(str(write("shared.yaml", _two_rates(True, 2)))).scenario
    d = diff(estimate(inline, 200_000, 7), estimate(shared, 200_000, 7))
    # shared: 2r k; inline: (r1 + r2) k, r1 from the cortex's stream as the var is (its
    # first use): ratio 2 / (1 + exp(D)), D = ln r2 - ln r1 ~ N(0, 2σ²),
    # σ = ln(100) / (2 × 1.6449) = 1.3998, sd of D = 1.9796; the ratio's 95th percentile
    # is 2 / (1 + exp(-1.6449 × 1.9796)) = 2 / 1.03852 = 1.9258, its 5th 2 / 27.97 = 0.07415
    ratio = d.outputs["compute_flops"].ratio
    assert ratio is not None
    assert ratio.median == pytest.approx(1.0, abs=0.01)
    assert ratio.p95 == pytest.approx(1.9258, rel=0.005)
    assert ratio.p5 == pytest.approx(0.07415, rel=0.03)
    assert [p.path for p in d.parameters] == ["vars.rate"]
    attribution = d.outputs["compute_flops"].attribution
    assert [(x.parameter, x.factor) for x in attribution] == [("vars.rate", 1.0)]
