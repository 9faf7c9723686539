"""Human output through rich: tables with SI units."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

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
