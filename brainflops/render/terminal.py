"""Human output through rich: tables with SI units."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from brainflops.model.quantity import Range, describe_written
from brainflops.model.scenario import OUTPUTS, Scenario
from brainflops.render.units import (
    LABELS,
    UNITS,
    as_of_line,
    estimate_note,
    machine_needs,
    month_name,
    parity_year,
    plain,
    ratio,
    share,
    si,
)

if TYPE_CHECKING:  # an estimate shows without importing the analyses (and their data)
    from pathlib import Path

    from brainflops.analysis.backtest import Backtest, Score
    from brainflops.analysis.check import CheckResult
    from brainflops.analysis.compare import BindingParity, Comparison, MachineComparison
    from brainflops.analysis.diff import Diff, OutputDiff
    from brainflops.analysis.projections import History, ParityYears
    from brainflops.analysis.sensitivity import Sensitivity
    from brainflops.analysis.sweep import Sweep
    from brainflops.engine.core import Estimate
    from brainflops.model.data import DataSet
    from brainflops.model.machines import MachinesFile, Top500Number1


def interval(p5: float, p95: float, unit: str) -> str:
    """`14.4 T – 5.56 PFLOP/s`: the unit once, at the end."""
    low = si(p5, unit)
    return f"{low.removesuffix(unit).rstrip() if low.endswith(unit) else low} – {si(p95, unit)}"


def print_table(console: Console, table: Table) -> None:
    """On a narrow terminal (a CI log of 80 columns) names wrap between words; no word or
    number is ever split or cut.

    Right-aligned columns hold numbers: they keep their whole width, and the text columns
    wrap. A table that still splits a word, or does not fit, is printed as a list instead.
    """
    for column in table.columns:
        column.overflow = "fold"
        column.no_wrap = column.justify == "right"
        if column.no_wrap:
            column.min_width = _longest_word(column)
    from rich.measure import Measurement

    unbounded = console.options.update(max_width=1_000_000)  # get clamps to the width
    if Measurement.get(console, unbounded, table).maximum <= console.width:
        console.print(table)  # nothing wraps: nothing can be split
        return
    with console.capture() as captured:
        console.print(table)
    text = captured.get()
    if not _whole(table, text, console.width):
        _print_as_list(console, table)
        return
    console.file.write(text)


_RULES = re.compile(r"[\u2500-\u257f]+")
"""Box-drawing characters: a table's rules, not its words."""


def _whole(table: Table, text: str, width: int) -> bool:
    """Every line within `width`, and every word of every cell shown whole."""
    plain = Text.from_ansi(text).plain
    if any(Text(line).cell_len > width for line in plain.splitlines()):
        return False
    shown = set(_RULES.sub(" ", plain).split())
    cells = [*(c for column in table.columns for c in column.cells)]
    cells += [column.header for column in table.columns]
    return all(word in shown for cell in cells for word in _plain(cell).split())


def _plain(cell: Any) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return Text.from_markup(cell).plain if isinstance(cell, str) else str(cell)


def _longest_word(column: Any) -> int:
    """A column's longest word (its longest cell where cells may not wrap), header too."""
    cells = [_plain(c) for c in column.cells] + [_plain(column.header)]
    pieces = cells if column.no_wrap else [w for c in cells for w in c.split()]
    return max((Text(p).cell_len for p in pieces), default=0)


def _print_as_list(console: Console, table: Table) -> None:
    """A table too wide for the terminal without splitting a word: one entry per row, the
    first cell, then "header: cell" for the others, wrapped between words."""
    import textwrap

    if table.title:
        console.print(escape(_plain(table.title)), highlight=False)
    columns = [[_plain(c) for c in column.cells] for column in table.columns]
    headers = [_plain(c.header) for c in table.columns]
    for row in zip(*columns, strict=True):
        parts = [f"{h}: {v}" for h, v in zip(headers[1:], row[1:], strict=True) if v.strip()]
        line = f"- {row[0]}" + (f": {'; '.join(parts)}" if parts else "")
        wrapped = textwrap.wrap(
            line, console.width, subsequent_indent="  ", break_long_words=False,
            break_on_hyphens=False,
        )  # fmt: skip
        for piece in wrapped:
            console.print(escape(piece), highlight=False)


def _footer(console: Console, samples: int, seed: int) -> None:
    console.print(f"[dim]samples: {samples:,}  seed: {seed}[/dim]")


def print_ran(console: Console, ran: dict[str, Any]) -> None:
    """What this run changed: `--set` overrides and a `--machines` file, when given."""
    if ran.get("overrides"):
        console.print(f"[dim]overrides: {escape(', '.join(ran['overrides']))}[/dim]")
    if ran.get("machines_file"):
        console.print(f"[dim]machines file: {escape(ran['machines_file'])}[/dim]")


def _source(console: Console, scenario: Scenario) -> None:
    """The citation, wrapped between words; its URL whole on a line of its own (a terminal
    that is narrower shows it on two rows, but it stays one URL to copy or click)."""
    src = scenario.source
    if src is not None:
        console.print(f"[dim]Source: {escape(src.citation)}[/dim]")
        if src.url:
            console.print(f"[dim]{escape(src.url)}[/dim]", soft_wrap=True)


def _source_figure(console: Console, s: Scenario) -> None:
    """The source's own figure in its own unit, and the factor that made it FLOP."""
    if s.published is not None:
        console.print(f"Source's figure: {escape(s.published.describe(s.source_unit))}")
    if s.conversion is not None:
        console.print(
            f"[dim]Converted to FLOP at {escape(s.conversion.describe(s.source_unit))}[/dim]"
        )


def print_estimate(console: Console, est: Estimate) -> None:
    s = est.scenario
    console.print(f"[bold]{s.name}[/bold]: {escape(s.title)}")
    _source_figure(console, s)
    table = Table(title="Estimate", title_justify="left")
    table.add_column("output", no_wrap=True)
    table.add_column("median", justify="right", no_wrap=True)
    table.add_column("90% interval", justify="right", no_wrap=True)
    table.add_column("how", no_wrap=True)
    for name in OUTPUTS:
        stats = est.stats[name]
        unit = UNITS[name]
        if stats is None:
            table.add_row(LABELS[name], "unknown", "", "[dim]not given[/dim]")
            continue
        point = stats.p5 == stats.p95
        table.add_row(
            LABELS[name],
            si(stats.median, unit),
            "" if point else interval(stats.p5, stats.p95, unit),
            "point" if point else ("exact" if stats.exact else "MC"),
        )
    print_table(console, table)
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


def print_sensitivity(console: Console, result: Sensitivity, width: int = 12) -> None:
    """A tornado: one bar per input, longest first."""
    label = LABELS.get(result.output, result.output)
    console.print(f"[bold]{result.scenario}[/bold]: what drives {label} ({result.method})")
    console.print("[dim]share: of the variance of log10(output)[/dim]")
    if result.method == "first-order (binned; correlated inputs)":
        console.print(
            "[dim]Correlated inputs: the variance does not split into shares that add up; "
            "each index also counts what an input shares with those it is correlated with.[/dim]"
        )
    if result.method == "too few samples":
        from brainflops.analysis.sensitivity import MIN_BINNED_SAMPLES

        console.print(
            f"Too few samples ({result.samples:,}) to estimate shares by binning; "
            f"use --samples {MIN_BINNED_SAMPLES:,} or more."
        )
    elif not result.inputs:
        console.print("No uncertain inputs: every quantity of this output is a single number.")
    else:
        table = Table(show_header=True, box=None)
        table.add_column("input", no_wrap=True)
        table.add_column("share", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column("90% range", justify="right", no_wrap=True)
        # a mixture's parts already show the output's range: no separate swing
        base = None if result.method.startswith("mixture") else result.base
        if base:
            table.add_column("swing", justify="right", no_wrap=True)
        for item in result.inputs:
            bar = "█" * max(1, round(item.share * width)) if item.share > 0 else ""
            row = [
                item.name,
                f"{item.share:.1%}",
                bar,
                f"{plain(item.low, 3)} – {plain(item.high, 3)}",
            ]
            if base:
                row.append(f"{ratio(item.swing_low / base)} – {ratio(item.swing_high / base)}")
            table.add_row(*row)
        print_table(console, table)
        if base:
            unit = UNITS.get(result.output, "")
            console.print(
                f"[dim]swing: {label} with the input at its 5th, then 95th percentile and the "
                f"others at their medians, as a multiple of {si(base, unit)}[/dim]"
            )
    _footer(console, result.samples, result.seed)


def print_answer(console: Console, c: Comparison) -> None:
    """The answer block alone (`compare --brief`)."""
    from brainflops.render.answer import answer_lines

    for line in answer_lines(c, console.width):
        console.print(escape(line), highlight=False)


def print_compare(console: Console, c: Comparison) -> None:
    """The answer first, then the details: each machine, history, every projection."""
    s = c.estimate.scenario
    compute = c.estimate.stats["compute_flops"]
    assert compute is not None
    print_answer(console, c)
    console.print()
    console.print(f"[bold]{s.name}[/bold]: {escape(s.title)}")
    _source_figure(console, s)
    uncertain = compute.p5 != compute.p95
    for m in c.machines:
        table = Table(
            title=f"vs {escape(m.machine.name)} ({m.machine.list_date})"
            + (USER_MARK if m.user else ""),
            title_justify="left",
        )
        table.add_column("resource", no_wrap=True)
        table.add_column("machine", justify="right", no_wrap=True)
        table.add_column("brain ÷ machine", justify="right", no_wrap=True)
        if uncertain:
            table.add_column("90% interval", justify="right", no_wrap=True)
        table.add_column("needed", justify="right")
        for r in m.ratios:
            unit = _MACHINE_UNITS.get(r.key, "")
            needed = "" if r.key == "energy" else f"{r.machines_needed:,.0f}"
            name = f"[bold]{r.label}[/bold]" if r.key == m.bottleneck else r.label
            cells = [name, si(r.machine_value, unit), ratio(r.ratio.median)]
            if uncertain:
                cells.append(f"{ratio(r.ratio.p5)} – {ratio(r.ratio.p95)}")
            table.add_row(*cells, needed)
        print_table(console, table)
        _print_machine_needs(console, m)
    console.print(_history_line(c.history))
    if c.ai_history is not None:
        console.print(_history_line(c.ai_history))
    _print_resources(console, c)
    families = (
        ("top500", "When the TOP500 #1 matches it (HPL FP64, history first)"),
        ("ai", "When the leading AI system matches it (BF16 peak, history first)"),
    )
    for family, title in families:
        shown = [p for p in c.projections if p.series == family]
        if shown:
            _print_projections(console, title, shown)
            if family == "top500" and c.binding is not None:
                console.print(_binding_line(c.binding))
    _print_training(console, c)
    from brainflops.model.data import EPOCH_CREDIT

    console.print(as_of_line(c.data_as_of))
    console.print(f"[dim]{EPOCH_CREDIT}[/dim]")
    _footer(console, c.estimate.samples, c.estimate.seed)


def _print_machine_needs(console: Console, m: MachineComparison) -> None:
    """The bottleneck, what brain-equivalent compute would take in power and money, and
    which of the machine's figures are estimates."""
    name = escape(m.machine.name)
    estimates = estimate_note(m.machine)
    if estimates:
        console.print(f"[dim]{escape(estimates)}[/dim]")
    if m.bottleneck:
        label = next(r.label for r in m.ratios if r.key == m.bottleneck)
        console.print(f"Bottleneck on {name}: [bold]{label}[/bold]")
    lifetime = None if m.lifetime_seconds is None else m.lifetime_seconds.median
    needs = machine_needs(m.power_needed_w, m.hardware_cost_usd, lifetime)
    if needs:
        console.print(f"Brain-equivalent on {name} ({m.machine.precision}): " + "; ".join(needs))


SHOWN_P_BY = (2030, 2040, 2050, 2100)


def _print_projections(console: Console, title: str, projections: Sequence[ParityYears]) -> None:
    """Median and 90% range of the year, P(parity by a year); random walks and assumptions
    told apart."""
    table = Table(title=title, title_justify="left")
    table.add_column("projection")
    table.add_column("year", justify="right", no_wrap=True, min_width=5)
    table.add_column("90% range", justify="right", no_wrap=True)
    table.add_column("P by 2030·40·50·2100", justify="right", no_wrap=True)
    table.add_column("doubling", justify="right", no_wrap=True)
    for p in projections:
        table.add_row(
            p.name,
            parity_year(p),
            f"{parity_year(p, 'p5')}–{parity_year(p, 'p95')}",
            "·".join(share(p.p_by[y]) for y in SHOWN_P_BY),
            "" if p.doubling_years is None else f"{p.doubling_years:.2f} y",
        )
    print_table(console, table)
    fixed = [p.name for p in projections if p.forecast == "assumption"]
    if fixed:
        console.print(
            f"Fixed doubling times, assumptions (their spread is the brain's only): "
            f"{', '.join(fixed)}. The others are random-walk forecasts (docs/forecasts.md)."
        )
    limits: dict[str, list[str]] = {}
    for p in projections:
        if p.limit is not None:
            limits.setdefault(p.limit, []).append(p.name)
    for limit, names in limits.items():
        console.print(f"Never, {escape(limit)}: {', '.join(names)}.")


SHOWN_RUNS = 3
"""The largest training runs `compare` shows (`--json` has them all)."""


def _print_training(console: Console, c: Comparison) -> None:
    """The training view: the largest training runs in lifetimes of this brain."""
    lifetime = c.estimate.stats["lifetime_flop"]
    if lifetime is None or not c.training_runs:
        return
    seconds = c.estimate.scenario.training.seconds
    shown = seconds.describe() if isinstance(seconds, Range) else f"{seconds:.3g}".replace("+", "")
    table = Table(
        title=f"Training runs in brain-lifetimes (one lifetime: {si(lifetime.median, 'FLOP')}"
        f" = compute × {shown} s)",
        title_justify="left",
    )
    table.add_column("model")
    table.add_column("date", no_wrap=True)
    table.add_column("training", justify="right", no_wrap=True)
    table.add_column("lifetimes", justify="right", no_wrap=True)
    for t in c.training_runs[:SHOWN_RUNS]:
        table.add_row(
            escape(t.run.model),
            t.run.publication_date[:7],
            si(t.run.flop, "FLOP"),
            ratio(t.lifetimes.median).removesuffix("×"),
        )
    print_table(console, table)


USER_MARK = " (your machine)"
"""Marks a machine from --machines, compared beside the bundled ones."""


def _print_resources(console: Console, c: Comparison) -> None:
    """Parity on each resource the #1's history holds, and which one comes last."""
    if len(c.resources) < 2:
        return
    table = Table(title="Parity by resource (TOP500 #1, history first)", title_justify="left")
    table.add_column("resource")
    table.add_column("year", justify="right")
    table.add_column("reached on", justify="right")
    table.add_column("doubling", justify="right")
    for r in c.resources:
        listed = r.history.median_list
        doubling = r.years.doubling_years
        table.add_row(
            r.label,
            parity_year(r.years),
            "–" if listed is None else list_name(listed).removeprefix("the "),
            "" if doubling is None else f"{doubling:.2f} y",
        )
    print_table(console, table)
    last = c.last_resource
    if last is not None:
        console.print(f"Reached last: [bold]{last.label}[/bold] ({parity_year(last.years)})")


_MONTHS = {"06": "June", "11": "November"}


def list_name(list_date: str) -> str:
    """ "2005-06" as "the June 2005 list"."""
    year, month = list_date.split("-")
    return f"the {_MONTHS.get(month, month)} {year} list"


def _binding_line(b: BindingParity) -> str:
    """Which resource the years are for, when the bottleneck is another one."""
    p = b.years
    when = parity_year(p)
    if p.year_p5 != p.year_p95:
        when += f" (90%: {parity_year(p, 'p5')} – {parity_year(p, 'p95')})"
    return (
        f"These years are for compute at HPL FP64. The bottleneck on {escape(b.machine)} is "
        f"{b.label}: if machines keep its balance ({b.hpl_per_unit:.3g} HPL FLOP/s per "
        f"{_MACHINE_UNITS.get(b.key, 'unit')}), "
        f"{p.name} dates it {when}."
    )


def _history_line(h: History) -> str:
    """What the history (TOP500 #1, or AI systems) already says, before any projection."""
    who = "The TOP500 #1" if h.series == "top500" else "An AI system at BF16 peak"
    when = list_name if h.series == "top500" else month_name
    if h.median_list is not None and h.p_reached >= 0.5:
        system = escape(h.median_system or "")
        if h.censored == "before":  # the data begin there: an upper bound, not a date
            first = "the first TOP500 list" if h.series == "top500" else "the first AI system"
            line = f"{who} reached it ≤ {month_name(h.median_list)} ({first} in the data,"
            line += f" {system})"
        else:
            line = f"{who} reached it {'on' if h.series == 'top500' else 'in'} "
            line += f"{when(h.median_list)} ({system})"
        if h.p_reached < 1:
            line += f"; {h.p_reached:.0%} of samples are already reached"
        return line + "."
    newest = f"{escape(h.newest_system)}, {when(h.newest_list)}"
    who = who[0].lower() + who[1:]
    if h.p_reached > 0:
        return f"Not yet reached by {who} ({newest}); {h.p_reached:.0%} of samples are."
    return f"Not yet reached by {who} ({newest})."


_MACHINE_UNITS = {
    "compute_hpl": "FLOP/s",
    "compute_hpcg": "FLOP/s",
    "compute_peak": "FLOP/s",
    "compute_bf16": "FLOP/s",
    "compute_fp8": "FLOP/s",
    "memory": "B",
    "events": "TEPS",
    "memory_traffic": "B/s",
    "communication": "B/s",
    "energy": "FLOP/J",
}


def print_machines(
    console: Console, machines: MachinesFile, history: Sequence[Top500Number1]
) -> None:
    columns = {
        "HPL": "hpl_rmax_flops",
        "HPCG": "hpcg_flops",
        "G500": "graph500_teps",
        "mem": "memory_bytes",
        "mem BW": "memory_bandwidth_bytes_per_s",
        "net BW": "injection_bandwidth_bytes_per_s",
        "power": "power_w",
    }
    table = Table(
        title="Reference systems", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("system", min_width=10)
    table.add_column("list", no_wrap=True)
    for header in columns:
        table.add_column(header, justify="right", no_wrap=True)
    for m in machines.machines:
        cells = [
            si(getattr(m, f)).replace(" ", "") if getattr(m, f) else "–" for f in columns.values()
        ]
        table.add_row(escape(m.name) + (" *" if machines.is_user(m) else ""), m.list_date, *cells)
    print_table(console, table)
    if any(machines.is_user(m) for m in machines.machines):
        console.print("* your machines (--machines): compared beside the bundled ones")
    console.print(
        "[dim]HPL, HPCG: FLOP/s; G500: Graph500 TEPS; mem: B; BW: B/s (net: total injection);"
        " power: W; –: unknown[/dim]"
    )
    top = Table(title="TOP500 #1 by list", title_justify="left")
    for column in ("list", "system", "Rmax", "power"):
        top.add_column(column, justify="right" if column in ("Rmax", "power") else "left")
    for r in history:
        power = None if r.power_kw is None else r.power_kw * 1e3
        top.add_row(r.list, escape(r.system), si(r.rmax_flops, "FLOP/s"), si(power, "W"))
    console.print(top)
    _print_ai_systems(console)
    console.print(
        "[dim]Sources: `brainflops machines --json` lists the source of every figure.[/dim]"
    )


def _listing(title: str, columns: Sequence[str]) -> Table:
    """A compact table of data rows: the first column names, the others are right-aligned."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    return table


def _print_ai_systems(console: Console) -> None:
    """The leading AI systems (Epoch AI) and the accelerator catalogue."""
    from brainflops.model.data import EPOCH_CREDIT, ai_systems
    from brainflops.model.machines import chip_catalogue

    table = _listing(
        "Leading AI systems (dense peak; INT8 counts integer ops; planned ones are never compared)",
        ("system", "from", "chips", "BF16", "FP8", "INT8", "power", "cost"),
    )
    for a in ai_systems():
        when = a.first_operational[:7] if a.first_operational else a.status
        eight = (a.fp8_dense_flops, a.int8_dense_ops)
        cells = [
            "–" if a.chips is None else f"{a.chips:,}",
            *("–" if v is None else si(v).replace(" ", "") for v in (a.bf16_dense_flops, *eight)),
            "–" if a.power_mw is None else si(a.power_mw * 1e6, "W").replace(" ", ""),
            "–" if a.hardware_cost_usd_2025 is None else "$" + si(a.hardware_cost_usd_2025),
        ]
        table.add_row(escape(a.name), when, *cells)
    print_table(console, table)
    chips = _listing(
        "Accelerators (per chip, dense): machines as `chip: SLUG` x `chips: N`",
        ("chip", "year", "BF16", "FP8", "FP64", "HBM", "TDP"),
    )
    for c in chip_catalogue().chips:
        figures = (c.bf16_dense_flops, c.fp8_dense_flops, c.fp64_peak_flops, c.hbm_bytes)
        cells = ["–" if v is None else si(v).replace(" ", "") for v in figures]
        tdp = "–" if c.tdp_w is None else f"{c.tdp_w:.0f} W"
        chips.add_row(c.slug, str(c.year), *cells, tdp)
    print_table(console, chips)
    console.print(f"[dim]{EPOCH_CREDIT}[/dim]")


def print_check(console: Console, results: Sequence[CheckResult], samples: int, seed: int) -> None:
    """One group of rows per scenario, so the table fits an 80-column CI log."""
    table = Table(
        title="Published figures", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("", no_wrap=True)
    table.add_column("scenario / check")
    table.add_column("found", justify="right")
    table.add_column("published")
    shown = None
    for r in results:
        if r.scenario != shown:
            if shown is not None:
                table.add_section()
            table.add_row("", f"[bold]{escape(r.scenario)}[/bold]", "", "")
            shown = r.scenario
        mark = "[green]pass[/green]" if r.passed else "[bold red]FAIL[/bold red]"
        published = escape(r.published) + (" [dim](derived)[/dim]" if r.derived else "")
        table.add_row(mark, f"  {escape(r.check)}", r.found_text, published)
    names = [len(r.scenario) for r in results] + [len(r.check) + 2 for r in results]
    table.columns[1].min_width = min(max(names, default=0), 22)
    print_table(console, table)
    failed = sum(not r.passed for r in results)
    console.print(f"{len(results) - failed} passed, {failed} failed")
    _footer(console, samples, seed)


def _value_text(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return plain(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _leaf_rows(d: Diff) -> list[tuple[str, object, object]]:
    """Whole blocks that differ (a population added, a cost model changed) as one row per leaf."""
    rows: list[tuple[str, object, object]] = []

    def walk(path: str, a: object, b: object) -> None:
        if isinstance(a, dict) or isinstance(b, dict):
            da = a if isinstance(a, dict) else {}
            db = b if isinstance(b, dict) else {}
            for key in list(da) + [k for k in db if k not in da]:
                walk(f"{path}.{key}", da.get(key), db.get(key))
        elif a != b or path.endswith(".model"):
            rows.append((path, a, b))

    for p in d.parameters:
        walk(p.path, p.a, p.b)
    return rows


def _unknown_ratio(o: OutputDiff) -> str:
    from brainflops.analysis.diff import PAST_FLOAT64  # imported already: a diff is shown

    return "past float64" if o.method == PAST_FLOAT64 else "unknown"


def print_diff(console: Console, d: Diff, output: str = "compute_flops") -> None:
    console.print(f"[bold]{d.a}[/bold] → [bold]{d.b}[/bold]")
    params = Table(title="Parameters that differ", title_justify="left")
    params.add_column("parameter", no_wrap=True)
    params.add_column(d.a, overflow="fold")
    params.add_column(d.b, overflow="fold")
    rows = _leaf_rows(d)
    for path, a, b in rows:
        params.add_row(escape(path), escape(_value_text(a)), escape(_value_text(b)))
    print_table(console, params)
    if any("/" in path for path, _, _ in rows):
        console.print(
            "[dim]populations.a/b: population a of the first scenario set against b of the"
            " second.[/dim]"
        )
    ratios = Table(title=f"Outputs: {d.b} ÷ {d.a} (common random numbers)", title_justify="left")
    ratios.add_column("output")
    ratios.add_column("median ratio", justify="right")
    ratios.add_column("90% interval", justify="right")
    for name, o in d.outputs.items():
        if o.ratio is None:
            ratios.add_row(LABELS[name], _unknown_ratio(o), "")
            continue
        point = o.ratio.p5 == o.ratio.p95
        span = "" if point else f"{ratio(o.ratio.p5)} – {ratio(o.ratio.p95)}"
        ratios.add_row(LABELS[name], ratio(o.ratio.median), span)
    print_table(console, ratios)
    chosen = d.outputs[output]
    if chosen.attribution:
        table = Table(
            title=f"What moves {LABELS[output]} ({chosen.method}; product = "
            f"{ratio(chosen.point_ratio or 0)} at the medians)",
            title_justify="left",
        )
        table.add_column("parameter", no_wrap=True)
        table.add_column("factor", justify="right")
        for x in chosen.attribution:
            table.add_row(x.parameter, ratio(x.factor))
        print_table(console, table)
    elif chosen.point_ratio is not None:
        console.print(f"Attribution of {LABELS[output]}: {chosen.method}")
    _footer(console, d.samples, d.seed)


SHOWN_SWEEP_YEARS = {"trend-2013": "#1", "ai-trend": "AI"}
"""The parity years a sweep's table shows (its JSON and CSV have every default projection)."""


def print_sweep(console: Console, result: Sweep, output: str = "compute_flops") -> None:
    """One row per point: the varied values, the output (median and 90%), parity years."""
    unit = UNITS.get(output, "")
    console.print(
        f"[bold]{escape(result.scenario)}[/bold]: {len(result.points):,} points over "
        f"{escape(', '.join(result.paths))}; parity years of the TOP500 #1 (trend-2013) and "
        "the AI leader (ai-trend), history first; --json has every projection"
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for path in result.paths:  # the last key names the column; the title says the whole path
        table.add_column(escape(path.rsplit(".", 1)[-1]), justify="right", no_wrap=True)
    table.add_column(LABELS.get(output, output), justify="right", no_wrap=True)
    table.add_column("90% interval", justify="right", no_wrap=True)
    names = [n for n in SHOWN_SWEEP_YEARS if result.points and n in result.points[0].projections]
    for name in names:
        table.add_column(SHOWN_SWEEP_YEARS[name], justify="right", no_wrap=True)
    for point in result.points:
        stats = point.outputs.get(output)
        cells = [escape(describe_written(v)) for v in point.values.values()]
        if stats is None:
            cells += ["unknown", ""]
        else:
            span = "" if stats.p5 == stats.p95 else f"{si(stats.p5)} – {si(stats.p95)}"
            cells += [si(stats.median, unit), span]
        cells += [parity_year(point.projections[n]) for n in names]
        table.add_row(*cells)
    print_table(console, table)
    _footer(console, result.samples, result.seed)


def _cover(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def print_backtest(console: Console, b: Backtest) -> None:
    """Coverage by horizon, pooled, at threshold crossings, and the point trend beside it."""
    console.print(
        f"Backtest of the {b.label}: a random walk with drift, fitted at each of "
        f"{len(b.origins)} origins ({b.origins[0] if b.origins else '–'} to "
        f"{b.origins[-1] if b.origins else '–'}) on the trailing {b.window_years:g} years, "
        f"K² from {'two-year differences' if b.variance == 'two-year' else 'single steps'}."
    )
    table = Table(title="Forecasts by horizon (nominal: 0.50 and 0.90)", title_justify="left")
    for name in ("years ahead", "n", "cover50", "cover90", "median |err|", "mean err"):
        table.add_column(name, justify="right", no_wrap=True)
    rows: list[tuple[str, Score]] = [(str(h.h_years), h) for h in b.walk.by_horizon]
    rows += [("all", b.walk.pooled), ("naive, all", b.naive.pooled)]
    for label, score in rows:
        table.add_row(
            label,
            f"{score.n:,}",
            _cover(score.cover50),
            _cover(score.cover90),
            _cover(score.median_abs_log10_error),
            "–" if score.mean_log10_error is None else f"{score.mean_log10_error:+.2f}",
        )
    print_table(console, table)
    t = b.walk.thresholds
    console.print(
        f"Parity years ({t.n} crossings of a power of ten): inside the 50% range "
        f"{_cover(t.cover50)}, the 90% range {_cover(t.cover90)}; after the median "
        f"{_cover(t.later_than_median)}. Errors are log10 (realised − forecast median)."
    )
    console.print(f"[bold]{escape(b.note.capitalize())}[/bold].")


def print_data_status(console: Console, sets: Sequence[DataSet], folder: Path) -> None:
    """The data sets, the date of each one's newest row, and the user's imports."""
    table = Table(title="Data sets (newest row; your imports merged over the bundled rows)")
    for name in ("data set", "rows", "newest", "source"):
        table.add_column(name, justify="right" if name == "rows" else "left")
    for d in sets:
        source = d.source if d.imported is None else f"{d.source}; yours: {d.imported}"
        table.add_row(d.name, f"{d.rows:,}", d.newest, escape(source))
    print_table(console, table)
    console.print(f"Licences: {'; '.join(f'{d.name}: {d.licence}' for d in sets)}.")
    console.print(f"Your data folder: {escape(str(folder))} (BRAINFLOPS_DATA to move it).")
