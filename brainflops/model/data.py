"""Package data (machines, TOP500 history), validated by the same models as user input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ValidationError

from brainflops.errors import InputError, Problem
from brainflops.io.table import parse_csv, read_csv
from brainflops.io.userdata import data_file, read_user
from brainflops.io.yaml import Limits, load_yaml
from brainflops.model import DATA
from brainflops.model.load import validate
from brainflops.model.machines import (
    AiSystem,
    Machine,
    MachinesFile,
    Top500Aggregate,
    Top500Number1,
    TrainingRun,
    blank_to_none,
    chip_catalogue,
)

Row = TypeVar("Row", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])
_LOADED: list[Callable[[], None]] = []


def loaded(fn: F) -> F:
    """`functools.cache` for what is read from the data (or derived from it), registered so
    that `forget` can clear it when the user's data changes."""
    cached = cache(fn)
    _LOADED.append(cached.cache_clear)
    return cast(F, cached)


def forget() -> None:
    """After `data import` or `data reset`: every table is read again on next use."""
    for clear in _LOADED:
        clear()


def load_table(path: Path, model: type[Row], display: str | None = None) -> tuple[Row, ...]:
    shown = display or f"brainflops/data/{path.name}"
    return validated_rows(read_csv(path, shown), model, shown)


def validated_rows(
    cells_by_line: list[tuple[int, dict[str, str]]], model: type[Row], shown: str
) -> tuple[Row, ...]:
    """Each row validated by `model`; every problem located `file:line: column: message`."""
    rows: list[Row] = []
    problems: list[Problem] = []
    for line, cells in cells_by_line:
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


def _imported(kind: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a data set the user imported (`brainflops data import`), or none."""
    text = read_user(kind)
    return [] if text is None else parse_csv(text, str(data_file(kind)), first_line=2)


def _merged(bundled: tuple[Row, ...], imported: tuple[Row, ...], key: str) -> tuple[Row, ...]:
    """The bundled rows with the imported ones: an imported row replaces the bundled row of
    the same `key` (a list, a name), and is added where the bundle lacks it."""
    replaced = {getattr(r, key) for r in imported}
    return (*(r for r in bundled if getattr(r, key) not in replaced), *imported)


def validated_top500(
    rows: list[tuple[int, dict[str, str]]], shown: str
) -> tuple[tuple[Top500Number1, ...], tuple[Top500Aggregate, ...]]:
    """Stored TOP500 lists (one row each, `imports.TOP500_COLUMNS`) as #1 and aggregate rows."""

    def picked(columns: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
        return [(n, {k: r[v] for k, v in columns.items()}) for n, r in rows]

    return (
        validated_rows(picked(_NUMBER1), Top500Number1, shown),
        validated_rows(picked(_AGGREGATE), Top500Aggregate, shown),
    )


@loaded
def _imported_top500() -> tuple[tuple[Top500Number1, ...], tuple[Top500Aggregate, ...]]:
    rows = _imported("top500")
    return validated_top500(rows, str(data_file("top500"))) if rows else ((), ())


_NUMBER1 = {
    c: c for c in ("list", "system", "site", "country", "rmax_flops", "rpeak_flops", "power_kw")
} | {"cores": "cores", "source": "source"}
_AGGREGATE = {
    "list": "list",
    "n_systems": "n_systems",
    "rank1_rmax_flops": "rmax_flops",
    "rank500_rmax_flops": "rank500_rmax_flops",
    "sum_rmax_flops": "sum_rmax_flops",
    "source": "source",
}


@loaded
def top500_number1() -> tuple[Top500Number1, ...]:
    """Every list's #1: the bundled lists, and any the user imported (theirs win by list)."""
    bundled = load_table(DATA / "top500_number1.csv", Top500Number1)
    merged = _merged(bundled, _imported_top500()[0], "list")
    return tuple(sorted(merged, key=lambda r: r.list))


@loaded
def top500_aggregate() -> tuple[Top500Aggregate, ...]:
    """The #1, #500 and sum of every list, bundled and imported (theirs win by list)."""
    bundled = load_table(DATA / "top500_aggregate.csv", Top500Aggregate)
    merged = _merged(bundled, _imported_top500()[1], "list")
    return tuple(sorted(merged, key=lambda r: r.list))


EPOCH_CREDIT = (
    "AI systems and training runs: Epoch AI (CC BY 4.0), https://epoch.ai/data/gpu-clusters "
    "and https://epoch.ai/data/ai-models; accelerators: https://epoch.ai/data/machine-learning-hardware"
)
"""Epoch AI's data ships under CC BY 4.0: every output that uses it carries this credit."""


@loaded
def ai_systems() -> tuple[AiSystem, ...]:
    """The AI systems: bundled, and Epoch AI's export if imported (its rows win by name)."""
    bundled = load_table(DATA / "ai_supercomputers.csv", AiSystem)
    rows = _imported("epoch-clusters")
    if not rows:
        return bundled
    return _merged(
        bundled, validated_rows(rows, AiSystem, str(data_file("epoch-clusters"))), "name"
    )


@loaded
def training_runs() -> tuple[TrainingRun, ...]:
    """The training runs: bundled, and Epoch AI's export if imported (its rows win by name)."""
    bundled = load_table(DATA / "training_runs.csv", TrainingRun)
    rows = _imported("epoch-models")
    if not rows:
        return bundled
    imported = validated_rows(rows, TrainingRun, str(data_file("epoch-models")))
    return _merged(bundled, imported, "model")


def measured_runs() -> tuple[TrainingRun, ...]:
    """The training runs with a sourced compute figure (GPT-5 has only a bound)."""
    return tuple(r for r in training_runs() if r.training_flop is not None)


@loaded
def bundled_machines() -> MachinesFile:
    """The reference systems; a newer TOP500 list the user imported brings its #1."""
    doc = load_yaml(DATA / "machines.yaml", "brainflops/data/machines.yaml")
    machines = validate(doc, MachinesFile)
    newest_listed = max(m.list_date or "" for m in machines.machines if m.kind == "hpc")
    latest = top500_number1()[-1]
    if latest.list <= newest_listed:
        return machines
    return machines.model_copy(update={"machines": _with_number1(machines.machines, latest)})


def _with_number1(machines: list[Machine], row: Top500Number1) -> list[Machine]:
    """The systems with an imported list's #1: a machine of that name takes the list's
    figures (its other figures stay, dated to their own list); else a new one is added."""
    figures: dict[str, Any] = {"hpl_rmax_flops": row.rmax_flops, "list_date": row.list}
    sources = {"hpl_rmax_flops": row.source}
    if row.rpeak_flops is not None:
        figures |= {"rpeak_flops": row.rpeak_flops, "fp64_peak_flops": row.rpeak_flops}
        sources |= {"rpeak_flops": row.source, "fp64_peak_flops": row.source}
    if row.power_kw is not None:
        figures["power_w"] = row.power_kw * 1e3
        sources["power_w"] = row.source
    name = row.system.split(" (")[0]
    same = next((m for m in machines if m.key() == Machine.key_of(name)), None)
    if same is None:
        added = Machine(name=name, site=row.site, sources=sources, **figures)
        return [added, *machines]
    updated = same.model_copy(update={**figures, "sources": {**same.sources, **sources}})
    return [updated if m is same else m for m in machines]


def load_machines(extra: Path | None = None) -> MachinesFile:
    """The bundled machines, plus a user's file (whose machines come first and win by name)."""
    base = bundled_machines()
    if extra is None:
        return base
    return base.with_user(validate(load_yaml(extra, limits=MACHINES_LIMITS), MachinesFile))


MACHINES_LIMITS = Limits(other_entries=1_000, nodes=50_000)
"""A user's machines file: at most 1,000 entries a list (the bundled file has 18) and
50,000 keys and values, checked while it is parsed."""


@dataclass(frozen=True)
class DataSet:
    """One data set the tool ships, as `brainflops data status` lists it."""

    name: str
    rows: int
    newest: str
    """The date of its newest row ("YYYY-MM", a year for the accelerators)."""
    source: str
    licence: str
    imported: str | None
    """The user's import merged over it (its file), or None."""


KINDS = {"top500": "top500", "epoch-clusters": "ai-systems", "epoch-models": "training-runs"}
"""What `data import KIND` reads, and the data set it extends or replaces."""
_TOP500 = "https://top500.org/lists/top500/ (each row cites its list file)"
_FACTS = "not stated (facts of the public lists; each row cites its source)"
_EPOCH = "CC BY 4.0 (Epoch AI's rows; the rows after July 2025 cite their reports)"


def data_sets() -> tuple[DataSet, ...]:
    """Every bundled data set with its rows, the date of its newest row, source, licence."""

    def imported(kind: str) -> str | None:
        return str(data_file(kind)) if read_user(kind) is not None else None

    number1, leaders = top500_number1(), bundled_machines().green500
    runs, chips, newest = training_runs(), chip_catalogue().chips, as_of()
    return (
        DataSet("top500", len(number1), newest["top500"], _TOP500, _FACTS, imported("top500")),
        DataSet(
            "green500",
            len(leaders),
            max(g.list_date for g in leaders),
            "https://top500.org/lists/green500/",
            _FACTS,
            None,
        ),
        DataSet(
            "ai-systems",
            len(ai_systems()),
            newest["ai-systems"],
            "https://epoch.ai/data/gpu-clusters",
            _EPOCH,
            imported("epoch-clusters"),
        ),
        DataSet(
            "training-runs",
            len(runs),
            newest["training-runs"],
            "https://epoch.ai/data/ai-models",
            _EPOCH,
            imported("epoch-models"),
        ),
        DataSet(
            "accelerators",
            len(chips),
            str(max(c.year for c in chips)),
            chip_catalogue().source,
            "CC BY 4.0 (Epoch AI); vendor documents where a chip cites its own",
            None,
        ),
    )


def as_of() -> dict[str, str]:
    """The date of the newest row of the data sets `compare` uses (read from the tables it
    has loaded already: no other data set is read)."""
    started = [s.first_operational for s in ai_systems() if s.first_operational is not None]
    return {
        "top500": top500_number1()[-1].list,
        "ai-systems": max(started)[:7],
        "training-runs": max(r.publication_date for r in training_runs())[:7],
    }
