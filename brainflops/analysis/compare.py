"""A brain against machines: ratios per resource, machines needed, and the bottleneck."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from brainflops.analysis.projections import (
    DEFAULT_PROJECTIONS,
    Figure,
    History,
    ParityYears,
    Projection,
    histories,
    history,
    hpl_rmax,
    log2_targets,
    parity_years,
    projection_set,
    resolve,
    trend_projection,
)
from brainflops.engine.evaluate import Estimate, Stats
from brainflops.engine.expr import scale_of
from brainflops.engine.sampling import Array
from brainflops.errors import InputError
from brainflops.model.data import ai_systems, as_of, loaded, measured_runs
from brainflops.model.machines import Machine, MachinesFile, Top500Number1, TrainingRun
from brainflops.model.projections import ProjectionSpec

COMPUTE_BITS = {
    "compute_hpl": 64,
    "compute_hpcg": 64,
    "compute_peak": 64,
    "compute_bf16": 16,
    "compute_fp8": 8,
}
"""The precision of each compute figure: a scenario's `precision_bits` drops the narrower."""

METRICS: tuple[tuple[str, str, str, str], ...] = (
    # key, label, brain output, machine figure
    ("compute_hpl", "compute (HPL FP64)", "compute_flops", "hpl_rmax_flops"),
    ("compute_hpcg", "compute (HPCG FP64)", "compute_flops", "hpcg_flops"),
    ("compute_peak", "compute (FP64 peak)", "compute_flops", "fp64_peak"),
    ("compute_bf16", "compute (BF16 peak)", "compute_flops", "bf16_dense_flops"),
    ("compute_fp8", "compute (FP8 peak)", "compute_flops", "fp8_dense_flops"),
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
NOT_A_BOTTLENECK = ("compute_peak", "compute_fp8", "energy")
"""FP64 peak is never reached by HPC codes and FP8 restates BF16; energy efficiency is not a
resource to multiply."""


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
    lifetime_seconds: Stats | None = None
    """How long one brain-lifetime of compute takes on this machine (its own precision)."""

    @property
    def compute(self) -> Ratio | None:
        """The ratio at the machine's own precision: HPL FP64, or BF16 peak for AI systems."""
        key = "compute_bf16" if self.machine.kind == "ai" else "compute_hpl"
        return next((r for r in self.ratios if r.key == key), None)

    @property
    def power_needed_w(self) -> float | None:
        """Brain FLOP/s ÷ the machine's FLOP/J: the power of brain-equivalent compute."""
        compute, power = self.compute, self.machine.power_w
        return None if compute is None or power is None else compute.ratio.median * power

    @property
    def hardware_cost_usd(self) -> float | None:
        """The hardware cost of brain-equivalent compute, where the machine's is sourced."""
        compute, cost = self.compute, self.machine.hardware_cost_usd
        return None if compute is None or cost is None else compute.ratio.median * cost


@dataclass(frozen=True)
class Metric:
    """One resource a brain output is compared on, with the machine's figure for it."""

    key: str
    label: str
    output: str
    machine_value: float


def metrics(machine: Machine, precision_bits: int | None) -> list[Metric]:
    """The resources a machine has a figure for, at a precision the brain's operations
    allow (a scenario's `precision_bits` drops the narrower compute figures)."""
    found: list[Metric] = []
    for key, label, output, figure in METRICS:
        value = getattr(machine, figure)
        if value is None:
            continue
        if precision_bits is not None and COMPUTE_BITS.get(key, 64) < precision_bits:
            continue  # narrower than the brain's operations need
        label_ = "energy efficiency (" + machine.precision + ")" if key == "energy" else label
        found.append(Metric(key, label_, output, value))
    return found


def compare_machine(est: Estimate, machine: Machine, user: bool = False) -> MachineComparison:
    ratios: list[Ratio] = []
    for m in metrics(machine, est.scenario.precision_bits):
        brain = est.stats[m.output]
        if brain is not None:
            ratios.append(Ratio(m.key, m.label, m.machine_value, brain.over(m.machine_value)))
    candidates = [r for r in ratios if r.key not in NOT_A_BOTTLENECK]
    bottleneck = max(candidates, key=lambda r: r.ratio.median).key if candidates else None
    lifetime = est.stats["lifetime_flop"]
    speed = machine.compute_flops
    seconds = None if lifetime is None or speed is None else lifetime.over(speed)
    return MachineComparison(machine, tuple(ratios), bottleneck, user, seconds)


def newest(machines: MachinesFile) -> Machine:
    """The newest #1 of the bundled data: a user's machine never takes its place."""
    listed = [m for m in machines.machines if m.kind == "hpc" and m.list_date is not None]
    bundled = [m for m in listed if not machines.is_user(m)]
    return max(bundled or listed, key=lambda m: m.list_date or "")


@loaded
def ai_machines() -> tuple[Machine, ...]:
    """The AI systems of the bundled data (Epoch AI), existing and planned; built once."""
    return tuple(s.machine() for s in ai_systems())


def newest_ai_leader() -> Machine:
    """The leading AI system in operation: the largest BF16 peak (the newer on a tie).

    Planned systems are announcements, never counted as existing.
    """
    existing = [m for m in ai_machines() if m.status == "existing"]
    return max(existing, key=lambda m: (m.bf16_dense_flops or 0.0, m.list_date or ""))


def pick_machines(machines: MachinesFile, names: Sequence[str]) -> list[Machine]:
    """By name (case-insensitive); default: the newest #1, the newest leading AI system,
    Fugaku and the user's machines."""
    if not names:
        chosen = [newest(machines), newest_ai_leader()]
        chosen += [m for m in machines.machines if m.key() == "fugaku" and m not in chosen]
        chosen += [m for m in machines.machines if machines.is_user(m) and m not in chosen]
        return chosen
    known = [*machines.machines, *(m for m in ai_machines() if m.status == "existing")]
    planned = {m.key() for m in ai_machines() if m.status == "planned"}
    for name in names:
        key = name.lower().replace(" ", "-")
        if key in planned and key not in {m.key() for m in known}:
            raise InputError.at(
                "--machine", f"{name!r} is planned, not built: it is never compared as existing"
            )
    by_key = {m.key(): m for m in known}
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


def sorted_draws(est: Estimate, output: str, compute: Array | None = None) -> Array | None:
    """An output's draws, sorted; from `compute` (sorted) when the output is compute × c."""
    drawn = est.draws.get(output)
    if drawn is None:
        return None
    expr, base = est.model.outputs.get(output), est.model.outputs.get("compute_flops")
    factor = None if expr is None or base is None else scale_of(expr, base, est.model.quantities)
    if compute is not None and (output == "compute_flops" or factor is not None):
        return compute if factor is None else compute * factor
    return np.sort(np.atleast_1d(np.asarray(drawn, dtype=np.float64)))


def resource_parity(
    est: Estimate,
    compute: Array | None = None,
    hpl: ParityYears | None = None,
    hpl_history: History | None = None,
) -> tuple[ResourceParity, ...]:
    """History first, then the #1's trend, per resource (`compute`: the sorted compute;
    `hpl` and `hpl_history`: trend-2013's years for compute and compute's HPL history, when
    the caller has them: the same numbers)."""
    out: list[ResourceParity] = []
    for key, label, output, figure in PARITY_RESOURCES:
        values = sorted_draws(est, output, compute)
        if values is None:
            continue
        if key == "compute_hpl" and hpl is not None and hpl_history is not None:
            out.append(ResourceParity(key, label, hpl, hpl_history))
            continue
        past = history(values, figure)
        trend = trend_projection("trend-2013", figure)
        years = parity_years(trend, values, past, seed=est.seed)
        out.append(ResourceParity(key, label, years, past))
    return tuple(out)


@dataclass(frozen=True)
class BindingParity:
    """Parity for the resource that binds on the newest #1, when that is not HPL compute.

    The #1's history holds HPL only, so the binding resource is dated through the newest
    #1's balance: a brain that needs `scale` times more of it than of HPL FLOP/s needs the
    HPL of `scale` brains, if the machines keep that balance (an assumption, said so).
    """

    key: str
    label: str
    machine: str
    hpl_per_unit: float
    """The newest #1's HPL FLOP/s per unit of the binding resource."""
    years: ParityYears


def binding_parity(
    est: Estimate,
    newest_row: MachineComparison,
    projection: Projection,
    compute: Array,
) -> BindingParity | None:
    """The trend's parity year for the newest #1's bottleneck, when it is not HPL."""
    key = newest_row.bottleneck
    if key is None or key == "compute_hpl" or newest_row.machine.hpl_rmax_flops is None:
        return None
    metric = next(m for m in METRICS if m[0] == key)
    ratio = next(r for r in newest_row.ratios if r.key == key)
    drawn = sorted_draws(est, metric[2], compute)
    if drawn is None:
        return None
    hpl_per_unit = newest_row.machine.hpl_rmax_flops / ratio.machine_value
    # the HPL FLOP/s that brings that much of the resource; past float64 it is inf, a need
    # that no machine on any path meets (never)
    with np.errstate(over="ignore"):
        needed = drawn * hpl_per_unit
    years = parity_years(projection, needed, history(needed), seed=est.seed)
    return BindingParity(key, ratio.label, newest_row.machine.name, hpl_per_unit, years)


@dataclass(frozen=True)
class TrainingRunLifetimes:
    """A training run in brain-lifetimes: its FLOP ÷ the brain's FLOP in one lifetime."""

    run: TrainingRun
    lifetimes: Stats


def run_lifetimes(est: Estimate) -> tuple[TrainingRunLifetimes, ...]:
    """Every bundled training run (Epoch AI), largest first, in lifetimes of this brain."""
    lifetime = est.stats["lifetime_flop"]
    if lifetime is None or lifetime.p5 <= 0:
        return ()  # a brain of no compute has no lifetimes to count runs in
    runs = sorted(measured_runs(), key=lambda r: -r.flop)
    with np.errstate(over="ignore", divide="ignore"):  # past float64 is tested below
        per_lifetime = float(np.mean(1 / np.asarray(est.draws["lifetime_flop"])))
    # lifetimes = run ÷ lifetime: the brain's high end gives the fewest lifetimes
    counted = tuple(
        TrainingRunLifetimes(
            r,
            Stats(
                r.flop / lifetime.p95,
                r.flop / lifetime.median,
                r.flop / lifetime.p5,
                r.flop * per_lifetime,
                lifetime.exact,
            ),
        )
        for r in runs
    )
    # a brain so small that the largest run is more lifetimes than float64 holds (a stated
    # 5e-324 FLOP/s) has no count to give, as a brain of no compute has none
    return counted if all(c.lifetimes.finite for c in counted) else ()


def _default_trend(
    specs: Mapping[str, ProjectionSpec], years: Sequence[ParityYears]
) -> ParityYears | None:
    """trend-2013's years, when it is the default one (then they are compute's resource
    parity too)."""
    if specs.get("trend-2013") != DEFAULT_PROJECTIONS["trend-2013"]:
        return None
    return next(p for p in years if p.name == "trend-2013")


@dataclass(frozen=True)
class Comparison:
    """Everything `brainflops compare` shows: ratios per machine and parity years."""

    estimate: Estimate
    machines: tuple[MachineComparison, ...]
    projections: tuple[ParityYears, ...]
    history: History
    resources: tuple[ResourceParity, ...] = ()
    ai_history: History | None = None
    newest_ai_leader: str | None = None
    training_runs: tuple[TrainingRunLifetimes, ...] = ()
    binding: BindingParity | None = None
    """The newest #1's bottleneck dated, where it is not the HPL compute the years are for."""
    data_as_of: dict[str, str] = field(default_factory=dict)
    """The date of the newest row of each data set used (top500, ai-systems, training-runs)."""

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
    *,
    compute: Array | None = None,
) -> Comparison:
    """`compute`: `sorted_draws(est, "compute_flops")`, if the caller has sorted it already."""
    specs = projection_set(est.scenario.projections, selected, added)
    # parity is a non-decreasing function of compute: from sorted compute, every projection's
    # years come out sorted, and sorting them again costs one linear pass instead of n log n
    compute = sorted_draws(est, "compute_flops") if compute is None else compute
    assert compute is not None
    past = histories(compute)
    resolved = [resolve(name, spec, machines.green500) for name, spec in specs.items()]
    targets = log2_targets(compute)
    years = tuple(
        parity_years(p, compute, past[p.series], log2_target=targets, seed=est.seed)
        for p in resolved
    )
    rows = tuple(
        compare_machine(est, m, machines.is_user(m)) for m in pick_machines(machines, machine_names)
    )
    number1 = newest(machines)
    newest_row = next((r for r in rows if r.machine is number1), None)
    trend = next((p for p in resolved if p.series == "top500" and p.walk is not None), None)
    binding = (
        None
        if newest_row is None or trend is None
        else binding_parity(est, newest_row, trend, compute)
    )
    return Comparison(
        est,
        rows,
        years,
        past["top500"],
        resource_parity(est, compute, _default_trend(specs, years), past["top500"]),
        past["ai"],
        newest_ai_leader().name,
        run_lifetimes(est),
        binding,
        as_of(),
    )
