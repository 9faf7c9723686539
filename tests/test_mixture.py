"""Mixtures of estimates: each sample draws one component by weight (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_input_error, invoke


def _point(folder: Path, name: str, flops: float) -> None:
    text = f"brainflops: 1\nname: {name}\ntitle: {name}\nmethod: stated\n"
    (folder / f"{name}.yaml").write_text(text + f"stated: {{compute: {flops}}}\n", encoding="utf-8")


@pytest.fixture
def mixture(tmp_path: Path) -> Path:
    _point(tmp_path, "low", 1e15)
    _point(tmp_path, "high", 1e18)
    path = tmp_path / "mix.yaml"
    path.write_text(
        "brainflops: 1\nname: mix\ntitle: mix\nmethod: mixture\ncomponents:\n"
        "  - {scenario: low.yaml, weight: 0.3}\n  - {scenario: high.yaml, weight: 0.7}\n",
        encoding="utf-8",
    )
    return path


def test_a_mixture_of_two_points(mixture: Path) -> None:
    # 30% of samples at 1e15, 70% at 1e18: p5 = 1e15, median and p95 = 1e18,
    # mean = 0.3 x 1e15 + 0.7 x 1e18 = 7.003e17
    doc = json.loads(invoke("estimate", str(mixture), "--json").stdout)
    compute = doc["compute_flops"]
    assert compute["p5"] == 1e15 and compute["median"] == 1e18 and compute["p95"] == 1e18
    assert compute["mean"] == pytest.approx(7.003e17, rel=0.01)
    shares = doc["breakdown"]["populations"]
    assert shares["low.yaml"] == pytest.approx(0.3, abs=0.01)


def test_compare_gives_the_mixed_parity(mixture: Path) -> None:
    # the TOP500 #1 reached 1e15 in June 2008 (Roadrunner) and 1e18 in June 2022
    # (Frontier): 30% of samples were reached in 2008.46, 70% in 2022.46
    doc = json.loads(invoke("compare", str(mixture), "--json").stdout)
    trend = doc["projections"]["trend-2013"]
    assert trend["year_p5"] == 2008.46 and trend["year_median"] == 2022.46
    assert trend["p_reached"] == 1.0


def test_sensitivity_says_which_component_drives_the_spread(mixture: Path) -> None:
    doc = json.loads(invoke("sensitivity", str(mixture), "--json").stdout)
    assert doc["method"] == "mixture (law of total variance)"
    shares = {i["name"]: i["share"] for i in doc["inputs"]}
    assert shares["component choice"] == pytest.approx(1.0)  # two points: all between
    assert sum(shares.values()) == pytest.approx(1.0)


def test_diff_of_a_mixture_gives_ratios_only(mixture: Path) -> None:
    doc = json.loads(invoke("diff", str(mixture), "dettmers-2015", "--json").stdout)
    compute = doc["outputs"]["compute_flops"]
    assert compute["method"] == "none (a mixture: ratios only)"
    # common random numbers: the 70% at 1e18 give 1.075e21 / 1e18 = 1,075
    assert compute["ratio"]["median"] == pytest.approx(1075)


def test_the_bundled_survey_mixture_reproduces_ai_impacts() -> None:
    # five credible estimates, equal weights: the median is the middle one, 1e18;
    # p5 and p95 the extremes: Moravec's 1e14 x 0.303 = 3.03e13 and WBE level 6's 1e25
    doc = json.loads(invoke("estimate", "aiimpacts-2015-survey", "--json").stdout)
    compute = doc["compute_flops"]
    assert compute["median"] == 1e18
    assert compute["p5"] == pytest.approx(3.03e13)
    assert compute["p95"] == 1e25


@pytest.mark.parametrize(
    ("components", "fragment"),
    [
        (
            "  - {scenario: lwo.yaml, weight: 1}\n",
            "mix.yaml:6:16: components.0: 'lwo.yaml' not found",
        ),
        ("  - {scenario: carlsmith-2021, weight: 1}\n", "did you mean carlsmith-2020"),
        (
            "  - {scenario: low.yaml, weight: 0}\n",
            "components.0.weight: Input should be greater than 0",
        ),
        ("  - {scenario: mix.yaml, weight: 1}\n", "components.0: a mixture cycle"),
        ("", "method 'mixture' needs components"),
    ],
)
def test_bad_mixtures_are_refused(tmp_path: Path, components: str, fragment: str) -> None:
    _point(tmp_path, "low", 1e15)
    path = tmp_path / "mix.yaml"
    path.write_text(
        "brainflops: 1\nname: mix\ntitle: mix\nmethod: mixture\ncomponents:\n" + components
        if components
        else "brainflops: 1\nname: mix\ntitle: mix\nmethod: mixture\n",
        encoding="utf-8",
    )
    assert_input_error(invoke("estimate", str(path)), fragment)


def test_a_mixture_takes_no_populations(tmp_path: Any) -> None:
    _point(tmp_path, "low", 1e15)
    path = tmp_path / "mix.yaml"
    path.write_text(
        "brainflops: 1\nname: mix\ntitle: mix\nmethod: mixture\ncomponents:\n"
        "  - {scenario: low.yaml, weight: 1}\npopulations:\n  a: {neurons: 1, "
        "cost: {model: per_neuron, flops_per_neuron_s: 1}}\n",
        encoding="utf-8",
    )
    assert_input_error(invoke("validate", str(path)), "method 'mixture' takes no populations")


def test_set_reaches_a_component_weight_by_its_index(mixture: Path) -> None:
    # weights 0.3/0.7 -> 0.3/0.1: 75% of samples at 1e15, so the median is 1e15
    doc = json.loads(
        invoke("estimate", str(mixture), "--json", "--set", "components.1.weight=0.1").stdout
    )
    assert doc["compute_flops"]["median"] == 1e15
    assert doc["overrides"] == ["components.1.weight=0.1"]


@pytest.mark.parametrize(
    ("assignment", "fragment"),
    [
        ("components.2.weight=1", "components has 2 items: index 2 is not 0 to 1"),
        ("components.one.weight=1", "components is a list: 'one' is not an index (0 to 1)"),
        ("components.-1.weight=1", "components is a list: '-1' is not an index (0 to 1)"),
        ("components.0.weight=0", "components.0.weight: Input should be greater than 0"),
        ("components.0.scenario.x=1", "components.0.scenario is a value, not a mapping"),
    ],
)
def test_set_on_a_list_item_is_refused_clearly(
    mixture: Path, assignment: str, fragment: str
) -> None:
    result = invoke("estimate", str(mixture), "--set", assignment)
    assert_input_error(result, fragment)
