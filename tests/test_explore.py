"""The explorer (issue 29): the exported model, the parity curves, and the page itself.

The page's numbers must be the engine's: the exported model evaluated at a point is the
point estimate, and a parity year read off the exported curves is `parity_years`' own.
The browser half (Chromium) is in test_explore_browser.py.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import brainflops as bf
from brainflops.analysis.explore import explorer_document, year_ranks
from brainflops.analysis.projections import (
    ai_history,
    history,
    parity_years,
    projection_set,
    resolve,
)
from brainflops.defaults import DEFAULT_SEED
from brainflops.engine.export import input_bounds, model_document
from brainflops.model.data import load_machines
from brainflops.model.load import bundled_dir
from brainflops.model.quantity import Range
from brainflops.render.explore import embedded_json, is_explorer_page
from tests import explorer_ref
from tests.conftest import assert_input_error, invoke

BUNDLED = sorted(p.stem for p in bundled_dir().glob("*.yaml"))


def test_the_ranks_are_those_np_percentile_interpolates_between() -> None:
    # 2,000 paths: virtual indices 1999 × 0.05 = 99.95, × 0.5 = 999.5, × 0.95 = 1899.05
    assert year_ranks(2000) == [99, 100, 999, 1000, 1899, 1900]
    assert year_ranks(1) == [0]


def test_slider_bounds_are_the_1st_to_99th_percentile_or_a_tenth_to_ten_times() -> None:
    assert input_bounds(4.0) == (0.4, 40.0)
    # lognormal 1 to 100 (90%): ln-sd = 4.60517 / (2 × 1.644854) = 1.399873; the 1st
    # percentile is 10 × e^-(2.326348 × 1.399873) = 10 × e^-3.256592 = 0.38520, the 99th
    # 10 / 0.038520 = 259.61
    low, high = input_bounds(Range(low=1, high=100))
    assert low == pytest.approx(0.38520, rel=1e-4) and high == pytest.approx(259.61, rel=1e-4)
    # uniform 2 to 4: 2 + 2 × 0.01 = 2.02 and 3.98
    assert input_bounds(Range(low=2, high=4, dist="uniform")) == pytest.approx((2.02, 3.98))
    # a normal 1 to 9 (90%): sd = 8 / 3.2897 = 2.432, 1st percentile 5 - 5.657 < 0: a log
    # scale starts at a tenth of the median, 0.5
    assert input_bounds(Range(low=1, high=9, dist="normal"))[0] == 0.5


def test_the_exported_model_of_dettmers_is_his_arithmetic() -> None:
    model = bf.export_model("dettmers-2015")
    values = explorer_ref.medians(model)
    # (1e8 × 1e5 + 5e10 × 15) events/s × 200 Hz ... = 1.075e21 (the post's figure): each
    # event costs 5 steps × 10·1000·5 kernel × 2 FLOP = 5e5 FLOP; events: 200 × (1e13 +
    # 7.5e11) = 2.15e15/s
    assert explorer_ref.evaluate(model["outputs"]["compute_flops"], values) == pytest.approx(
        2.15e15 * 5e5, rel=1e-12
    )
    paths = [i["path"] for i in model["inputs"]]
    assert "factors.neural_backprop" in paths  # a factor of 1 is an input too
    doubled = {**values, "factors.neural_backprop": 2.0}
    assert explorer_ref.evaluate(model["outputs"]["compute_flops"], doubled) == pytest.approx(
        2.15e21, rel=1e-12
    )


@pytest.mark.parametrize("name", BUNDLED)
def test_every_input_is_a_set_path_and_the_model_is_the_point_estimate(name: str) -> None:
    """Each input moved to 3.7× its value, on the command line and in the exported model:
    every output agrees to 1e-12 (the page's arithmetic is this one, in JavaScript)."""
    model = bf.export_model(name)
    if model["components"]:
        pytest.skip("a mixture: its weights are checked in the browser test")
    values = {path: value * 3.7 for path, value in explorer_ref.medians(model).items()}
    est = bf.estimate(name, set=values)
    assert not est.uncertain  # every input set: a point
    for output, figure in explorer_ref.point_outputs(model, values).items():
        stats = est.stats[output]
        assert (figure is None) == (stats is None), output
        if figure is not None and stats is not None:
            assert figure == pytest.approx(stats.median, rel=1e-12, abs=0), output


def test_vars_and_conversions_travel_in_the_model(tmp_path: Path) -> None:
    text = (
        "brainflops: 1\nname: v\ntitle: v\nmethod: mechanistic\nsource_unit: instructions\n"
        "conversion: {flop_per_unit: 2, source: a test, url: https://example.org}\n"
        "vars: {rate: {low: 1, high: 4}}\n"
        "populations:\n"
        "  a: {neurons: 10, firing_rate_hz: {var: rate}, synapses_per_neuron: 3,\n"
        "      cost: {model: synaptic, flops_per_event: 5}}\n"
        "  b: {neurons: 7, firing_rate_hz: {var: rate}, synapses_per_neuron: 1,\n"
        "      cost: {model: synaptic, flops_per_event: 1}}\n"
    )
    model = model_document(bf.load(text))
    paths = [i["path"] for i in model["inputs"]]
    assert "vars.rate" in paths and "conversion.flop_per_unit" in paths
    assert not any(p.endswith("firing_rate_hz") for p in paths)  # the var, once
    values = {**explorer_ref.medians(model), "vars.rate": 3.0}
    # compute = 2 × rate × (10 × 3 × 5 + 7 × 1 × 1) = 2 × 3 × 157 = 942
    assert explorer_ref.evaluate(model["outputs"]["compute_flops"], values) == pytest.approx(942)


def _projections() -> list[tuple[str, object]]:
    machines = load_machines(None)
    specs = projection_set(bf.load("dettmers-2015").projections)
    return [(name, resolve(name, spec, machines.green500)) for name, spec in specs.items()]


@pytest.fixture(scope="module")
def document() -> dict[str, object]:
    scenarios = [bf.load("dettmers-2015"), bf.load("carlsmith-2020")]
    return explorer_document(scenarios, load_machines(None), DEFAULT_SEED)


def test_curves_give_parity_years_s_own_years_at_any_point(document: dict[str, object]) -> None:
    """Across 1e10 to 1e40 FLOP/s (history, projections, past the horizon, beyond the
    physical limit): the years from the curves are exactly parity_years'."""
    projections = {p["name"]: p for p in document["projections"]}  # type: ignore[attr-defined]
    checked = 0
    for x in [*np.logspace(10, 40, 61), 1.075e21, 2.198e18, 2.2e18, 6.1e37]:
        for name, projection in _projections():
            past = ai_history(x) if projection.series == "ai" else history(x)  # type: ignore[attr-defined]
            want = parity_years(projection, float(x), past)  # type: ignore[arg-type]
            got = explorer_ref.parity(document, projections[name], float(x))  # type: ignore[arg-type]
            for key in ("year_p5", "year_median", "year_p95"):
                assert got[key] == getattr(want, key), (name, x, key)
            checked += 1
    assert checked == 65 * 10


def test_the_json_in_the_page_cannot_end_its_script() -> None:
    text = embedded_json({"title": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"title": "</script><script>alert(1)</script> & <!--"}


def test_export_model_prints_the_api_s_model() -> None:
    result = invoke("export-model", "dettmers-2015", "--set", "factors.neural_backprop=2")
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == json.loads(
        json.dumps(bf.export_model("dettmers-2015", set={"factors.neural_backprop": 2}))
    )
    backprop = next(i for i in printed["inputs"] if i["path"] == "factors.neural_backprop")
    assert backprop["value"] == 2 and backprop["low"] == 0.2 and backprop["high"] == 20


def test_explore_writes_a_page_and_never_over_a_users_file(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = invoke("explore", "dettmers-2015", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert is_explorer_page(text) and "dettmers-2015" in text
    again = invoke("explore", "carlsmith-2020", "-o", str(out), "-n", "2000")
    assert again.exit_code == 0, again.stderr  # its own page: replaced
    mine = tmp_path / "mine.html"
    mine.write_text("<p>my notes</p>")
    refused = invoke("explore", "dettmers-2015", "-o", str(mine))
    assert_input_error(refused, "exists and is not a page brainflops wrote; nothing was changed")
    assert mine.read_text() == "<p>my notes</p>"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["explore", "no-such-scenario", "-o", "x.html"], "no-such-scenario"),
        (["export-model", "dettmers-2015", "--set", "factors.x"], "expected key.path=value"),
        (["explore", "dettmers-2015", "-o", "/no/such/dir/x.html"], "/no/such/dir/x.html"),
    ],
)
def test_bad_explore_calls_are_one_located_line(args: list[str], fragment: str) -> None:
    assert_input_error(invoke(*args), fragment)


def test_the_page_data_is_finite_and_deterministic(document: dict[str, object]) -> None:
    again = explorer_document(
        [bf.load("dettmers-2015"), bf.load("carlsmith-2020")], load_machines(None), DEFAULT_SEED
    )
    assert json.dumps(again, allow_nan=False) == json.dumps(document, allow_nan=False)
    assert all(math.isfinite(v) for p in again["projections"] for v in p.get("dates", []))
