"""Every bundled estimate says what its source said, in its source's unit (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from brainflops.analysis.check import check_estimate, verdict
from brainflops.engine.run import estimate
from brainflops.model.data import bundled_machines
from brainflops.model.load import bundled_names, load_scenario
from tests.conftest import ROOT, assert_input_error, invoke

BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
OUTPUT_KEYS = ("compute_flops", "memory_bytes", "events_per_s", "communication_bytes_per_s")


def _checks(name_or_path: str, sets: list[str] | None = None, samples: int = 20_000) -> list[Any]:
    s = load_scenario(name_or_path, sets or []).scenario
    return check_estimate(estimate(s, samples=samples), bundled_machines())


def test_at_least_27_bundled_scenarios_each_stating_its_sources_unit() -> None:
    assert len(BUNDLED) >= 27
    for path in BUNDLED:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        # a variant (extends:) counts what its parent counts
        assert "source_unit" in raw or "extends" in raw, path.name


def test_every_expectation_is_printed_with_where_or_marked_derived() -> None:
    for name in bundled_names():
        expect = load_scenario(name).scenario.expect
        entries = [getattr(expect, k) for k in type(expect).model_fields if k != "projections"]
        entries += list(expect.projections.values())
        for entry in entries:
            if entry is not None:
                assert entry.where, (name, entry)  # printed or derived, say where


def test_check_json_rows_carry_derived_and_where() -> None:
    doc = json.loads(invoke("check", "--json", "-n", "2000").stdout)
    rows = {(r["scenario"], r["check"]): r for r in doc["checks"]}
    assert rows["sandberg-2013", "compute_flops"]["derived"] is True
    assert rows["dettmers-2015", "compute_flops"]["derived"] is False
    assert "32 MFLOPS per neuron" in rows["sandberg-2013", "compute_flops"]["where"]
    assert all(isinstance(r["derived"], bool) for r in doc["checks"])
    assert doc["passed"] is True


def test_carlsmith_2020_matches_his_statements() -> None:
    # log10 sd of each input, each range read as a 68.27% (one-sigma) interval:
    # synapses 1e3-1e4 and rate 0.1-1: 0.5 each; FLOP per spike 1-100: 1.0
    # total: sqrt(0.25 + 0.25 + 1) = 1.2247; median 1e11 x 10^3.5 x 10^-0.5 x 10^1 = 1e15
    # p95 = 10^(15 + 1.6449 x 1.2247) = 10^17.0145 = 1.034e17; p5 = 10^12.9855 = 9.67e12
    doc = json.loads(invoke("estimate", "carlsmith-2020", "--json").stdout)
    compute = doc["compute_flops"]
    assert compute["median"] <= 1e15 * (1 + 1e-9)  # "more likely than not" 1e15 is enough
    assert compute["median"] == pytest.approx(1e15, rel=1e-3)
    assert compute["p95"] == pytest.approx(1.034e17, rel=2e-3)
    assert compute["p5"] == pytest.approx(9.67e12, rel=2e-3)
    assert doc["published"]["text"] == "1e13 – 1e17 FLOP/s"
    assert all(r.passed for r in _checks("carlsmith-2020"))


def test_carlsmith_check_fails_when_read_as_90_percent_intervals() -> None:
    # the old reading: each range a 90% interval, product 10^(15 ± 1.6449 x 0.7446)
    # = 6.0e13 – 1.67e16: each end ~0.78 decades inside 1e13 – 1e17, past the 0.1 allowed
    sets = [
        "populations.all.synapses_per_neuron={low: 1e3, high: 1e4}",
        "populations.all.firing_rate_hz={low: 0.1, high: 1}",
        "populations.all.cost.flops_per_event={low: 1, high: 100}",
    ]
    results = {r.check: r for r in _checks("carlsmith-2020", sets)}
    assert results["compute_flops 90%"].passed is False
    assert results["compute_flops 90%"].found == pytest.approx(6.0e13, rel=0.01)
    assert results["compute_flops"].passed is True  # the median is still 1e15


def _interval_scenario(write: Any, low: float, high: float) -> Path:
    return write(
        "narrow.yaml",
        "brainflops: 1\nname: narrow\ntitle: narrow\nmethod: stated\n"
        f"stated: {{compute: {{low: {low}, high: {high}}}}}\n"
        "expect:\n  compute_flops: {p5: 1e13, p95: 1e17, log10_tol: 0.1}\n",
    )


def test_an_interval_10x_narrower_than_published_fails_check(write: Any) -> None:
    # published 1e13 – 1e17 (4 decades); 10x narrower is 3 decades, e.g. 3.16e13 – 3.16e16:
    # each end is 0.5 decades inside, past the 0.1 allowed
    path = _interval_scenario(write, 3.16e13, 3.16e16)
    result = invoke("check", str(path))
    assert result.exit_code == 1
    assert "FAIL" in result.stdout
    assert invoke("check", str(_interval_scenario(write, 1e13, 1e17))).exit_code == 0


def test_an_interval_checks_both_ends(write: Any) -> None:
    # right p5, p95 one decade high: fails; right p95, p5 one decade low: fails
    assert invoke("check", str(_interval_scenario(write, 1e13, 1e18))).exit_code == 1
    assert invoke("check", str(_interval_scenario(write, 1e12, 1e17))).exit_code == 1


@pytest.mark.parametrize(
    ("bound", "value", "passes"),
    [("at_most", 1e15, True), ("at_most", 9.9e14, False), ("at_least", 1e15, True)],
)
def test_bounds_hold_the_median_on_their_side(
    write: Any, bound: str, value: float, passes: bool
) -> None:
    path = write(
        "bound.yaml",
        "brainflops: 1\nname: bound\ntitle: bound\nmethod: stated\nstated: {compute: 1e15}\n"
        f"expect:\n  compute_flops: {{{bound}: {value}}}\n",
    )
    assert invoke("check", str(path)).exit_code == (0 if passes else 1)


def test_at_least_fails_below_the_bound() -> None:
    results = _checks("markram-2013", ["stated.compute=9e17"])
    assert [r.passed for r in results if r.check == "compute_flops"] == [False]


@pytest.mark.parametrize(
    ("expect", "fragment"),
    [
        ("{value: 1, p5: 1, p95: 2, log10_tol: 1}", "give exactly one of value"),
        ("{p5: 10, p95: 1, log10_tol: 1}", "with p5 < p95"),
        ("{p5: 1, log10_tol: 1}", "needs both p5 and p95"),
        ("{p5: 1, p95: 2, rel_tol: 0.1}", "an interval needs log10_tol"),
        ("{at_most: 1, rel_tol: 0.1}", "takes no tolerance"),
        ("{at_least: 1, at_most: 2}", "not both"),
        ("{value: 1}", "exactly one of rel_tol or log10_tol"),
        ("{p5: 1, p95: 2, log10_tol: 1, within: [1, 2]}", "within: belongs to a point"),
    ],
)
def test_malformed_expectations_are_refused_at_their_line(
    write: Any, expect: str, fragment: str
) -> None:
    path = write(
        "bad.yaml",
        "brainflops: 1\nname: bad\ntitle: bad\nmethod: stated\nstated: {compute: 1e15}\n"
        f"expect:\n  compute_flops: {expect}\n",
    )
    assert_input_error(invoke("validate", str(path)), "bad.yaml:7:18: expect.compute_flops: ")
    assert fragment in invoke("validate", str(path)).stderr


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ("source_unit: teps\n", "source_unit 'teps' needs a conversion"),
        (
            "conversion: {flop_per_unit: 2, source: x}\n",
            "conversion: the source already counts FLOP",
        ),
        ("source_unit: furlongs\nconversion: {flop_per_unit: 1, source: x}\n", "source_unit"),
        ("source_unit: teps\nconversion: {flop_per_unit: 1}\n", "missing required key 'source'"),
        ("published: {low: 1}\n", "a range needs both low and high"),
        ("published: {value: 1, at_most: 2}\n", "give exactly one of value"),
        ("functional: {reference_flops: 1}\n", "the functional block belongs to its own method"),
    ],
)
def test_units_conversions_and_published_figures_are_checked(
    write: Any, extra: str, fragment: str
) -> None:
    path = write(
        "unit.yaml",
        "brainflops: 1\nname: unit\ntitle: unit\nmethod: stated\nstated: {compute: 1e15}\n" + extra,
    )
    assert_input_error(invoke("validate", str(path)), fragment)


def test_stated_method_needs_its_block(write: Any) -> None:
    path = write("s.yaml", "brainflops: 1\nname: s\ntitle: s\nmethod: stated\n")
    assert_input_error(invoke("validate", str(path)), "method 'stated' needs a stated block")


def test_compare_never_puts_teps_on_a_flop_axis_unconverted() -> None:
    # TEPS median: 8.61e10 x sqrt(2090 x 3717) x sqrt(0.1 x 2) = 8.61e10 x 2787.2 x 0.44721
    # = 1.0733e14 TEPS; x 588 FLOP per traversed edge = 6.311e16 FLOP/s
    doc = json.loads(invoke("compare", "aiimpacts-2015-teps", "--json").stdout)
    assert doc["events_per_s"]["median"] == pytest.approx(1.0733e14, rel=2e-3)
    assert doc["compute_flops"]["median"] == pytest.approx(6.311e16, rel=2e-3)
    assert doc["source_unit"] == "teps"
    assert doc["published"]["text"] == "1.8e13 – 6.4e14 TEPS"
    assert doc["conversion"]["flop_per_unit"] == 588
    shown = invoke("compare", "aiimpacts-2015-teps").stdout
    assert "Source's figure: 1.8e13 – 6.4e14 TEPS" in shown
    assert "Converted to FLOP at 588 FLOP per traversed edge" in shown


def test_moravec_counts_instructions_and_converts_them_explicitly() -> None:
    # 1e14 instructions/s; AI Impacts: MFLOPS = 2.3 x MIPS^0.89 at 1e8 MIPS
    # = 2.3 x 10^7.12 = 3.03e7 MFLOPS = 3.03e13 FLOP/s, so 0.303 FLOP per instruction
    assert pytest.approx(3.03e13, rel=2e-3) == 2.3 * (1e8) ** 0.89 * 1e6
    doc = json.loads(invoke("estimate", "moravec-1998", "--json").stdout)
    assert doc["compute_flops"]["median"] == pytest.approx(1e14 * 0.303)
    assert doc["published"] == {
        "value": 1e14,
        "where": "1e8 MIPS: the retina's 1,000 MIPS x 1e5",
        "kind": "point",
        "text": "1e14 instructions/s",
    }


def test_every_non_flop_scenario_names_its_conversion_and_where_it_comes_from() -> None:
    units = {}
    for name in bundled_names():
        s = load_scenario(name).scenario
        units[name] = s.source_unit
        if s.source_unit != "flop":
            assert s.conversion is not None and s.conversion.source, name
    assert units["moravec-1998"] == "instructions"
    assert units["kurzweil-2005"] == "calculations"
    assert units["merkle-1989"] == "operations"
    assert units["aiimpacts-2015-teps"] == "teps"
    assert units["carlsmith-2020-limit"] == "bit_erasures"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("moravec-1998", "reproduced"),
        ("sandberg-2013", "derived"),
        ("dettmers-2015-backprop", "derived"),
        ("drexler-2019", "bound"),
        ("markram-2013", "bound"),
        ("carlsmith-2020-limit", "bound"),
    ],
)
def test_verdicts(name: str, expected: str) -> None:
    s = load_scenario(name).scenario
    assert verdict(s, _checks(name, samples=2000)) == expected


def test_a_failed_check_is_not_reproduced() -> None:
    s = load_scenario("cotra-2020", ["stated.compute=2e15"]).scenario
    results = check_estimate(estimate(s, samples=100), bundled_machines())
    assert verdict(s, results) == "not reproduced"


def test_the_report_shows_each_sources_figure_and_verdict() -> None:
    index = (ROOT / "docs" / "report" / "index.md").read_text(encoding="utf-8")
    row = next(line for line in index.splitlines() if line.startswith("| [moravec-1998]"))
    cells = [c.strip() for c in row.split("|")]
    assert cells[2:5] == ["1e14 instructions/s", "30.3 TFLOP/s", "reproduced"]
    assert "converted to FLOP at 0.303 FLOP per instruction" in index
    assert "| [drexler-2019](#drexler-2019) | at most 1e15 FLOP/s |" in index


def test_sources_printed_figures_are_in_the_files() -> None:
    # the figures the sources print (issue 12, item 5), each where a user can find it
    sobe = {n: load_scenario(n).scenario for n in bundled_names() if n.startswith("sobe-2025")}
    printed = {e.value for s in sobe.values() for e in (s.expect.compute_flops,) if e}
    assert {3.4e16, 8.67e16, 8.5e18, 1.39e19} <= printed
    assert 2.73e15 in {s.expect.memory_bytes.value for s in sobe.values() if s.expect.memory_bytes}
    source = sobe["sobe-2025-event"].source
    assert source is not None and source.doi == "10.48550/arXiv.2510.15745"
    assert source.citation.startswith("Zanichelli, N., Schons, M., Freeman, I., Shiu, P. K.")
    kurzweil = load_scenario("kurzweil-2005").scenario.expect.memory_bytes
    assert kurzweil is not None and kurzweil.value == 1e13 / 8  # 1e13 bits
    upper = load_scenario("sandberg-2013-upper").scenario.expect.compute_flops
    assert upper is not None and upper.at_most == 16_000 * 10_000 * 8.6e10
    wbe = load_scenario("wbe-2008-level4").scenario.source
    assert wbe is not None and wbe.mirror is not None and "ora.ox.ac.uk" in wbe.mirror
    bostrom = load_scenario("bostrom-1998").scenario.expect.compute_flops
    assert bostrom is not None and (bostrom.p5, bostrom.p95) == (1e14, 1e17)


def test_the_format_docs_examples_of_units_and_expectations_are_valid(write: Any) -> None:
    docs = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in docs.split("```yaml\n")[1:]]
    units = next(b for b in blocks if b.startswith("source_unit:"))
    expect = next(b for b in blocks if b.startswith("expect:"))
    path = write(
        "docs.yaml",
        "brainflops: 1\nname: docs\ntitle: docs\nmethod: stated\nstated: {compute: 1e14}\n"
        + units
        + expect,
    )
    result = invoke("validate", str(path))
    assert result.exit_code == 0, result.stderr


def test_list_says_what_each_source_counted() -> None:
    rows = {r["name"]: r for r in json.loads(invoke("list", "--json").stdout)["scenarios"]}
    assert rows["moravec-1998"]["source_unit"] == "instructions"
    assert rows["dettmers-2015"]["source_unit"] == "flop"
    assert "limit (bit erasures)" in invoke("list").stdout


def test_every_expectation_is_located_or_marked_derived() -> None:
    """A reader can find each checked figure in its source, or sees it is our arithmetic."""
    from brainflops.model.load import bundled_names, load_scenario

    for name in bundled_names():
        expect = load_scenario(name).scenario.expect
        entries = {k: getattr(expect, k) for k in type(expect).model_fields if k != "projections"}
        entries |= {f"projections.{k}": v for k, v in expect.projections.items()}
        for key, entry in entries.items():
            if entry is not None:
                assert entry.where or entry.derived, f"{name}: expect.{key}"


def test_sobe_figures_cite_the_file_that_holds_them() -> None:
    """The per-model figures are in computational-demands-organisms.tsv; the headline
    (2,000 PFLOPS, 6,000 TB) in compute-requirements.tsv and storage-requirements.tsv."""
    from brainflops.model.load import load_scenario

    for name in ("sobe-2025-event", "sobe-2025-event-tm", "sobe-2025-timestep"):
        expect = load_scenario(name).scenario.expect
        assert expect.compute_flops is not None and expect.compute_flops.where is not None
        assert expect.compute_flops.where.startswith("computational-demands-organisms.tsv")
    summary = load_scenario("sobe-2025-summary").scenario
    assert summary.stated is not None
    assert (summary.stated.compute, summary.stated.memory_bytes) == (2e18, 6e15)
