"""CSV tables with the line of every row, for package data that cites a source per row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from brainflops.errors import InputError
from brainflops.io.yaml import read_text


def read_csv(path: Path, display: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number, {column: cell}); a ragged row is an input error."""
    shown = display or str(path)
    reader = csv.DictReader(io.StringIO(read_text(path, shown), newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise InputError.at(shown, "row has a different number of cells", reader.line_num)
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise InputError.at(shown, f"CSV error: {exc}", reader.line_num) from None
    return rows
