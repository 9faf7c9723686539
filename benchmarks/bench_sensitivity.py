"""`sensitivity` and `diff` against one `estimate`, whole processes, in turns.

    python benchmarks/bench_sensitivity.py [--samples 10000000] [--repeats 3]

`sensitivity` runs on the two-population scenario of bench_estimate.py (a sum, so its
shares are binned, not exact); `diff` compares it with a copy in which 16 parameters differ.
Goals (README): sensitivity at 1e7 samples within 2.5x the estimate at 1e7; the diff within
3x one estimate at the default samples.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_estimate import SCENARIO
from timing import medians_in_turns, print_table

CHANGED = """\
brainflops: 1
name: bench-changed
title: The same two populations, sixteen parameters changed
populations:
  cortex:
    neurons: {low: 1.5e10, high: 2.0e10}
    synapses_per_neuron: {low: 2000, high: 9000}
    firing_rate_hz: {low: 0.2, high: 3}
    cost: {model: synaptic, flops_per_event: {low: 2, high: 50}}
  cerebellum:
    neurons: {low: 6.0e10, high: 8.0e10}
    synapses_per_neuron: {low: 200, high: 900}
    firing_rate_hz: {low: 0.3, high: 4}
    cost: {model: synaptic, flops_per_event: {low: 3, high: 30}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.yaml", Path(tmp) / "b.yaml"
        a.write_text(SCENARIO)
        b.write_text(CHANGED)
        cli = [sys.executable, "-m", "brainflops"]
        n = ["--samples", str(args.samples)]
        contenders = {
            f"estimate ({args.samples:,})": [*cli, "estimate", str(a), *n],
            f"sensitivity ({args.samples:,})": [*cli, "sensitivity", str(a), *n],
            "estimate (default samples)": [*cli, "estimate", str(a)],
            "diff, 16 parameters (default samples)": [*cli, "diff", str(a), str(b)],
        }
        medians = medians_in_turns(contenders, args.repeats)
    names = list(medians)
    print(f"median of {args.repeats} runs in turns\n")
    print_table(
        ("command", "median", "x its estimate"),
        [
            (name, f"{medians[name]:.2f} s", f"{medians[name] / medians[names[i - i % 2]]:.2f}")
            for i, name in enumerate(names)
        ],
    )


if __name__ == "__main__":
    main()
