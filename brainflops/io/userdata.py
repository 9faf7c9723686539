"""The user's data folder: what `brainflops data import` stores and `data reset` removes.

`$BRAINFLOPS_DATA`, else the platform's user data directory (platformdirs). Each data set
is one CSV file there, written atomically through `write_own_file`, and marked so that a
file brainflops did not write is never overwritten or removed.
"""

from __future__ import annotations

import os
from pathlib import Path

from brainflops.errors import InputError
from brainflops.io.files import path_errors, read_limited, write_own_file

ENV = "BRAINFLOPS_DATA"
MARK = "# brainflops user data:"
"""The first line of every file brainflops writes here."""


def data_dir() -> Path:
    """Where imported data lives: $BRAINFLOPS_DATA, else the user data directory."""
    chosen = os.environ.get(ENV)
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_data_dir("brainflops", appauthor=False))


def data_file(kind: str) -> Path:
    return data_dir() / f"{kind}.csv"


def _ours(text: str) -> bool:
    return text.startswith(MARK)


def read_user(kind: str) -> str | None:
    """The stored CSV of a data set (without its mark line), or None if none was imported."""
    path = data_file(kind)
    shown = str(path)
    with path_errors(shown):
        if not path.exists():
            return None
    text = read_limited(path, shown).decode("utf-8", "replace")
    if not _ours(text):
        raise InputError.at(shown, "is not a file brainflops wrote; move it away or remove it")
    return text.split("\n", 1)[1] if "\n" in text else ""


def write_user(kind: str, what: str, csv_text: str) -> Path:
    """Store a data set's CSV, replacing the previous import (written whole, then renamed)."""
    path = data_file(kind)
    with path_errors(str(path.parent), "cannot create the data folder"):
        path.parent.mkdir(parents=True, exist_ok=True)
    write_own_file(path, f"{MARK} {what}\n{csv_text}", _ours, "data file")
    return path


def remove_user(kind: str) -> bool:
    """Remove an imported data set; False when there was none."""
    path = data_file(kind)
    if read_user(kind) is None:  # refuses a file brainflops did not write
        return False
    with path_errors(str(path), "cannot remove it"):
        path.unlink()
    return True


__all__ = ["ENV", "data_dir", "data_file", "read_user", "remove_user", "write_user"]
