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
    return parse_csv(read_text(path, shown), shown)


def parse_csv(text: str, shown: str, first_line: int = 1) -> list[tuple[int, dict[str, str]]]:
    """`read_csv` of text already read (`first_line`: the line the header is on)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            line = reader.line_num + first_line - 1
            if None in row or any(v is None for v in row.values()):
                raise InputError.at(shown, "row has a different number of cells", line)
            rows.append((line, row))
    except csv.Error as exc:
        raise InputError.at(shown, f"CSV error: {exc}", reader.line_num + first_line - 1) from None
    return rows
