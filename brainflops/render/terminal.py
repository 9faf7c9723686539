"""Human output through rich: tables with SI units."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from brainflops.analysis.sensitivity import Sensitivity
from brainflops.engine.evaluate import Estimate
from brainflops.model.scenario import OUTPUTS, Scenario
from brainflops.render.units import LABELS, UNITS, si


def interval(p5: float, p95: float, unit: str) -> str:
    return f"{si(p5, unit)} – {si(p95, unit)}"


def _footer(console: Console, samples: int, seed: int) -> None:
    console.print(f"[dim]samples: {samples:,}  seed: {seed}[/dim]")


def _source(console: Console, scenario: Scenario) -> None:
    src = scenario.source
    if src is not None:
        console.print(f"[dim]Source: {src.citation}{' ' + src.url if src.url else ''}[/dim]")


def print_estimate(console: Console, est: Estimate) -> None:
    s = est.scenario
    console.print(f"[bold]{s.name}[/bold]: {s.title}")
    table = Table(title="Estimate", title_justify="left")
    table.add_column("output")
    table.add_column("median", justify="right")
    table.add_column("90% interval", justify="right")
    table.add_column("method")
    for name in OUTPUTS:
        stats = est.stats[name]
        unit = UNITS[name]
        if stats is None:
            table.add_row(LABELS[name], "unknown", "", "[dim]not given by the scenario[/dim]")
            continue
        point = stats.p5 == stats.p95
        table.add_row(
            LABELS[name],
            si(stats.median, unit),
            "" if point else interval(stats.p5, stats.p95, unit),
            "point" if point else ("exact" if stats.exact else "Monte Carlo"),
        )
    console.print(table)
    if est.compute_shares:
        parts = Table(title="Compute breakdown", title_justify="left")
        parts.add_column("part")
        parts.add_column("median share", justify="right")
        for name, share in sorted(est.compute_shares.items(), key=lambda kv: -kv[1]):
            parts.add_row(name, f"{share:.1%}")
        factors = est.factor_medians()
        for name, value in factors.items():
            parts.add_row(f"× {name}", f"×{value:.3g}")
        console.print(parts)
    _source(console, s)
    _footer(console, est.samples, est.seed)


def print_sensitivity(console: Console, result: Sensitivity, width: int = 20) -> None:
    """A tornado: one bar per input, longest first."""
    label = LABELS.get(result.output, result.output)
    console.print(f"[bold]{result.scenario}[/bold]: what drives {label} ({result.method})")
    if not result.inputs:
        console.print("No uncertain inputs: every quantity of this output is a single number.")
    else:
        table = Table(show_header=True, box=None)
        table.add_column("input", no_wrap=True)
        table.add_column("share of Var(log10)", justify="right")
        table.add_column("")
        table.add_column("90% range", justify="right")
        for item in result.inputs:
            bar = "█" * max(1, round(item.share * width)) if item.share > 0 else ""
            table.add_row(item.name, f"{item.share:.1%}", bar, f"{item.low:.3g} – {item.high:.3g}")
        console.print(table)
    _footer(console, result.samples, result.seed)
