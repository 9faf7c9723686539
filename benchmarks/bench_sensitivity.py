"""`sensitivity` and `diff` against one `estimate`, whole processes, in turns.

    python benchmarks/bench_sensitivity.py [--samples 10000000] [--repeats 3]

`sensitivity` runs on the two-population scenario of bench_estimate.py (a sum, so its
shares are binned, not exact); `diff` compares two four-population scenarios that differ in
all 16 of their uncertain inputs (so the attribution is sampled: more than 12 parameters).
Goals (README): sensitivity at 1e7 samples within 2.5x the estimate at 1e7; the diff within
3x one estimate at the default samples.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_estimate import SCENARIO
from timing import byte_compiled, goal, medians_in_turns, print_table, result

POPULATION = """  p{i}:
    neurons: {{low: {n:g}, high: {n2:g}}}
    synapses_per_neuron: {{low: {s:g}, high: 10000}}
    firing_rate_hz: {{low: {f:g}, high: 2}}
    cost: {{model: synaptic, flops_per_event: {{low: {c:g}, high: 100}}}}
"""


def four_populations(name: str, change: float) -> str:
    """Four populations, 16 uncertain inputs; `change` moves every one of them."""
    body = "".join(
        POPULATION.format(
            i=i, n=1e10 * change, n2=2e10, s=1000 * change, f=0.1 * change, c=1 * change
        )
        for i in range(4)
    )
    return f"brainflops: 1\nname: {name}\ntitle: {name}\npopulations:\n{body}"


def measure(repeats: int = 3, samples: int = 10_000_000) -> dict[str, object]:
    byte_compiled()
    with tempfile.TemporaryDirectory() as tmp:
        a, b, c = Path(tmp) / "a.yaml", Path(tmp) / "b.yaml", Path(tmp) / "c.yaml"
        a.write_text(SCENARIO)
        b.write_text(four_populations("before", 1.0))
        c.write_text(four_populations("after", 1.5))
        cli = [sys.executable, "-m", "brainflops"]
        n = ["--samples", str(samples)]
        contenders = {
            f"estimate ({samples:,})": [*cli, "estimate", str(a), *n],
            f"sensitivity ({samples:,})": [*cli, "sensitivity", str(a), *n],
            "estimate (default samples)": [*cli, "estimate", str(b)],
            "diff, 16 parameters (default samples)": [*cli, "diff", str(b), str(c)],
        }
        medians = medians_in_turns(contenders, repeats)
    names = list(medians)
    times = {name: medians[name] / medians[names[i - i % 2]] for i, name in enumerate(names)}
    rows = [{"command": n, "median_s": medians[n], "x_its_estimate": times[n]} for n in names]
    goals = [
        goal(f"sensitivity ÷ estimate at {samples:,}", times[names[1]], 2.5, "x"),
        goal("diff of 16 parameters ÷ estimate", times[names[3]], 3.0, "x"),
    ]
    return result("sensitivity and diff", rows, goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    found = measure(args.repeats, args.samples)
    print(f"median of {args.repeats} runs in turns\n")
    print_table(
        ("command", "median", "x its estimate"),
        [
            (str(r["command"]), f"{r['median_s']:.2f} s", f"{r['x_its_estimate']:.2f}")
            for r in found["rows"]
        ],
    )


if __name__ == "__main__":
    main()
