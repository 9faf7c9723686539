"""The Markdown of a report: a summary table, then a section per scenario."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from brainflops.analysis.check import verdict
from brainflops.analysis.diff import parameters
from brainflops.model.quantity import describe_written
from brainflops.model.scenario import OUTPUTS, UNIT_PER_S, Scenario
from brainflops.render.units import (
    LABELS,
    UNITS,
    as_of_line,
    machine_needs,
    parity_year,
    plain,
    ratio,
    si,
)
from brainflops.version import __version__

if TYPE_CHECKING:
    from brainflops.analysis.check import CheckResult
    from brainflops.analysis.sweep import Sweep
    from brainflops.render.reported import ScenarioReport


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def inline(text: object) -> str:
    """User text (a title, a machine name) as literal Markdown: no markup, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[object]], right: int = 1) -> str:
    """A Markdown table; columns from `right` on are right-aligned."""
    align = ["---" if i < right else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _median_interval(stats: Any, unit: str) -> str:
    if stats is None:
        return "unknown"
    if stats.p5 == stats.p95:
        return si(stats.median, unit)
    return f"{si(stats.median, unit)} ({si(stats.p5, unit)} – {si(stats.p95, unit)})"


def _value(value: object) -> str:
    if isinstance(value, float):
        return plain(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)


def source_figure(s: Scenario) -> str:
    """What the source printed, in its own unit (a dash where it printed no total)."""
    return "–" if s.published is None else s.published.describe(s.source_unit)


def summary(reports: Sequence[ScenarioReport], projection_names: Sequence[str]) -> str:
    header = ["scenario", "source's figure", "compute (FLOP/s)", "verdict", "memory", "events"]
    header += ["communication", "× newest #1 (HPL FP64)", "× AI leader (BF16 peak)"]
    header += [f"parity: {n}" for n in projection_names]
    rows = []
    for r in reports:
        s = r.estimate.stats
        hpl = next(
            (x.ratio.median for x in r.comparison.machines[0].ratios if x.key == "compute_hpl"),
            None,
        )
        ai = next((m.compute for m in r.comparison.machines if m.machine.kind == "ai"), None)
        years = {p.name: p for p in r.comparison.projections}
        rows.append(
            [
                f"[{r.estimate.scenario.name}](#{r.estimate.scenario.name})",
                source_figure(r.estimate.scenario),
                _median_interval(s["compute_flops"], "FLOP/s"),
                verdict(r.estimate.scenario, r.checks),
                _median_interval(s["memory_bytes"], "B"),
                _median_interval(s["events_per_s"], "events/s"),
                _median_interval(s["communication_bytes_per_s"], "B/s"),
                "" if hpl is None else ratio(hpl),
                "" if ai is None else ratio(ai.ratio.median),
                *(parity_year(years[n]) if n in years else "" for n in projection_names),
            ]
        )
    return table(header, rows)


def _provenance(s: Scenario, checks: Sequence[CheckResult]) -> list[str]:
    """Where the figure comes from: the source, its own figure and unit, the conversion."""
    out: list[str] = []
    if s.source is not None:
        citation = inline(s.source.citation)
        link = f"[{citation}](<{s.source.url}>)" if s.source.url else citation
        extra = [f"also at <{s.source.mirror}>"] if s.source.mirror else []
        extra += [f"DOI [{s.source.doi}](<https://doi.org/{s.source.doi}>)"] if s.source.doi else []
        out += [f"Source: {link}" + (f" ({'; '.join(extra)})" if extra else ""), ""]
    figure = f"The source's figure: {inline(source_figure(s))}"
    if s.published is not None and s.published.where:
        figure += f" ({inline(s.published.where)})"
    out += [figure + f". Verdict: {verdict(s, checks)}.", ""]
    if s.conversion is not None:
        converted = inline(s.conversion.describe(s.source_unit))
        out += [f"Counted in {UNIT_PER_S[s.source_unit]}; converted to FLOP at {converted}.", ""]
    return out


def section(r: ScenarioReport, figures: Sequence[tuple[str, str]] = ()) -> str:
    est, s = r.estimate, r.estimate.scenario
    out = [f'<a id="{s.name}"></a>', f"## {s.name}: {inline(s.title)}", ""]
    out += _provenance(s, r.checks)
    out += [f"Method: {s.method}. File: `{r.path}`.", ""]
    if s.description:
        out += [s.description.strip(), ""]
    out += [
        f"**Assumptions** ([move them in the explorer](explore.html#{s.name}))",
        "",
    ]
    out += [table(["parameter", "value"], [(p, _value(v)) for p, v in parameters(s)], right=2), ""]
    out += ["**Estimate**", ""]
    rows = []
    for name in OUTPUTS:
        stats = est.stats[name]
        if stats is None:
            continue
        span = (
            ""
            if stats.p5 == stats.p95
            else f"{si(stats.p5, UNITS[name])} – {si(stats.p95, UNITS[name])}"
        )
        method = "point" if not span else ("exact" if stats.exact else "Monte Carlo")
        rows.append([LABELS[name], si(stats.median, UNITS[name]), span, method])
    out += [table(["output", "median", "90% interval", "method"], rows), ""]
    if len(est.compute_shares) > 1 or est.factor_medians():
        parts = [
            [n, f"{v:.1%}"] for n, v in sorted(est.compute_shares.items(), key=lambda kv: -kv[1])
        ]
        parts += [[f"× {n}", f"×{v:.3g}"] for n, v in est.factor_medians().items()]
        out += ["**Compute breakdown** (median share; factors as multipliers)", ""]
        out += [table(["part", "share"], parts), ""]
    for m in r.comparison.machines:
        rows = [
            [
                f"**{x.label}**" if x.key == m.bottleneck else x.label,
                ratio(x.ratio.median),
                "" if x.ratio.p5 == x.ratio.p95 else f"{ratio(x.ratio.p5)} – {ratio(x.ratio.p95)}",
                "" if x.key == "energy" else f"{x.machines_needed:,.0f}",
            ]
            for x in m.ratios
        ]
        name = inline(m.machine.name)
        mark = ", your machine from --machines" if m.user else ""
        out += [f"**Against {name}** ({m.machine.list_date}{mark}; bottleneck in bold)", ""]
        out += [table(["resource", "brain ÷ machine", "90% interval", "machines needed"], rows), ""]
        lifetime = None if m.lifetime_seconds is None else m.lifetime_seconds.median
        needs = machine_needs(m.power_needed_w, m.hardware_cost_usd, lifetime)
        if needs:
            out += [f"Brain-equivalent ({m.machine.precision}): {'; '.join(needs)}.", ""]
    rows = [
        [
            p.name,
            parity_year(p),
            "" if p.year_p5 == p.year_p95 else f"{parity_year(p, 'p5')} – {parity_year(p, 'p95')}",
            *(f"{p.p_by[y]:.0%}" for y in (2030, 2050, 2100)),
        ]
        for p in r.comparison.projections
    ]
    out += ["**When the #1 supercomputer matches it** (HPL compute, history first)", ""]
    out += [
        table(["projection", "year", "90% interval", "P by 2030", "P by 2050", "P by 2100"], rows),
        "",
    ]
    if len(r.comparison.resources) > 1:
        last = r.comparison.last_resource
        rows = [
            [
                f"**{x.label}**" if x is last else x.label,
                parity_year(x.years),
                x.history.median_list or "",
                "" if x.years.doubling_years is None else f"{x.years.doubling_years:.2f} y",
            ]
            for x in r.comparison.resources
        ]
        title = "**Parity by resource** (the #1's history, then its trend; reached last in bold)"
        out += [title, "", table(["resource", "year", "reached on list", "doubling"], rows), ""]
    if r.checks:
        rows = [
            [
                c.check,
                c.found_text,
                c.published,
                c.origin,
                "pass" if c.passed else "**FAIL**",
            ]
            for c in r.checks
        ]
        header = ["check", "found", "published", "figure", ""]
        out += ["**Published figures**", "", table(header, rows), ""]
    for file, caption in figures:
        out += [f"![{caption}](figures/{file})", ""]
    for name, grid in r.sweeps.items():
        out += _sweep_section(s.name, name, grid)
    return "\n".join(out)


def _sweep_section(scenario: str, name: str, grid: Sweep) -> list[str]:
    """A scenario's named sweep: compute and parity years at each point, and its figure."""
    header = [*(f"`{p}`" for p in grid.paths), "compute (median)", "90% interval"]
    header += ["parity: trend-2013", "parity: ai-trend"]
    rows = []
    for point in grid.points:
        c = point.outputs["compute_flops"]
        span = "" if c.p5 == c.p95 else f"{si(c.p5, 'FLOP/s')} – {si(c.p95, 'FLOP/s')}"
        rows.append(
            [
                *(inline(describe_written(v)) for v in point.values.values()),
                si(c.median, "FLOP/s"),
                span,
                parity_year(point.projections["trend-2013"]),
                parity_year(point.projections["ai-trend"]),
            ]
        )
    figure = f"sweep-{scenario}-{name}.svg"
    return [
        f"**Sweep {inline(name)}** ({grid.samples:,} samples per point, common random numbers)",
        "",
        table(header, rows, right=len(grid.paths)),
        "",
        f"![Sweep {name} of {scenario}](figures/{figure})",
        "",
    ]


def index(
    reports: Sequence[ScenarioReport],
    projection_names: Sequence[str],
    figures: Sequence[tuple[str, str]],
    scenario_figures: dict[str, list[tuple[str, str]]],
    samples: int,
    seed: int,
    machines_file: str | None = None,
    *,
    after_figures: str = "",
) -> str:
    """The report's Markdown; `after_figures`: a section between the main figures and the
    scenarios (the backtest)."""
    machines = (
        "the bundled machines"
        if machines_file is None
        else f"the bundled machines and `{machines_file}` (marked as yours)"
    )
    out = [
        "# brainflops report",
        "",
        f"Generated by `brainflops report` {__version__} with {samples:,} samples, seed {seed}, "
        f"against {machines}. "
        "Do not edit by hand: CI regenerates this report and fails when it is stale.",
        "",
        as_of_line(reports[0].comparison.data_as_of) if reports else "",
        "",
        "Parity years are medians of compute parity, history first: the first TOP500 list "
        "whose #1 reached the brain's compute at HPL FP64 (or, for ai-trend, the first AI "
        "system at BF16 dense peak); above the newest, the first list at which each "
        "projection's random-walk paths meet the brain's draws, paired (never: a cap stays "
        "below it; >2200: past the forecasts' horizon). AI systems and training runs: Epoch "
        "AI (CC BY 4.0).",
        "",
        "Move any scenario's assumptions and watch its compute, its ratios to the newest "
        "machines and its parity years follow: [the explorer](explore.html) (one page, "
        "nothing fetched; it evaluates the same model as the engine).",
        "",
        summary(reports, projection_names),
        "",
    ]
    for file, caption in figures:
        out += [f"![{caption}](figures/{file})", ""]
    if after_figures:
        out += [after_figures, ""]
    for r in reports:
        out += [section(r, scenario_figures.get(r.estimate.scenario.name, [])), ""]
    return "\n".join(out).rstrip() + "\n"
