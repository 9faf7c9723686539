"""Package data (machines, TOP500 history), validated by the same models as user input."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from brainflops.errors import InputError, Problem
from brainflops.io.table import read_csv
from brainflops.io.yaml import Limits, load_yaml
from brainflops.model.load import validate
from brainflops.model.machines import (
    AiSystem,
    ChipCatalogue,
    MachinesFile,
    Top500Aggregate,
    Top500Number1,
    TrainingRun,
    blank_to_none,
)

DATA = Path(__file__).resolve().parent.parent / "data"
Row = TypeVar("Row", bound=BaseModel)


def load_table(path: Path, model: type[Row], display: str | None = None) -> tuple[Row, ...]:
    shown = display or f"brainflops/data/{path.name}"
    rows: list[Row] = []
    problems: list[Problem] = []
    for line, cells in read_csv(path, shown):
        try:
            rows.append(model.model_validate(blank_to_none(cells)))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                column = ".".join(str(s) for s in err["loc"]) or "row"
                message = str(err["msg"]).removeprefix("Value error, ")
                problems.append(Problem(shown, f"{column}: {message}", line))
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError.at(shown, "the table has no rows")
    return tuple(rows)


@cache
def top500_number1() -> tuple[Top500Number1, ...]:
    return load_table(DATA / "top500_number1.csv", Top500Number1)


@cache
def top500_aggregate() -> tuple[Top500Aggregate, ...]:
    return load_table(DATA / "top500_aggregate.csv", Top500Aggregate)


EPOCH_CREDIT = (
    "AI systems and training runs: Epoch AI (CC BY 4.0), https://epoch.ai/data/gpu-clusters "
    "and https://epoch.ai/data/ai-models; accelerators: https://epoch.ai/data/machine-learning-hardware"
)
"""Epoch AI's data ships under CC BY 4.0: every output that uses it carries this credit."""


@cache
def ai_systems() -> tuple[AiSystem, ...]:
    return load_table(DATA / "ai_supercomputers.csv", AiSystem)


@cache
def training_runs() -> tuple[TrainingRun, ...]:
    return load_table(DATA / "training_runs.csv", TrainingRun)


def measured_runs() -> tuple[TrainingRun, ...]:
    """The training runs with a sourced compute figure (GPT-5 has only a bound)."""
    return tuple(r for r in training_runs() if r.training_flop is not None)


@cache
def chip_catalogue() -> ChipCatalogue:
    doc = load_yaml(DATA / "accelerators.yaml", "brainflops/data/accelerators.yaml")
    return validate(doc, ChipCatalogue)


@cache
def bundled_machines() -> MachinesFile:
    doc = load_yaml(DATA / "machines.yaml", "brainflops/data/machines.yaml")
    return validate(doc, MachinesFile)


def load_machines(extra: Path | None = None) -> MachinesFile:
    """The bundled machines, plus a user's file (whose machines come first and win by name)."""
    base = bundled_machines()
    if extra is None:
        return base
    return base.with_user(validate(load_yaml(extra, limits=MACHINES_LIMITS), MachinesFile))


MACHINES_LIMITS = Limits(other_entries=1_000, nodes=50_000)
"""A user's machines file: at most 1,000 entries a list (the bundled file has 18) and
50,000 keys and values, checked while it is parsed."""
