"""Machines: the TOP500 #1 history, Green500 leaders and reference systems (docs/machines.md).

Package data and user files (`--machines FILE.yaml`) go through the same models, and every
figure must name its source: unknown stays unknown (None), never guessed.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from brainflops.model.projections import LIST_DATE
from brainflops.model.quantity import Frozen, Number, OneLine

MACHINE_FIGURES = (
    "hpl_rmax_flops",
    "rpeak_flops",
    "hpcg_flops",
    "graph500_teps",
    "memory_bytes",
    "memory_bandwidth_bytes_per_s",
    "injection_bandwidth_bytes_per_s",
    "power_w",
)


MAX_FIGURE = 1e40
"""Machine figures are counts per second or bytes between 1 and 1e40: outside that range a
ratio with a brain estimate would overflow or mean nothing."""


def list_year(list_date: str) -> float:
    """A TOP500 list as a decimal year: June ≈ year + 0.46, November ≈ year + 0.87."""
    year, month = list_date.split("-")
    return int(year) + (0.46 if month == "06" else 0.87)


class Machine(Frozen):
    """A reference system with the figures that are sourced, each with its source."""

    name: OneLine = Field(min_length=1, max_length=80)
    list_date: str = Field(pattern=LIST_DATE, description="the TOP500 list the figures are from")
    site: OneLine | None = None
    hpl_rmax_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    rpeak_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    hpcg_flops: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    graph500_teps: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    memory_bytes: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    memory_bandwidth_bytes_per_s: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    injection_bandwidth_bytes_per_s: Number | None = Field(
        default=None, ge=1, le=MAX_FIGURE, description="total over all nodes"
    )
    power_w: Number | None = Field(default=None, ge=1, le=MAX_FIGURE)
    sources: dict[str, str] = Field(description="figure name -> source URL or citation")
    notes: str = ""

    @model_validator(mode="after")
    def _sourced(self) -> Machine:
        missing = [
            f for f in MACHINE_FIGURES if getattr(self, f) is not None and not self.sources.get(f)
        ]
        if missing:
            raise ValueError(f"every figure needs a source; none for {', '.join(missing)}")
        unknown = sorted(set(self.sources) - set(MACHINE_FIGURES))
        if unknown:
            raise ValueError(f"sources for unknown figures: {', '.join(unknown)}")
        return self

    @property
    def flops_per_joule(self) -> float | None:
        if self.hpl_rmax_flops is None or self.power_w is None:
            return None
        return self.hpl_rmax_flops / self.power_w

    def key(self) -> str:
        return self.name.lower().replace(" ", "-")


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


def blank_to_none(row: dict[str, str]) -> dict[str, Any]:
    """CSV cells are strings; an empty cell means unknown."""
    return {k: (None if v == "" else v) for k, v in row.items()}
