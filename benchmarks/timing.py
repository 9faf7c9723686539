"""Whole-process timing, in turns, so that machine noise hits every contender alike."""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def medians_in_turns(contenders: dict[str, list[str]], repeats: int) -> dict[str, float]:
    """Median wall time of each command, after one warm-up run of each."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for argv in contenders.values():
        wall(argv)
    for _ in range(repeats):
        for name, argv in contenders.items():
            times[name].append(wall(argv))
    return {name: statistics.median(values) for name, values in times.items()}


def print_table(header: tuple[str, str, str], rows: list[tuple[str, str, str]]) -> None:
    """A Markdown table (first column left, the others right), as the README shows it."""
    print(f"| {' | '.join(header)} |")
    print("|---|---:|---:|")
    for row in rows:
        print(f"| {' | '.join(row)} |")


def wall_and_peak(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process (wait4's rusage).

    Exit 0 or 1 (a stale --check) counts; anything else is shown, with wall time NaN.
    """
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        print(f"{' '.join(argv[3:6])} exited {code}: {errors.decode()[-300:]}", file=sys.stderr)
        return math.nan, usage.ru_maxrss / 1024
    return wall, usage.ru_maxrss / 1024


ROOT = Path(__file__).resolve().parents[1]
"""This checkout."""


def checkouts(baseline: Path | None) -> dict[str, Path]:
    """This checkout, and another one (say a `git worktree` of an older commit) if given,
    each byte-compiled (see `byte_compiled`)."""
    found = {"this checkout": ROOT}
    if baseline is not None:
        found["baseline"] = baseline.resolve()
    for root in found.values():
        byte_compiled(root)
    return found


def byte_compiled(root: Path = ROOT) -> None:
    """Compile brainflops' modules under `root` once, as pip does when it installs a package,
    and keep the scenario's validator beside them, as the first command run would.

    A process that cannot write `__pycache__` (PYTHONDONTWRITEBYTECODE=1, set on our
    development machine) would otherwise compile all of them from source at every start,
    about 40 ms that no installed copy pays, and build the validator (~10 ms).
    """
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(root / "brainflops")], check=True, env=env
    )
    if (root / "brainflops" / "model" / "prebuilt.py").exists():  # not in older checkouts
        subprocess.run(
            [sys.executable, "-P", "-m", "brainflops.model.prebuilt"],
            check=True,
            env={**env, "PYTHONPATH": str(root)},
        )


def brainflops_in(root: Path) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run brainflops from `root` (-P: not the cwd)."""
    return [sys.executable, "-P", "-m", "brainflops"], {**os.environ, "PYTHONPATH": str(root)}


def goal(name: str, value: float, limit: float, unit: str) -> dict[str, object]:
    """One goal of the README: `value` must stay under `limit` (same unit)."""
    return {
        "goal": name,
        "value": round(value, 4),
        "limit": limit,
        "unit": unit,
        "holds": bool(value < limit),
    }


def result(
    name: str, rows: list[dict[str, object]], goals: list[dict[str, object]]
) -> dict[str, object]:
    """What one benchmark measured: its table's rows and its goals, for the runner's JSON."""
    return {"benchmark": name, "rows": rows, "goals": goals}
