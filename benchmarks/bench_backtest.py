"""A full `brainflops backtest` of each series, whole processes, in turns.

    python benchmarks/bench_backtest.py [--repeats 5]

Goal (README): each series' full backtest (every origin, 2,000 paths, 15 years ahead)
under 10 s on the 2-core machine the project is developed on.
"""

from __future__ import annotations

import argparse
import sys

from timing import byte_compiled, goal, medians_in_turns, print_table, result

SERIES = ("top500", "top500-sum", "ai")


def measure(repeats: int = 5) -> dict[str, object]:
    byte_compiled()
    brainflops = [sys.executable, "-m", "brainflops"]
    contenders = {series: [*brainflops, "backtest", "--series", series] for series in SERIES}
    contenders["python -c pass"] = [sys.executable, "-c", "pass"]
    medians = medians_in_turns(contenders, repeats)
    rows = [{"series": name, "median_s": m} for name, m in medians.items()]
    goals = [goal(f"backtest --series {s}", medians[s], 10.0, "s") for s in SERIES]
    return result("backtest", rows, goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    found = measure(args.repeats)
    print(f"`brainflops backtest --series S`, median of {args.repeats} runs, in turns\n")
    print_table(
        ("series", "median", "goal"),
        [
            (
                str(r["series"]),
                f"{r['median_s']:.2f} s",
                "bare Python" if str(r["series"]).startswith("python") else "< 10 s",
            )
            for r in found["rows"]
        ],
    )


if __name__ == "__main__":
    main()
