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
from timing import byte_compiled, medians_in_turns, print_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=1000)
    args = parser.parse_args()
    byte_compiled()
    values = ",".join(f"{1 + i * 99 / (args.points - 1):.6g}" for i in range(args.points))
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
            f"sweep, {args.points:,} points x 1,000 samples": [
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
        medians = medians_in_turns(contenders, args.repeats)
    base = medians["estimate, 1e6 samples"]
    print(f"median of {args.repeats} runs, in turns\n")
    print_table(
        ("command", "median", "÷ estimate"),
        [(f"`{name}`", f"{m * 1000:.0f} ms", f"{m / base:.2f}x") for name, m in medians.items()],
    )


if __name__ == "__main__":
    main()
