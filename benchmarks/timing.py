"""Whole-process timing, in turns, so that machine noise hits every contender alike."""

from __future__ import annotations

import statistics
import subprocess
import time


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
