"""Reading data a user downloaded: a TOP500 list as the site exports it, Epoch AI's exports.

Each reader validates the whole file (`file:line: message`, every problem at once) and
returns the rows in the bundled tables' own columns, so that an import is stored, merged and
validated exactly like the package data.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brainflops.errors import InputError, Problem
from brainflops.io.files import MAX_FILE_BYTES, read_limited

TOP500_ROWS = 500
TOP500_REQUIRED = ("Rank", "Name", "Site", "Country", "Rmax [TFlop/s]")
"""The columns an import reads from a TOP500 list; the site's file has many more."""
TOP500_OPTIONAL = ("Computer", "Rpeak [TFlop/s]", "Power (kW)", "Total Cores")
LIST_MONTH = re.compile(r"^(19|20)\d\d-(06|11)$")
MAX_XLSX_CELLS = 200_000
"""A TOP500 list has 500 rows of about 40 columns; anything much larger is refused."""


def list_of_number(number: int) -> str:
    """TOP500 list number → "YYYY-MM": 1 = 1993-06, 2 = 1993-11, 65 = 2025-06."""
    year = 1993 + (number - 1) // 2
    return f"{year}-{'06' if number % 2 else '11'}"


@dataclass(frozen=True)
class Table:
    """Cells of a file: a header and its rows, each with the line (or sheet row) it is on."""

    shown: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    sheet: str | None = None


def read_table(path: Path, shown: str, header_has: str) -> Table:
    """A CSV (UTF-8) or an Excel .xlsx file's first sheet; the header is the first row of the
    first 10 that has a cell `header_has`."""
    data = read_limited(path, shown, MAX_FILE_BYTES)
    if path.suffix.lower() == ".xlsx":
        return _xlsx(data, shown, header_has)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.at(shown, "not UTF-8 text (save the file as UTF-8 CSV)", line) from None
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError.at(shown, f"CSV error: {exc}") from None
    return _with_header(shown, [(i + 1, row) for i, row in enumerate(lines)], header_has)


def _xlsx(data: bytes, shown: str, header_has: str) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise InputError.at(shown, f"not a readable Excel .xlsx file ({exc})") from None
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        cells = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells += len(values)
            if cells > MAX_XLSX_CELLS:
                raise InputError.at(shown, f"more than {MAX_XLSX_CELLS:,} cells: not a TOP500 list")
            rows.append((number, list(values)))
        return _with_header(shown, rows, header_has, sheet.title)
    finally:
        book.close()


def _with_header(
    shown: str, rows: list[tuple[int, list[Any]]], header_has: str, sheet: str | None = None
) -> Table:
    for position, (_, cells) in enumerate(rows[:10]):
        names = [("" if c is None else str(c)).strip() for c in cells]
        if header_has in names:
            body = [(n, c) for n, c in rows[position + 1 :] if any(v not in (None, "") for v in c)]
            return Table(shown, names, body, sheet)
    raise InputError.at(shown, f"no header row with a {header_has!r} column in its first 10 rows")


def _number(value: Any, column: str = "cell") -> float | None:
    """A cell as a number: Excel gives numbers, a CSV gives text ("1,234.5" too)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value if isinstance(value, int | float) else str(value).replace(",", ""))
    except ValueError:
        raise ValueError(f"{column}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{column}: {value!r} is not a finite number")
    return number


@dataclass(frozen=True)
class Top500List:
    """What brainflops keeps of a TOP500 list: its #1, its #500 and its sum."""

    row: dict[str, str]
    """In the columns of the stored table (`TOP500_COLUMNS`)."""


TOP500_COLUMNS = (
    "list",
    "system",
    "site",
    "country",
    "rmax_flops",
    "rpeak_flops",
    "power_kw",
    "cores",
    "rank500_rmax_flops",
    "sum_rmax_flops",
    "n_systems",
    "source",
)


def read_top500(path: Path, list_date: str | None = None, shown: str | None = None) -> Top500List:
    """A TOP500 list as the site exports it (.xlsx whose sheet is named by the list's
    number, or the same columns as CSV); `list_date` ("YYYY-MM") wins over the sheet name."""
    shown = shown or str(path)
    if list_date is not None and not LIST_MONTH.match(list_date):
        raise InputError.at("--list", f"{list_date!r} is not a TOP500 list (YYYY-06 or YYYY-11)")
    table = read_table(path, shown, "Rank")
    when = list_date or _list_of_sheet(table)
    if when is None:
        raise InputError.at(
            shown, "say which list this is: --list YYYY-MM (a CSV has no sheet named by its number)"
        )
    _require(table, TOP500_REQUIRED)
    names = (*TOP500_REQUIRED, *TOP500_OPTIONAL)
    column = {n: table.header.index(n) for n in names if n in table.header}
    ranked = _ranked(_systems(table, column), shown)
    first_line, _, first_rmax, first = ranked[0]

    def cell(name: str) -> str:
        value = first[column[name]] if name in column else None
        return "" if value is None else str(value).strip()

    rpeak, power, cores = (_number(cell(n)) for n in TOP500_OPTIONAL[1:])
    name, computer = cell("Name") or cell("Computer"), cell("Computer")
    if not name:
        raise InputError.at(shown, "the #1 system has no Name", first_line)
    row = {
        "list": when,
        "system": f"{name} ({computer})" if computer and computer != name else name,
        "site": cell("Site"),
        "country": cell("Country"),
        "rmax_flops": f"{first_rmax * 1e12:.6g}",
        "rpeak_flops": "" if rpeak is None else f"{rpeak * 1e12:.6g}",
        "power_kw": "" if power is None else f"{power:.6g}",
        "cores": "" if cores is None else str(int(cores)),
        "rank500_rmax_flops": f"{ranked[-1][2] * 1e12:.6g}",
        "sum_rmax_flops": f"{sum(s[2] for s in ranked) * 1e12:.6g}",
        "n_systems": str(len(ranked)),
        "source": f"user import of {Path(shown).name} (TOP500 list of {when})",
    }
    return Top500List(row)


System = tuple[int, int, float, list[Any]]
"""(line, rank, Rmax in TFlop/s, the row's cells)."""


def _systems(table: Table, column: dict[str, int]) -> list[System]:
    """Every row's rank and Rmax, each checked; all problems at once."""
    problems: list[Problem] = []
    systems: list[System] = []
    for line, cells in table.rows:
        padded = [*cells, *([None] * (len(table.header) - len(cells)))]
        try:
            rank = _number(padded[column["Rank"]], "Rank")
            rmax = _number(padded[column["Rmax [TFlop/s]"]], "Rmax [TFlop/s]")
            if rank is None or rank != int(rank) or not 1 <= rank <= TOP500_ROWS:
                raise ValueError(f"Rank: {padded[column['Rank']]!r} is not a rank from 1 to 500")
            if rmax is None or rmax <= 0:
                raise ValueError("Rmax [TFlop/s]: must be a number above 0")
            for name in TOP500_OPTIONAL[1:]:
                value = _number(padded[column[name]], name) if name in column else None
                if value is not None and value <= 0:
                    raise ValueError(f"{name}: must be above 0")
        except ValueError as exc:
            problems.append(Problem(table.shown, str(exc), line))
            continue
        systems.append((line, int(rank), rmax, padded))
    if problems:
        raise InputError(problems[:50])
    return systems


def _ranked(systems: list[System], shown: str) -> list[System]:
    """The systems by rank: exactly 1 to 500, each once, Rmax never rising down the list."""
    seen: set[int] = set()
    for line, rank, _, _ in systems:
        if rank in seen:
            raise InputError.at(shown, f"rank {rank} appears twice", line)
        seen.add(rank)
    if len(systems) != TOP500_ROWS:
        raise InputError.at(
            shown,
            f"the list has {len(systems)} systems; a TOP500 list has 500, ranked 1 to 500 "
            "(is the file cut short?)",
        )
    by_rank = sorted(systems, key=lambda s: s[1])
    for (_, _, above, _), (line, rank, rmax, _) in itertools.pairwise(by_rank):
        if rmax > above * (1 + 1e-9):
            raise InputError.at(shown, f"rank {rank} has a larger Rmax than rank {rank - 1}", line)
    return by_rank


def _list_of_sheet(table: Table) -> str | None:
    sheet = (table.sheet or "").strip()
    return list_of_number(int(sheet)) if sheet.isdigit() and 1 <= int(sheet) <= 400 else None


def to_csv(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


EPOCH_CLUSTER_COLUMNS = {
    "name": "Name",
    "owner": "Owner",
    "status": "Status",
    "first_operational": "First Operational Date",
    "certainty": "Certainty",
    "rank_when_first_operational": "Rank when first operational",
    "chip": "Chip type (primary)",
    "chips": "Chip quantity (primary)",
    "bf16_dense_flops": "16-bit OP/s",
}
"""Our column ← the column of Epoch AI's GPU Clusters export. Its "8-bit OP/s" mixes FP8
with INT8 and is left out: FP8 and INT8 are never mixed here."""
AI_COLUMNS = (
    "name",
    "owner",
    "status",
    "first_operational",
    "certainty",
    "rank_when_first_operational",
    "chip",
    "chips",
    "bf16_dense_flops",
    "fp8_dense_flops",
    "int8_dense_ops",
    "power_mw",
    "power_is",
    "hardware_cost_usd_2025",
    "cost_is",
    "compute_is",
    "notes",
    "source",
)


def read_epoch_clusters(path: Path, shown: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """Epoch AI's GPU Clusters CSV export, in the columns of ai_supercomputers.csv."""
    shown = shown or str(path)
    table = read_table(path, shown, "Name")
    _require(table, [*EPOCH_CLUSTER_COLUMNS.values(), "Source 1"])
    out: list[tuple[int, dict[str, str]]] = []
    for line, cells in table.rows:
        get = _getter(table, cells)
        row = {ours: get(theirs) for ours, theirs in EPOCH_CLUSTER_COLUMNS.items()}
        row["status"] = row["status"].lower()
        row["first_operational"] = row["first_operational"][:10]
        row["chips"] = _whole(row["chips"])
        row["rank_when_first_operational"] = _whole(row["rank_when_first_operational"])
        for figure, reported, calculated, how in (
            (
                "power_mw",
                "Reported Power Capacity (MW)",
                "Calculated Power Capacity (MW)",
                "power_is",
            ),
            ("hardware_cost_usd_2025", "Reported Cost", "Calculated Cost", "cost_is"),
        ):
            given = get(reported)
            row[figure] = given or get(calculated)
            row[how] = "reported" if given else ("calculated" if row[figure] else "")
        row |= {"fp8_dense_flops": "", "int8_dense_ops": "", "compute_is": "", "notes": ""}
        row["source"] = get("Source 1")
        out.append((line, row))
    return out


EPOCH_MODEL_NAMES = ("Model", "System")
"""Epoch AI's AI Models export names a model "Model" (newer) or "System" (older)."""
RUN_COLUMNS = (
    "model",
    "organization",
    "publication_date",
    "training_flop",
    "confidence",
    "lower",
    "upper",
    "why_listed",
    "source",
    "notes",
)


def read_epoch_models(path: Path, shown: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """Epoch AI's AI Models CSV export, in the columns of training_runs.csv: every model with
    a training compute figure (the others say nothing about compute)."""
    shown = shown or str(path)
    table = read_table(path, shown, "Publication date")
    name = next((n for n in EPOCH_MODEL_NAMES if n in table.header), None)
    if name is None:
        raise InputError.at(
            shown, "no 'Model' (or 'System') column: not Epoch AI's AI Models export", 1
        )
    _require(table, ["Organization", "Publication date", "Training compute (FLOP)", "Confidence"])
    out: list[tuple[int, dict[str, str]]] = []
    for line, cells in table.rows:
        get = _getter(table, cells)
        if not get("Training compute (FLOP)"):
            continue
        link = get("Link") or get("Reference") or "https://epoch.ai/data/ai-models"
        out.append(
            (
                line,
                {
                    "model": get(name),
                    "organization": get("Organization"),
                    "publication_date": get("Publication date")[:10],
                    "training_flop": get("Training compute (FLOP)"),
                    "confidence": get("Confidence"),
                    "lower": "",
                    "upper": "",
                    "why_listed": "imported from Epoch AI's AI Models export",
                    "source": link.split()[0],
                    "notes": "",
                },
            )
        )
    if not out:
        raise InputError.at(shown, "no model with a training compute figure")
    return out


def _require(table: Table, names: Sequence[str]) -> None:
    missing = [n for n in names if n not in table.header]
    if missing:
        raise InputError.at(table.shown, f"no {missing[0]!r} column (the export has it)", 1)


def _getter(table: Table, cells: list[Any]) -> Any:
    def get(name: str) -> str:
        if name not in table.header:
            return ""
        at = table.header.index(name)
        value = cells[at] if at < len(cells) else None
        return "" if value is None else str(value).strip()

    return get


def _whole(text: str) -> str:
    """ "330000.0" → "330000" (Epoch writes counts as floats); anything else unchanged."""
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


__all__ = [
    "AI_COLUMNS",
    "RUN_COLUMNS",
    "TOP500_COLUMNS",
    "Top500List",
    "list_of_number",
    "read_epoch_clusters",
    "read_epoch_models",
    "read_top500",
    "to_csv",
]
