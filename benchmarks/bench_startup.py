"""Start-up time: `brainflops --help` against a bare `python -c pass`, measured side by side.

    python benchmarks/bench_startup.py [--repeats 30]

Goals (README): `brainflops --help` within 110 ms of a bare interpreter, `validate` within
150 ms and `estimate dettmers-2015` (no uncertain input) within 200 ms, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import sys

from timing import byte_compiled, goal, medians_in_turns, print_table, result


def measure(repeats: int = 30) -> dict[str, object]:
    byte_compiled()
    contenders = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "brainflops --help": [sys.executable, "-m", "brainflops", "--help"],
        "brainflops validate dettmers-2015": [
            sys.executable,
            "-m",
            "brainflops",
            "validate",
            "dettmers-2015",
        ],
        "brainflops estimate dettmers-2015": [
            sys.executable,
            "-m",
            "brainflops",
            "estimate",
            "dettmers-2015",
        ],
    }
    medians = medians_in_turns(contenders, repeats)
    base = medians["python -c pass"]
    over = {name: (median - base) * 1000 for name, median in medians.items()}
    return result(
        "startup",
        [
            {"command": n, "median_ms": m * 1000, "over_bare_ms": over[n]}
            for n, m in medians.items()
        ],
        [
            goal("--help over bare Python", over["brainflops --help"], 110, "ms"),
            goal("validate over bare Python", over["brainflops validate dettmers-2015"], 150, "ms"),
            goal(
                "estimate (point) over bare Python",
                over["brainflops estimate dettmers-2015"],
                200,
                "ms",
            ),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    found = measure(args.repeats)
    print(f"median of {args.repeats} runs, in turns\n")
    print_table(
        ("command", "median", "over bare python"),
        [
            (f"`{r['command']}`", f"{r['median_ms']:.0f} ms", f"+{r['over_bare_ms']:.0f} ms")
            for r in found["rows"]
        ],
    )


if __name__ == "__main__":
    main()
