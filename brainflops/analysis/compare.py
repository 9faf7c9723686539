"""A brain against machines: ratios per resource, machines needed, and the bottleneck."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from brainflops.analysis.projections import (
    Figure,
    History,
    ParityYears,
    Projection,
    history,
    hpl_rmax,
    parity_years,
    projection_set,
    resolve,
    trend_fit,
)
from brainflops.engine.evaluate import Estimate, Stats
from brainflops.errors import InputError
from brainflops.model.machines import Machine, MachinesFile, Top500Number1
from brainflops.model.projections import ProjectionSpec, TrendProjection

METRICS: tuple[tuple[str, str, str, str], ...] = (
    # key, label, brain output, machine figure
    ("compute_hpl", "compute (HPL)", "compute_flops", "hpl_rmax_flops"),
    ("compute_hpcg", "compute (HPCG)", "compute_flops", "hpcg_flops"),
    ("compute_peak", "compute (peak)", "compute_flops", "rpeak_flops"),
    ("memory", "memory", "memory_bytes", "memory_bytes"),
    ("events", "events (Graph500)", "events_per_s", "graph500_teps"),
    (
        "memory_traffic",
        "memory bandwidth",
        "memory_traffic_bytes_per_s",
        "memory_bandwidth_bytes_per_s",
    ),
    (
        "communication",
        "injection bandwidth",
        "communication_bytes_per_s",
        "injection_bandwidth_bytes_per_s",
    ),
    ("energy", "energy efficiency", "flops_per_joule", "flops_per_joule"),
)
NOT_A_BOTTLENECK = ("compute_peak", "energy")
"""Peak is never reached in practice; energy efficiency is not a resource to multiply."""


@dataclass(frozen=True)
class Ratio:
    key: str
    label: str
    machine_value: float
    ratio: Stats
    """brain ÷ machine, over the scenario's samples."""

    @property
    def machines_needed(self) -> float:
        return max(1.0, float(math.ceil(self.ratio.median)))


@dataclass(frozen=True)
class MachineComparison:
    machine: Machine
    ratios: tuple[Ratio, ...]
    bottleneck: str | None
    """The resource with the largest median ratio (brain ÷ machine)."""
    user: bool = False
    """From the user's `--machines` file."""


def _scaled(stats: Stats, divisor: float) -> Stats:
    return Stats(
        stats.p5 / divisor,
        stats.median / divisor,
        stats.p95 / divisor,
        stats.mean / divisor,
        stats.exact,
    )


def compare_machine(est: Estimate, machine: Machine, user: bool = False) -> MachineComparison:
    ratios: list[Ratio] = []
    for key, label, output, figure in METRICS:
        brain = est.stats[output]
        value = getattr(machine, figure)
        if brain is None or value is None:
            continue
        ratios.append(Ratio(key, label, value, _scaled(brain, value)))
    candidates = [r for r in ratios if r.key not in NOT_A_BOTTLENECK]
    bottleneck = max(candidates, key=lambda r: r.ratio.median).key if candidates else None
    return MachineComparison(machine, tuple(ratios), bottleneck, user)


def newest(machines: MachinesFile) -> Machine:
    """The newest #1 of the bundled data: a user's machine never takes its place."""
    bundled = [m for m in machines.machines if not machines.is_user(m)]
    return max(bundled or machines.machines, key=lambda m: m.list_date)


def pick_machines(machines: MachinesFile, names: Sequence[str]) -> list[Machine]:
    """By name (case-insensitive); default: the newest #1, Fugaku and the user's machines."""
    if not names:
        chosen = [newest(machines)]
        chosen += [m for m in machines.machines if m.key() == "fugaku" and m not in chosen]
        chosen += [m for m in machines.machines if machines.is_user(m) and m not in chosen]
        return chosen
    by_key = {m.key(): m for m in machines.machines}
    out: list[Machine] = []
    for name in names:
        key = name.lower().replace(" ", "-")
        if key not in by_key:
            close = difflib.get_close_matches(key, list(by_key), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(by_key)}"
            raise InputError.at("--machine", f"unknown machine {name!r}{hint}")
        out.append(by_key[key])
    return out


def _memory(row: Top500Number1) -> float | None:
    return row.memory_bytes


def _flops_per_joule(row: Top500Number1) -> float | None:
    return None if row.power_kw is None else row.rmax_flops / (row.power_kw * 1e3)


PARITY_RESOURCES: tuple[tuple[str, str, str, Figure], ...] = (
    ("compute_hpl", "compute (HPL)", "compute_flops", hpl_rmax),
    ("memory", "memory", "memory_bytes", _memory),
    ("energy", "energy efficiency", "flops_per_joule", _flops_per_joule),
)
"""The resources whose #1 history the bundled TOP500 data holds (key, label, brain output,
figure of a #1 row); HPCG and bandwidths have no #1 history there."""


@dataclass(frozen=True)
class ResourceParity:
    """When the #1 matches the brain on one resource: history first, then its own trend."""

    key: str
    label: str
    years: ParityYears
    history: History


def resource_parity(est: Estimate) -> tuple[ResourceParity, ...]:
    out: list[ResourceParity] = []
    for key, label, output, figure in PARITY_RESOURCES:
        values = est.draws.get(output)
        if values is None:
            continue
        past = history(values, figure)
        trend = Projection(
            "trend-2013", TrendProjection(model="trend"), trend_fit("2013-06", None, figure)
        )
        out.append(ResourceParity(key, label, parity_years(trend, values, past), past))
    return tuple(out)


@dataclass(frozen=True)
class Comparison:
    """Everything `brainflops compare` shows: ratios per machine and parity years."""

    estimate: Estimate
    machines: tuple[MachineComparison, ...]
    projections: tuple[ParityYears, ...]
    history: History
    resources: tuple[ResourceParity, ...] = ()

    @property
    def last_resource(self) -> ResourceParity | None:
        """The resource the #1 matches last (never counts as last of all)."""

        def year(r: ResourceParity) -> float:
            median = r.years.year_median
            return math.inf if median is None else median

        return max(self.resources, key=year, default=None)


def compare(
    est: Estimate,
    machines: MachinesFile,
    machine_names: Sequence[str] = (),
    selected: Sequence[str] = (),
    added: Mapping[str, ProjectionSpec] | None = None,
) -> Comparison:
    specs = projection_set(est.scenario.projections, selected, added)
    compute = est.draws["compute_flops"]
    past = history(compute)
    years = tuple(
        parity_years(resolve(name, spec, machines.green500), compute, past)
        for name, spec in specs.items()
    )
    rows = tuple(
        compare_machine(est, m, machines.is_user(m)) for m in pick_machines(machines, machine_names)
    )
    return Comparison(est, rows, years, past, resource_parity(est))
