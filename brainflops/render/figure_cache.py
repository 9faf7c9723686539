"""The report's figures as drawn once: by this process, or read from the report a check reads.

A figure is a pure function of its data, so a process remembers what it drew by (function,
data fingerprint): a report and its --check in one process draw each figure once. A check
compares figures by their data alone (an SVG brainflops wrote, showing the same data, is
fresh), so while it runs the checked report's own figures stand in for drawing any whose
data is unchanged: an up-to-date report is checked without matplotlib.
"""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from brainflops.errors import InputError
from brainflops.io.reportdir import read_report_file, walk_files
from brainflops.render import figures
from brainflops.render.figures import FigureData, fingerprint

FigureJob = tuple[str, str, FigureData]
"""(the file under figures/, the name of its drawing function in `figures`, its data)."""

FigureKey = tuple[str, str]
"""(the figure's function in `figures`, its data's fingerprint)."""

_DRAWN: dict[FigureKey, str] = {}
DRAWN_KEPT = 256
"""Figures this process remembers, the newest: a second report of the same scenarios in one
process (`report` then `--check` from the API, a notebook, the tests) draws none again.
Workers are forked with what it remembers and send back what they drew."""

_ON_DISK: dict[tuple[str, str], str] = {}
"""While a check runs: the checked report's intact figures by (file, data fingerprint)."""


def forget_figures() -> None:
    """Forget every figure this process drew (the next report draws them all again)."""
    _DRAWN.clear()


def figure_key(job: FigureJob) -> FigureKey:
    return job[1], fingerprint(job[2])


def remember(key: FigureKey, svg: str) -> None:
    """Keep a figure drawn here or in a worker. A check keeps nothing: what it read from the
    checked folder must never be written by a later report."""
    if _ON_DISK:
        return
    _DRAWN.pop(key, None)
    _DRAWN[key] = svg
    while len(_DRAWN) > DRAWN_KEPT:
        del _DRAWN[next(iter(_DRAWN))]


def draw(job: FigureJob) -> str:
    """A report figure, by the name of its function in `figures` (picklable), unless this
    process drew it already."""
    return drawn(job, figure_key(job))


def at_hand(job: FigureJob, key: FigureKey) -> str | None:
    """The figure if this process drew it or a check read it, else None."""
    return _DRAWN.get(key) or _ON_DISK.get((job[0], key[1]))


def drawn(job: FigureJob, key: FigureKey) -> str:
    svg = at_hand(job, key)
    if svg is None:
        function: Callable[[FigureData], str] = getattr(figures, job[1])
        svg = function(job[2])
        remember(key, svg)
    return svg


def checking_now() -> bool:
    return bool(_ON_DISK)


@contextlib.contextmanager
def checking(out: Path) -> Iterator[None]:
    """While a check of the report in `out` runs, its figures that brainflops wrote (sealed
    and stamped with their data) stand in for drawing the same data again."""
    _ON_DISK.update(_intact_figures(out))
    try:
        yield
    finally:
        _ON_DISK.clear()


def _intact_figures(out: Path) -> dict[tuple[str, str], str]:
    """figures/*.svg in `out` as brainflops wrote them, read as the check reads them (regular
    files, no links); anything unreadable is left for the check itself to report."""
    found: dict[tuple[str, str], str] = {}
    with contextlib.suppress(OSError, InputError):
        for rel, status in walk_files(out):
            file = rel.removeprefix("figures/")
            if file == rel or "/" in file or not file.endswith(".svg"):
                continue
            if not stat.S_ISREG(status.st_mode):
                continue
            with contextlib.suppress(OSError, InputError):
                svg = read_report_file(out, rel)
                data = figures.read_fingerprint(svg)
                if data is not None and figures.intact(svg):
                    found[file, data] = svg
    return found
