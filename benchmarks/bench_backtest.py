"""A full `brainflops backtest` of each series, whole processes, in turns.

    python benchmarks/bench_backtest.py [--repeats 5]

Goal (README): each series' full backtest (every origin, 2,000 paths, 15 years ahead)
under 10 s on the 2-core machine the project is developed on.
"""

from __future__ import annotations

import argparse
import sys

from timing import byte_compiled, medians_in_turns, print_table

SERIES = ("top500", "top500-sum", "ai")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    byte_compiled()
    brainflops = [sys.executable, "-m", "brainflops"]
    contenders = {series: [*brainflops, "backtest", "--series", series] for series in SERIES}
    contenders["python -c pass"] = [sys.executable, "-c", "pass"]
    medians = medians_in_turns(contenders, args.repeats)
    print(f"`brainflops backtest --series S`, median of {args.repeats} runs, in turns\n")
    print_table(
        ("series", "median", "goal"),
        [
            (name, f"{m:.2f} s", "bare Python" if name.startswith("python") else "< 10 s")
            for name, m in medians.items()
        ],
    )


if __name__ == "__main__":
    main()
