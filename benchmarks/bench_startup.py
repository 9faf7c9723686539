"""Start-up time: `brainflops --help` against a bare `python -c pass`, measured side by side.

    python benchmarks/bench_startup.py [--repeats 30]

Goals (README): `brainflops --help` within 110 ms of a bare interpreter, `validate` within
200 ms and `estimate dettmers-2015` (no uncertain input) within 300 ms, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import sys

from timing import byte_compiled, medians_in_turns, print_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
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
    medians = medians_in_turns(contenders, args.repeats)
    base = medians["python -c pass"]
    print(f"median of {args.repeats} runs, in turns\n")
    print_table(
        ("command", "median", "over bare python"),
        [
            (f"`{name}`", f"{median * 1000:.0f} ms", f"+{(median - base) * 1000:.0f} ms")
            for name, median in medians.items()
        ],
    )


if __name__ == "__main__":
    main()
