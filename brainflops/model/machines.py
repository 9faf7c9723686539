"""Machines: the TOP500 #1 history, Green500 leaders and reference systems (docs/machines.md).

Package data and user files (`--machines FILE.yaml`) go through the same models, and every
figure must name its source: unknown stays unknown (None), never guessed.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from brainflops.io.yaml import load_yaml
from brainflops.model import DATA
from brainflops.model.load import validate
from brainflops.model.projections import LIST_DATE
from brainflops.model.quantity import Frozen, Number, OneLine

MONTH = r"^(19|20)\d\d-(0[1-9]|1[0-2])$"
"""A month, YYYY-MM: when an AI system became operational (TOP500 lists are 06 and 11)."""

MACHINE_FIGURES = (
    "hpl_rmax_flops",
    "rpeak_flops",
    "fp64_peak_flops",
    "bf16_dense_flops",
    "fp8_dense_flops",
    "int8_dense_ops",
    "hpcg_flops",
    "graph500_teps",
    "memory_bytes",
    "memory_bandwidth_bytes_per_s",
    "injection_bandwidth_bytes_per_s",
    "power_w",
    "hardware_cost_usd",
)
CHIP_FIGURES = (
    # machine figure, chip figure: a machine of N chips has N times each
    ("fp64_peak_flops", "fp64_peak_flops"),
    ("bf16_dense_flops", "bf16_dense_flops"),
    ("fp8_dense_flops", "fp8_dense_flops"),
    ("int8_dense_ops", "int8_dense_ops"),
    ("memory_bytes", "hbm_bytes"),
    ("memory_bandwidth_bytes_per_s", "hbm_bandwidth_bytes_per_s"),
)


MAX_FIGURE = 1e40
"""Machine figures are counts per second or bytes between 1 and 1e40: outside that range a
ratio with a brain estimate would overflow or mean nothing."""


def list_year(list_date: str) -> float:
    """A TOP500 list as a decimal year: June ≈ year + 0.46, November ≈ year + 0.87.

    Any other month (an AI system's) is its middle: March 2025 = 2025 + 2.5 / 12.
    """
    year, month = list_date.split("-")[:2]
    if month in ("06", "11"):
        return int(year) + (0.46 if month == "06" else 0.87)
    return int(year) + (int(month) - 0.5) / 12


def check_fp8(fp8: float | None, bf16: float | None) -> None:
    """FP8 runs at least as fast as BF16 on every chip that has it: an 8-bit figure below
    BF16 is an INT8 figure (Blackwell Ultra cut INT8) or a mistake, never FP8."""
    if fp8 is not None and bf16 is not None and fp8 < bf16:
        raise ValueError(
            f"fp8_dense_flops ({fp8:.4g}) is below bf16_dense_flops ({bf16:.4g}): FP8 is never "
            "slower than BF16; an 8-bit figure below it is INT8 (int8_dense_ops) or an error"
        )


class Chip(Frozen):
    """One accelerator of the bundled catalogue, per chip and dense (no sparsity)."""

    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)
    name: OneLine
    year: int = Field(ge=1990, le=2100)
    fp64_peak_flops: Number | None = Field(default=None, gt=0)
    bf16_dense_flops: Number = Field(gt=0)
    fp8_dense_flops: Number | None = Field(default=None, gt=0)
    int8_dense_ops: Number | None = Field(default=None, gt=0)
    hbm_bytes: Number | None = Field(default=None, gt=0)
    hbm_bandwidth_bytes_per_s: Number | None = Field(default=None, gt=0)
    tdp_w: Number | None = Field(default=None, gt=0)
    notes: str = ""
    source: str | None = None
    """Where the figures come from, when not the catalogue's own source (Epoch AI)."""

    @model_validator(mode="after")
    def _fp8(self) -> Chip:
        check_fp8(self.fp8_dense_flops, self.bf16_dense_flops)
        return self


class ChipCatalogue(Frozen):
    source: str = Field(min_length=1)
    chips: list[Chip] = Field(min_length=1)

    def find(self, slug: str) -> Chip:
        by_slug = {c.slug: c for c in self.chips}
        if slug not in by_slug:
            close = difflib.get_close_matches(slug, list(by_slug), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(by_slug)}"
            raise ValueError(f"unknown chip {slug!r}; {hint}")
        return by_slug[slug]


@cache
def chip_catalogue() -> ChipCatalogue:
    """The bundled accelerators (package data, read once, when a machine names a chip)."""
    doc = load_yaml(DATA / "accelerators.yaml", "brainflops/data/accelerators.yaml")
    return validate(doc, ChipCatalogue)


def _from_chips(data: Any) -> Any:
    """`chip: SLUG` × `chips: N`: each figure the user did not give, from the catalogue."""
    if not isinstance(data, dict) or data.get("chip") is None:
        return data
    catalogue = chip_catalogue()
    chip = catalogue.find(str(data["chip"]))
    count = data.get("chips")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10**9:
        raise ValueError("chip: needs chips: N (a whole number from 1 to 1e9)")
    filled = dict(data)
    sources = dict(filled.get("sources") or {})
    for figure, per_chip in CHIP_FIGURES:
        value = getattr(chip, per_chip)
        if figure not in filled and value is not None:
            filled[figure] = float(count * value)
            sources[figure] = f"derived: {count:,} x {chip.slug} ({catalogue.source})"
    filled["sources"] = sources
    filled.setdefault("kind", "ai")
    return filled


class Machine(Frozen):
    """A reference system with the figures that are sourced, each with its source."""

    name: OneLine = Field(min_length=1, max_length=80)
    list_date: str | None = Field(
        default=None,
        pattern=MONTH,
        description="the TOP500 list the figures are from (an AI system: the month it started)",
    )
    kind: Literal["hpc", "ai"] = Field(
        default="hpc", description="hpc: a TOP500 system (FP64 HPL); ai: a GPU/TPU cluster"
    )
    status: Literal["existing", "planned"] = Field(
        default="existing", description="planned systems are shown, never compared as existing"
    )
    site: OneLine | None = None
    chip: str | None = Field(default=None, description="a catalogue chip, e.g. h100-sxm")
    chips: int | None = Field(default=None, ge=1, le=10**9)
    hpl_rmax_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    rpeak_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    fp64_peak_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    bf16_dense_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    fp8_dense_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    int8_dense_ops: Number | None = Field(
        default=None, ge=1, le=MAX_FIGURE, description="integer operations, never FLOP"
    )
    hpcg_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    graph500_teps: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    memory_bytes: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    memory_bandwidth_bytes_per_s: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    injection_bandwidth_bytes_per_s: Number | None = Field(
        default=None, ge=1, le=MAX_FIGURE, description="total over all nodes"
    )
    power_w: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    hardware_cost_usd: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    sources: dict[str, str] = Field(description="figure name -> source URL or citation")
    notes: str = ""

    @model_validator(mode="before")
    @classmethod
    def _chips(cls, data: Any) -> Any:
        return _from_chips(data)

    @model_validator(mode="after")
    def _sourced(self) -> Machine:
        if self.list_date is None and self.status != "planned":
            raise ValueError("list_date: needed (YYYY-MM) unless the system is planned")
        if self.kind == "hpc" and not (self.list_date or "-06").endswith(("-06", "-11")):
            raise ValueError(
                f"list_date {self.list_date!r}: TOP500 lists are June (06) or November (11)"
            )
        missing = [
            f for f in MACHINE_FIGURES if getattr(self, f) is not None and not self.sources.get(f)
        ]
        if missing:
            raise ValueError(f"every figure needs a source; none for {', '.join(missing)}")
        unknown = sorted(set(self.sources) - set(MACHINE_FIGURES))
        if unknown:
            raise ValueError(f"sources for unknown figures: {', '.join(unknown)}")
        check_fp8(self.fp8_dense_flops, self.bf16_dense_flops)
        return self

    @property
    def fp64_peak(self) -> float | None:
        """FP64 peak: Rpeak on the TOP500 lists, or the chips' FP64 peak."""
        return self.fp64_peak_flops or self.rpeak_flops

    @property
    def compute_flops(self) -> float | None:
        """What the machine is measured in: HPL FP64 (hpc) or BF16 dense peak (ai)."""
        if self.kind == "ai":
            return self.bf16_dense_flops or self.fp8_dense_flops
        return self.hpl_rmax_flops

    @property
    def precision(self) -> str:
        return "BF16 peak" if self.kind == "ai" else "HPL FP64"

    @property
    def estimated_figures(self) -> list[str]:
        """The figures brainflops derived from a reported chip count (estimates, not a
        source's own), by key."""
        return [k for k, src in self.sources.items() if src.startswith(DERIVED)]

    @property
    def flops_per_joule(self) -> float | None:
        compute = self.compute_flops
        if compute is None or self.power_w is None:
            return None
        return compute / self.power_w

    def key(self) -> str:
        return self.key_of(self.name)

    @staticmethod
    def key_of(name: str) -> str:
        """How `--machine` names a system: lower case, spaces as dashes."""
        return name.lower().replace(" ", "-")


class Green500Leader(Frozen):
    list_date: str = Field(pattern=LIST_DATE)
    system: OneLine
    gflops_per_w: Number = Field(gt=0, le=1e12)
    source: str = Field(min_length=1)


class MachinesFile(Frozen):
    """The YAML file of reference systems (package data, or a user's `--machines` file)."""

    machines: list[Machine] = Field(min_length=1)
    green500: list[Green500Leader] = []
    _user_keys: frozenset[str] = PrivateAttr(default=frozenset())

    def with_user(self, user: MachinesFile) -> MachinesFile:
        """These machines with a user's file: theirs come first and win by name, marked."""
        keys = frozenset(m.key() for m in user.machines)
        merged = [*user.machines, *(m for m in self.machines if m.key() not in keys)]
        out = MachinesFile(machines=merged, green500=user.green500 or self.green500)
        out._user_keys = keys
        return out

    def is_user(self, machine: Machine) -> bool:
        """A machine from `--machines`: compared beside the bundled ones, never as the #1."""
        return machine.key() in self._user_keys


class Top500Number1(Frozen):
    """One row of top500_number1.csv."""

    list: str = Field(pattern=LIST_DATE)
    system: OneLine
    site: str
    country: str
    rmax_flops: float = Field(gt=0)
    rpeak_flops: float | None = Field(default=None, gt=0)
    power_kw: float | None = Field(default=None, gt=0)
    cores: int | None = Field(default=None, gt=0)
    memory_bytes: float | None = Field(default=None, gt=0)
    source: str = Field(min_length=1)
    notes: str = ""


class Top500Aggregate(Frozen):
    """One row of top500_aggregate.csv: #1, #500 and the sum of Rmax per list."""

    list: str = Field(pattern=LIST_DATE)
    n_systems: int | None = None
    rank1_rmax_flops: float = Field(gt=0)
    rank500_rmax_flops: float | None = Field(default=None, gt=0)
    sum_rmax_flops: float | None = Field(default=None, gt=0)
    source: str | None = None
    notes: str = ""

    @model_validator(mode="after")
    def _sourced(self) -> Top500Aggregate:
        if (self.rank500_rmax_flops or self.sum_rmax_flops) and not self.source:
            raise ValueError("#500 and sum figures need a source")
        return self


DERIVED = "derived by brainflops"
"""How the source of a figure brainflops derived from a reported chip count begins."""


class AiSystem(Frozen):
    """One row of ai_supercomputers.csv: Epoch AI, "GPU Clusters" (CC BY 4.0)."""

    name: OneLine
    owner: str | None = None
    status: Literal["existing", "planned", "decommissioned"]
    first_operational: str | None = Field(default=None, pattern=r"^(19|20)\d\d-\d\d-\d\d$")
    certainty: Literal["Confirmed", "Likely", "Unlikely", "Secondary"]
    """Epoch AI's (Confirmed, Likely), or Secondary: the row rests on secondary reports."""
    rank_when_first_operational: int | None = Field(default=None, ge=1)
    chip: str | None = None
    chips: int | None = Field(default=None, ge=1)
    bf16_dense_flops: float | None = Field(default=None, gt=0)
    """None: unknown (a system in operation whose chip count is not published)."""
    compute_is: Literal["calculated", "derived"] | None = None
    """calculated by Epoch AI (None on Epoch's rows), or derived here: chips × the chip's
    dense peak, from a reported chip count; either way an estimate, not a measurement."""
    fp8_dense_flops: float | None = Field(default=None, gt=0)
    int8_dense_ops: float | None = Field(default=None, gt=0)
    """Integer operations: never compared as FLOP, never mixed with FP8."""
    power_mw: float | None = Field(default=None, gt=0)
    power_is: Literal["reported", "calculated"] | None = None
    hardware_cost_usd_2025: float | None = Field(default=None, gt=0)
    cost_is: Literal["reported", "calculated"] | None = None
    notes: str | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _dated(self) -> AiSystem:
        if self.status != "planned" and self.first_operational is None:
            raise ValueError("an existing system needs first_operational")
        check_fp8(self.fp8_dense_flops, self.bf16_dense_flops)
        return self

    @property
    def year(self) -> float | None:
        """The decimal date it became operational (None: planned)."""
        if self.first_operational is None:
            return None
        y, m, d = (int(x) for x in self.first_operational.split("-"))
        return y + (m - 1) / 12 + (d - 1) / 365

    def machine(self) -> Machine:
        """As a machine to compare with: BF16 dense peak, and FP8 where Epoch gives it."""
        epoch = self.certainty != "Secondary"  # else: gathered from secondary reports
        credit = f"Epoch AI, GPU Clusters (CC BY 4.0); {self.source}" if epoch else self.source
        derived = f"{DERIVED}: chips × dense peak per chip; {self.source}"
        figures: dict[str, Any] = {}
        if self.bf16_dense_flops is not None:
            figures["bf16_dense_flops"] = self.bf16_dense_flops
        if self.fp8_dense_flops is not None:
            figures["fp8_dense_flops"] = self.fp8_dense_flops
        if self.int8_dense_ops is not None:
            figures["int8_dense_ops"] = self.int8_dense_ops
        if self.power_mw is not None:
            figures["power_w"] = self.power_mw * 1e6
        if self.hardware_cost_usd_2025 is not None:
            figures["hardware_cost_usd"] = self.hardware_cost_usd_2025
        how = {"power_w": self.power_is, "hardware_cost_usd": self.cost_is}
        by = " by Epoch AI" if epoch else ""
        sources = {k: credit + (f" ({how[k]}{by})" if how.get(k) else "") for k in figures}
        if self.compute_is == "derived":
            computed = ("bf16_dense_flops", "fp8_dense_flops", "int8_dense_ops")
            sources |= {k: derived for k in computed if k in figures}
        return Machine(
            name=self.name,
            list_date=None if self.first_operational is None else self.first_operational[:7],
            kind="ai",
            status="planned" if self.status == "planned" else "existing",
            site=self.owner,
            chips=self.chips,
            sources=sources,
            notes=f"{self.chip or 'chip not given'}; certainty: {self.certainty}"
            + (f"; {self.notes}" if self.notes else ""),
            **figures,
        )


class TrainingRun(Frozen):
    """One row of training_runs.csv: Epoch AI, "AI Models" (CC BY 4.0)."""

    model: OneLine
    organization: str
    publication_date: str = Field(pattern=r"^(19|20)\d\d-\d\d-\d\d$")
    training_flop: float | None = Field(default=None, gt=0)
    """None: no sourced figure (GPT-5: only "below GPT-4.5"; `upper` says how far)."""
    confidence: Literal["Confident", "Likely", "Speculative", "Unknown"]
    lower: float | None = Field(default=None, gt=0)
    upper: float | None = Field(default=None, gt=0)
    why_listed: str
    source: str = Field(min_length=1)
    notes: str | None = None

    @model_validator(mode="after")
    def _bounded(self) -> TrainingRun:
        if self.training_flop is None and self.upper is None:
            raise ValueError("a run without training_flop needs an upper bound")
        return self

    @property
    def flop(self) -> float:
        """The training compute of a run that has a figure (see `measured_runs`)."""
        if self.training_flop is None:
            raise ValueError(f"{self.model}: no sourced training compute")
        return self.training_flop


def blank_to_none(row: dict[str, str]) -> dict[str, Any]:
    """CSV cells are strings; an empty cell means unknown."""
    return {k: (None if v == "" else v) for k, v in row.items()}
