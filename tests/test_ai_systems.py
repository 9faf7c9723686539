"""The machines of 2026: AI supercomputers, precisions, power, cost and the training view."""

from __future__ import annotations

import csv
import json
import math
from typing import Any

import pytest

from tests.conftest import ROOT, assert_input_error, invoke

DATA = ROOT / "brainflops" / "data"


def _compare(*args: str) -> dict[str, Any]:
    result = invoke("compare", *args, "--json")
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _machine(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(m for m in doc["machines"] if m["name"] == name)


def test_machines_lists_ai_systems_and_the_accelerator_catalogue() -> None:
    doc = json.loads(invoke("machines", "--json").stdout)
    existing = [a for a in doc["ai_systems"] if a["status"] != "planned"]
    assert len(existing) >= 15
    assert all(a["first_operational"] and a["source"] for a in existing)
    # a live system whose chip count is not published has no compute figure: unknown
    unknown = {a["name"] for a in existing if "bf16_dense_flops" not in a}
    assert {"xAI Colossus 2 (live phase)", "Microsoft Fairwater Wisconsin"} <= unknown
    assert all(a["certainty"] == "Secondary" for a in existing if a["name"] in unknown)
    assert max(a["first_operational"] for a in existing) >= "2026"
    planned = [a for a in doc["ai_systems"] if a["status"] == "planned"]
    assert planned and all("first_operational" not in a for a in planned)
    slugs = {c["slug"] for c in doc["accelerators"]["chips"]}
    assert {"h100-sxm", "h200-sxm", "b200", "gb200", "mi300x", "tpu-v5p"} <= slugs
    assert "Epoch AI" in doc["credit"] and "CC BY 4.0" in doc["credit"]
    shown = invoke("machines").stdout
    assert "Leading AI systems" in shown and "h100-sxm" in shown


def test_compare_puts_the_newest_ai_leader_beside_the_top500_number1() -> None:
    doc = _compare("dettmers-2015")
    # the largest known BF16 peak in operation: Project Rainier since 2025-10-29, derived
    # from "nearly 500,000" Trainium2 x 667 TFLOP/s = 3.335e20 (Colossus 2's is unknown)
    assert doc["newest_ai_leader"] == "AWS Project Rainier"
    rainier = _machine(doc, "AWS Project Rainier")
    assert rainier["kind"] == "ai" and rainier["precision"] == "BF16 peak"
    assert rainier["estimated"] == ["bf16_dense_flops", "fp8_dense_flops"]
    # 1.075e21 / 3.335e20 BF16 FLOP/s = 3.2234; at FP8, / 6.495e20 = 1.6551
    assert rainier["metrics"]["compute_bf16"]["ratio"]["median"] == pytest.approx(3.2234, rel=1e-3)
    assert rainier["metrics"]["compute_fp8"]["ratio"]["median"] == pytest.approx(1.6551, rel=1e-3)
    assert rainier["metrics"]["compute_bf16"]["label"] == "compute (BF16 peak)"
    # power of brain-equivalent compute: 3.2234 x 1,000 MW = 3.22 GW
    assert rainier["power_needed_w"] == pytest.approx(3.2234 * 1e9, rel=1e-3)
    lineshine = _machine(doc, "LineShine")
    assert lineshine["metrics"]["compute_hpl"]["label"] == "compute (HPL FP64)"
    assert "compute_bf16" not in lineshine["metrics"] and lineshine["estimated"] == []
    # one lifetime: 1.075e21 x 1e9 s = 1.075e30 FLOP; at 3.335e20 FLOP/s: 3.223e9 s
    assert rainier["lifetime_seconds_on"]["median"] == pytest.approx(1.075e30 / 3.335e20, rel=1e-3)
    shown = " ".join(invoke("compare", "dettmers-2015").stdout.split())
    assert "vs AWS Project Rainier (2025-10)" in shown
    assert "compute (BF16 peak)" in shown and "power 3.22 GW" in shown
    assert "Estimates: BF16 and FP8 of AWS Project Rainier are derived by brainflops" in shown


def _ai_walk() -> tuple[float, float, float]:
    """The AI leaders' record as the walk sees it, by hand from the CSV: the best BF16 peak
    in operation at each TOP500 list date since June 2019 and at the newest system's date
    (its day); drift = (last - first) / span, in log10 per year."""
    with (DATA / "ai_supercomputers.csv").open(encoding="utf-8") as table:
        rows = [r for r in csv.DictReader(table) if r["status"] != "planned"]
    dated = []
    for r in rows:  # the day: 2025-07-22 = 2025 + 6/12 + 21/365
        y, m, d = (int(x) for x in r["first_operational"].split("-"))
        if r["bf16_dense_flops"]:  # unknown for systems whose chip count is not published
            dated.append((y + (m - 1) / 12 + (d - 1) / 365, float(r["bf16_dense_flops"])))
    dated.sort()
    newest = dated[-1][0]

    def best_at(year: float) -> float:
        return max(v for t, v in dated if t <= year)

    first = best_at(2019.46)
    last = best_at(newest)
    drift = (math.log10(last) - math.log10(first)) / (newest - 2019.46)
    return drift, newest, math.log10(last)


def test_ai_trend_parity_is_fitted_to_the_leading_ai_systems() -> None:
    drift, newest, best = _ai_walk()
    doc = _compare("dettmers-2015")
    trend = doc["projections"]["ai-trend"]
    assert trend["series"] == "ai" and trend["forecast"] == "random_walk"
    assert trend["doubling_years"] == pytest.approx(math.log10(2) / drift, abs=1e-4)
    low, high = trend["doubling_years_p5_p95"]
    assert low < math.log10(2) / drift < high
    # the median path: (log10(1.075e21) - best) / drift years after the newest system; a
    # noisy path's first passage comes up to a list earlier, and never before the next month
    by_hand = newest + (math.log10(1.075e21) - best) / drift
    assert by_hand - 1 <= trend["year_median"] <= by_hand + 0.5
    assert 2026.5 < trend["year_median"] < 2028.5  # "about 2027"
    assert doc["projections"]["trend-2013"]["series"] == "top500"


def test_ai_history_says_when_a_brain_was_already_reached() -> None:
    # cotra-2020, 1e15 FLOP/s: the first AI system at or above it is Google's TensorFlow
    # Research Cloud (1.84e17 BF16 FLOP/s), operational in May 2017
    doc = _compare("cotra-2020")
    assert doc["ai_history"] == {
        "p_reached": 1.0,
        "median_month": "2017-05",
        "median_system": "Google TensorFlow Research Cloud",
        "censored": "before",  # the first AI system in the data: on or before it
    }
    shown = invoke("compare", "cotra-2020").stdout
    assert "An AI system at BF16 peak reached it ≤ May 2017 (the first AI system" in shown


def test_a_power_cap_delays_or_forbids_parity() -> None:
    # wbe-2008-level6: 1e25 FLOP/s; at 1 GW that needs 1e16 FLOP/J, 4 decades past today's
    # ~7.8e11 FLOP/J: the cap bites, so parity comes later than the uncapped trend
    doc = _compare("wbe-2008-level6")
    trend = doc["projections"]["ai-trend"]["year_median"]
    capped = doc["projections"]["ai-power-1gw"]["year_median"]
    assert capped is None or capped > trend
    assert doc["projections"]["ai-power-10gw"]["year_median"] <= (capped or math.inf)


def test_lifetime_flop_and_training_runs_in_lifetimes() -> None:
    # cotra-2020: 1e15 FLOP/s x 1e9 s = 1e24 FLOP; Grok 3's 4.64e26 FLOP = 464 lifetimes,
    # Grok 4's 5e26 (Epoch AI) = 500
    doc = json.loads(invoke("estimate", "cotra-2020", "--json").stdout)
    assert doc["lifetime_flop"]["median"] == pytest.approx(1e24)
    compared = _compare("cotra-2020")
    grok = next(r for r in compared["training_runs"] if r["model"] == "Grok-3")
    assert grok["lifetimes"]["median"] == pytest.approx(464)
    assert grok["training_flop"] == 4.64e26
    first = compared["training_runs"][0]
    assert first["model"] == "Grok 4" and first["lifetimes"]["median"] == pytest.approx(500)
    # GPT-5 has no sourced figure (only "below GPT-4.5"): never counted in lifetimes
    assert all(r["model"] != "GPT-5" for r in compared["training_runs"])
    longer = json.loads(
        invoke("estimate", "cotra-2020", "--json", "--set", "training.seconds=2e9").stdout
    )
    assert longer["lifetime_flop"]["median"] == pytest.approx(2e24)
    assert "Training runs in brain-lifetimes" in invoke("compare", "cotra-2020").stdout


def test_a_user_machine_given_as_chips_is_compared(write: Any) -> None:
    path = write(
        "farm.yaml",
        "machines:\n  - name: My farm\n    list_date: '2026-03'\n    chip: h100-sxm\n"
        "    chips: 100000\n    power_w: 150e6\n    sources: {power_w: my estimate}\n",
    )
    doc = _compare("cotra-2020", "--machines", str(path))
    farm = _machine(doc, "My farm")
    assert farm["user"] is True and farm["kind"] == "ai"
    # 100,000 x 989e12 = 9.89e19 BF16 FLOP/s; 1e15 / 9.89e19 = 1.011e-5
    assert farm["metrics"]["compute_bf16"]["machine_value"] == pytest.approx(9.89e19)
    ratio = farm["metrics"]["compute_bf16"]["ratio"]["median"]
    assert ratio == pytest.approx(1e15 / 9.89e19, rel=1e-5)  # JSON: 6 significant digits
    listed = json.loads(invoke("machines", "--machines", str(path), "--json").stdout)
    mine = next(m for m in listed["systems"] if m["name"] == "My farm")
    # memory: 100,000 x 80 GB = 8e15 B; HBM bandwidth: 100,000 x 3.35 TB/s = 3.35e17 B/s
    assert mine["memory_bytes"] == pytest.approx(8e15)
    assert mine["memory_bandwidth_bytes_per_s"] == pytest.approx(3.35e17)
    assert mine["sources"]["bf16_dense_flops"].startswith("derived: 100,000 x h100-sxm")


def test_an_unknown_chip_is_refused_with_a_suggestion(write: Any) -> None:
    path = write(
        "farm.yaml",
        "machines:\n  - name: Typo\n    list_date: '2026-03'\n    chip: h100-sx\n"
        "    chips: 10\n    sources: {}\n",
    )
    assert_input_error(invoke("machines", "--machines", str(path)), "did you mean 'h100-sxm'?")


def test_a_planned_system_is_never_compared_as_existing() -> None:
    assert_input_error(
        invoke("compare", "cotra-2020", "--machine", "xAI Colossus 2 Memphis Phase 2"),
        "is planned, not built",
    )
    doc = _compare("cotra-2020")
    assert all(m["name"] != "xAI Colossus 2 Memphis Phase 2" for m in doc["machines"])


@pytest.mark.parametrize(
    ("bits", "present", "absent"),
    [
        (64, {"compute_hpl", "compute_peak"}, {"compute_bf16", "compute_fp8"}),
        (16, {"compute_bf16", "compute_hpl"}, {"compute_fp8"}),
        (8, {"compute_bf16", "compute_fp8"}, set()),
    ],
)
def test_precision_bits_drops_the_narrower_precisions(
    bits: int, present: set[str], absent: set[str]
) -> None:
    doc = _compare("cotra-2020", "--set", f"precision_bits={bits}")
    metrics: set[str] = set()
    for m in doc["machines"]:
        metrics |= set(m["metrics"])
    assert present <= metrics and not (absent & metrics)


def test_the_readme_answers_for_both_families_with_the_real_numbers() -> None:
    from brainflops.render.units import ratio, si
    from brainflops.render.units import year as year_text

    def shown(p: dict[str, Any]) -> str:
        """The median year, and its 90% range where it has one: "2046 (2039–2064)"."""
        median = year_text(p["year_median"], p["censored"] == "before")
        low, high = year_text(p["year_p5"]), year_text(p["year_p95"])
        return median if low == high else f"{median} ({low}–{high})"

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How does the brain compare with today's machines?")[1]
    table = section.split("One lifetime is")[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) >= 5
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        doc = _compare(cells[0].strip("`"))
        top = next(m for m in doc["machines"] if m["kind"] == "hpc")
        ai = next(m for m in doc["machines"] if m["kind"] == "ai")
        assert cells[1:] == [
            si(doc["compute_flops"]["median"], "FLOP/s"),
            ratio(top["metrics"]["compute_hpl"]["ratio"]["median"]),
            ratio(ai["metrics"]["compute_bf16"]["ratio"]["median"]),
            *(shown(p) for p in (doc["projections"]["trend-2013"], doc["projections"]["ai-trend"])),
            si(doc["lifetime_flop"]["median"], "FLOP"),
        ], line


def test_fp8_and_int8_are_kept_apart_and_fp8_is_never_below_bf16() -> None:
    from brainflops.model.data import ai_systems, bundled_machines
    from brainflops.model.machines import chip_catalogue

    machines = [
        *bundled_machines().machines,
        *(a.machine() for a in ai_systems()),
    ]
    for m in machines:
        if m.fp8_dense_flops is not None and m.bf16_dense_flops is not None:
            assert m.fp8_dense_flops >= m.bf16_dense_flops, m.name
    for c in chip_catalogue().chips:
        assert c.fp8_dense_flops is None or c.fp8_dense_flops >= c.bf16_dense_flops, c.slug
    rows = {a.name: a for a in ai_systems()}
    # MI250X and A100 have no FP8: their 8-bit figures are INT8 (Frontier's equals its BF16)
    frontier = rows["Oak Ridge NL Frontier"]
    assert frontier.fp8_dense_flops is None and frontier.int8_dense_ops == 1.44e19
    assert rows["Microsoft GPT-4 cluster"].fp8_dense_flops is None
    # Stargate Phase 2 (GB300): Epoch's 5.33e20 is below its 7.50e20 BF16: left out
    assert rows["OpenAI Stargate Abilene Oracle OCI Supercluster Phase 2"].fp8_dense_flops is None
    # GB200 sites whose 8-bit cell is 1.22x BF16 (FP8 is 2x): left out, with a note
    for name in ("xAI Colossus 2 Memphis Phase 2", "Meta Prometheus New Albany"):
        assert rows[name].fp8_dense_flops is None and "1.22x" in (rows[name].notes or "")
    # Colossus Phase 3: 2.73e20 / 230,000 = 1.19e15 per chip, more than an H100's 0.989e15
    assert "mix" in (rows["xAI Colossus Memphis Phase 3"].chip or "")


@pytest.mark.parametrize(
    "figures",
    [
        {"bf16_dense_flops": 2.5e15, "fp8_dense_flops": 1.78e15},  # Stargate's GB300 cell
    ],
)
def test_an_fp8_figure_below_bf16_is_refused(write: Any, figures: dict[str, float]) -> None:
    lines = "".join(f"    {k}: {v}\n" for k, v in figures.items())
    sources = "".join(f"      {k}: https://example.org\n" for k in figures)
    path = write(
        "machines.yaml",
        "machines:\n  - name: Mine\n    kind: ai\n    list_date: 2026-01\n"
        f"{lines}    sources:\n{sources}",
    )
    result = invoke("compare", "dettmers-2015", "--machines", str(path))
    assert result.exit_code == 2
    assert "fp8_dense_flops (1.78e+15) is below bf16_dense_flops" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("compute", ["5e-324", "{low: 1e-300, high: 1e-290}"])
def test_a_brain_too_small_to_count_lifetimes_in_has_no_training_runs(
    write: Any, compute: str
) -> None:
    """Found by the fuzzer: a brain of 5e-324 FLOP/s lives 4.9e-315 FLOP; 1 / that is past
    float64 (1.8e308), and so is any run's count of lifetimes: none is given, no warning."""
    text = (ROOT / "scenarios" / "aiimpacts-2015-flops.yaml").read_text(encoding="utf-8")
    stated = "  compute: {low: 0.9e16, high: 3.37e17}\n"
    assert stated in text
    path = write("tiny.yaml", text.replace(stated, f"  compute: {compute}\n"))
    result = invoke("compare", str(path), "--json", "-n", "2000")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["training_runs"] == []
    assert result.stderr == ""
    assert "Training runs in brain-lifetimes" not in invoke("compare", str(path)).stdout
