"""A sweep of 1,000 points at 1,000 samples against one estimate at 1e6 samples.

    python benchmarks/bench_sweep.py [--repeats 5]

Both do about as many draws; the goal (README) is a sweep within 3x the estimate's time.
Whole processes, in turns, on the two-population scenario of bench_estimate.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_estimate import SCENARIO
from timing import byte_compiled, goal, medians_in_turns, print_table, result


def measure(repeats: int = 5, points: int = 1000) -> dict[str, object]:
    byte_compiled()
    values = ",".join(f"{1 + i * 99 / (points - 1):.6g}" for i in range(points))
    brainflops = [sys.executable, "-m", "brainflops"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(SCENARIO, encoding="utf-8")
        contenders = {
            "estimate, 1e6 samples": [
                *brainflops,
                "estimate",
                str(path),
                "-n",
                "1000000",
                "--json",
            ],
            f"sweep, {points:,} points x 1,000 samples": [
                *brainflops,
                "sweep",
                str(path),
                "--vary",
                f"populations.cortex.cost.flops_per_event={values}",
                "-n",
                "1000",
                "--json",
            ],
        }
        medians = medians_in_turns(contenders, repeats)
    base = medians["estimate, 1e6 samples"]
    rows = [{"command": n, "median_s": m, "over_estimate": m / base} for n, m in medians.items()]
    sweep = rows[1]["over_estimate"]
    return result("sweep", rows, [goal(f"sweep of {points:,} points ÷ estimate", sweep, 3.0, "x")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=1000)
    args = parser.parse_args()
    found = measure(args.repeats, args.points)
    print(f"median of {args.repeats} runs, in turns\n")
    print_table(
        ("command", "median", "÷ estimate"),
        [
            (f"`{r['command']}`", f"{r['median_s'] * 1000:.0f} ms", f"{r['over_estimate']:.2f}x")
            for r in found["rows"]
        ],
    )


if __name__ == "__main__":
    main()
