"""Time `brainflops estimate` against the same model in hand-written numpy and in squigglepy.

Each contender is a whole process (start-up and imports included, as a user waits for it),
run in turns, so that machine noise hits all of them alike. Prints a Markdown table.

    python benchmarks/bench_estimate.py [--samples 2000000] [--repeats 5]

squigglepy is only needed here: `pip install squigglepy` (the `bench` dependency group).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
from pathlib import Path

from timing import byte_compiled, goal, medians_in_turns, print_table, result

SCENARIO = """\
brainflops: 1
name: bench-two-populations
title: Two populations, eight uncertain inputs
populations:
  cortex:
    neurons: {low: 1.4e10, high: 1.9e10}
    synapses_per_neuron: {low: 1000, high: 10000}
    firing_rate_hz: {low: 0.1, high: 2}
    cost: {model: synaptic, flops_per_event: {low: 1, high: 100}}
  cerebellum:
    neurons: {low: 6.2e10, high: 7.6e10}
    synapses_per_neuron: {low: 100, high: 1000}
    firing_rate_hz: {low: 0.1, high: 2}
    cost: {model: synaptic, flops_per_event: {low: 1, high: 100}}
"""

RANGES = [
    (1.4e10, 1.9e10),
    (1000, 10000),
    (0.1, 2),
    (1, 100),
    (6.2e10, 7.6e10),
    (100, 1000),
    (0.1, 2),
    (1, 100),
]

NUMPY = """\
import sys
import numpy as np
n = int(sys.argv[1])
rng = np.random.default_rng(1)
z = 1.6448536269514722
def lognormal(lo, hi):
    mu, sd = (np.log(lo) + np.log(hi)) / 2, (np.log(hi) - np.log(lo)) / (2 * z)
    return np.exp(mu + sd * rng.standard_normal(n))
r = {ranges!r}
x = [lognormal(lo, hi) for lo, hi in r]
total = x[0] * x[1] * x[2] * x[3] + x[4] * x[5] * x[6] * x[7]
print(np.percentile(total, [5, 50, 95]), total.mean())
"""

SQUIGGLE = """\
import sys
import numpy as np
import squigglepy as sq
n = int(sys.argv[1])
sq.set_seed(1)
r = {ranges!r}
d = [sq.to(lo, hi) for lo, hi in r]
model = d[0] * d[1] * d[2] * d[3] + d[4] * d[5] * d[6] * d[7]
total = sq.sample(model, n=n)
print(np.percentile(total, [5, 50, 95]), total.mean())
"""


def measure(repeats: int = 5, samples: int = 2_000_000) -> dict[str, object]:
    byte_compiled()
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "bench.yaml"
        scenario.write_text(SCENARIO)
        hand = Path(tmp) / "hand.py"
        hand.write_text(NUMPY.format(ranges=RANGES))
        squiggle = Path(tmp) / "squiggle.py"
        squiggle.write_text(SQUIGGLE.format(ranges=RANGES))
        n = str(samples)
        contenders = {
            "brainflops estimate": [
                sys.executable,
                "-m",
                "brainflops",
                "estimate",
                str(scenario),
                "--samples",
                n,
            ],
            "hand-written numpy": [sys.executable, str(hand), n],
            "squigglepy": [sys.executable, str(squiggle), n],
        }
        try:
            import squigglepy  # noqa: F401
        except ImportError:
            del contenders["squigglepy"]
            print("(squigglepy not installed: pip install squigglepy)", file=sys.stderr)
        medians = medians_in_turns(contenders, repeats)
    base = medians["brainflops estimate"]
    goals = [goal("estimate ÷ hand-written numpy", base / medians["hand-written numpy"], 1.25, "x")]
    if "squigglepy" in medians:
        goals.append(goal("estimate ÷ squigglepy", base / medians["squigglepy"], 0.5, "x"))
    rows = [
        {"contender": n, "median_s": m, "brainflops_over_this": base / m}
        for n, m in medians.items()
    ]
    return result("estimate", rows, goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    found = measure(args.repeats, args.samples)
    print(
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{args.samples:,} samples, median of {args.repeats} runs\n"
    )
    print_table(
        ("contender", "median wall time", "brainflops / this"),
        [
            (str(r["contender"]), f"{r['median_s']:.3f} s", f"{r['brainflops_over_this']:.2f}")
            for r in found["rows"]
        ],
    )


if __name__ == "__main__":
    main()
