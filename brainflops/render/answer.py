"""The answer first: what `compare` says in its first lines, before any table.

Brain compute; how many of the newest TOP500 #1 and of the leading AI system it takes, each
at its own precision; and when parity comes, as a range across the default projections with
their names, for HPL compute, and for the resource that binds when that is another one.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from brainflops.render.units import estimated_figures, month_name, parity_year, ratio, si

if TYPE_CHECKING:
    from brainflops.analysis.compare import Comparison, MachineComparison
    from brainflops.analysis.projections import ParityYears

MAX_LINES = 12
"""The answer fits in this many lines at 80 columns."""
TOP500_DEFAULTS = ("trend-2013", "fabrication-limit-2025", "power-cap-100mw")
AI_DEFAULTS = ("ai-trend", "ai-power-1gw", "ai-power-10gw", "ai-spend-200b")


def answer_lines(c: Comparison, width: int = 80) -> list[str]:
    """The answer block, wrapped at `width` between words (never inside a word or number)."""
    compute = c.estimate.stats["compute_flops"]
    assert compute is not None
    brain = si(compute.median, "FLOP/s")
    if compute.p5 != compute.p95:
        brain += f" (90%: {si(compute.p5)}–{si(compute.p95, 'FLOP/s')})"
    sentences = [f"{c.estimate.scenario.name}: the brain computes {brain}."]
    top = next((m for m in c.machines if m.machine.kind == "hpc" and not m.user), None)
    ai = next((m for m in c.machines if m.machine.kind == "ai" and not m.user), None)
    if top is not None:
        sentences.append(_ratio_line(top, "the newest TOP500 #1", "compute_hpl", "HPL FP64"))
    if ai is not None:
        sentences.append(_ratio_line(ai, "the leading AI system", "compute_bf16", "BF16 peak"))
    sentences.append(_parity_line(c, "top500", TOP500_DEFAULTS, "HPL compute, TOP500 #1"))
    if c.binding is not None:
        b = c.binding
        sentences.append(
            f"That is HPL compute; the bottleneck on {b.machine} is {b.label}: at its balance, "
            f"{b.years.name} dates it {_with_range(b.years)}."
        )
    sentences.append(_parity_line(c, "ai", AI_DEFAULTS, "BF16 peak, AI systems"))
    lines: list[str] = []
    for sentence in sentences:
        lines += textwrap.wrap(
            sentence, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
        )
    return lines


def _ratio_line(m: MachineComparison, who: str, key: str, precision: str) -> str:
    found = next((r for r in m.ratios if r.key == key), None)
    when = month_name(m.machine.list_date) if m.machine.list_date else "undated"
    if found is None:
        return f"{who.capitalize()}, {m.machine.name} ({when}): no {precision} figure."
    estimate = " (an estimate)" if estimated_figures(m.machine) else ""
    return (
        f"It takes {ratio(found.ratio.median)} {who}, {m.machine.name} ({when}), at "
        f"{precision}{estimate}."
    )


def _parity_line(c: Comparison, series: str, defaults: Sequence[str], what: str) -> str:
    shown = [p for p in c.projections if p.series == series and p.name in defaults]
    if not shown:
        shown = [p for p in c.projections if p.series == series and p.forecast != "assumption"]
    if not shown:
        return f"Parity ({what}): no projection."
    medians = [parity_year(p) for p in shown]
    named = ", ".join(f"{p.name} {m}" for p, m in zip(shown, medians, strict=True))
    if len(set(medians)) == 1:
        head = f"{medians[0]} ({', '.join(p.name for p in shown)})"
    else:
        numeric = sorted(m for m in medians if m.isdigit())
        span = f"{numeric[0]}–{numeric[-1]}" if len(numeric) > 1 else "/".join(sorted(set(medians)))
        head = f"{span} ({named})"
    low = min((p.year_p5 for p in shown if p.year_p5 is not None), default=None)
    highs = [p for p in shown if p.year_p95 is not None]
    widest = max(highs, key=lambda p: p.year_p95 or 0.0, default=None)
    spread = ""
    if low is not None and widest is not None and any(p.year_p5 != p.year_p95 for p in shown):
        spread = f"; 90% of paths {int(low)}–{parity_year(widest, 'p95')}"
    return f"Parity ({what}): {head}{spread}."


def _with_range(p: ParityYears) -> str:
    median = parity_year(p)
    if p.year_p5 == p.year_p95:
        return median
    return f"{median} (90%: {parity_year(p, 'p5')}–{parity_year(p, 'p95')})"
