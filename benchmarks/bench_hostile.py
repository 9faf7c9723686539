"""Time and peak memory of every hostile case of tests/test_hostile.py, as a real process.

The tests bound each case at 20 s and 1 GiB (a bound, not a timing: machines are noisy);
this measures how far inside the bound each case ends. Run from the repository root:

    .venv/bin/python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import print_table
from tests.test_hostile import CASES, CHILD, ROOT


def measure(args: list[str]) -> tuple[int, float, float]:
    """(exit code, seconds, peak resident MiB) of one run of the CLI."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, seconds, usage.ru_maxrss / 1024


def main() -> None:
    rows = []
    worst_seconds, worst_mib = 0.0, 0.0
    for name, make_args, _ in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            code, seconds, mib = measure(make_args(Path(tmp)))
        worst_seconds, worst_mib = max(worst_seconds, seconds), max(worst_mib, mib)
        rows.append((f"{name} (exit {code})", f"{seconds:.2f} s", f"{mib:.0f} MiB"))
    print_table(("case", "time", "peak memory"), rows)
    print(f"\nworst: {worst_seconds:.2f} s, {worst_mib:.0f} MiB over {len(rows)} cases")


if __name__ == "__main__":
    main()
