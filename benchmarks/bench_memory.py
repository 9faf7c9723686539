"""Peak memory of an estimate with many populations, whole processes.

    python benchmarks/bench_memory.py [--populations 100] [--samples 1000000] [--baseline DIR]

Each population has four uncertain inputs. Goal (README): 100 populations at 1e6 samples
under 1.2 GB. `--baseline DIR` runs another checkout (say a `git worktree` of an older
commit) in turns with this one.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from timing import brainflops_in, checkouts, wall_and_peak

POPULATION = """  p{i}:
    neurons: {{low: {n:g}, high: {n2:g}}}
    synapses_per_neuron: {{low: 1000, high: 10000}}
    firing_rate_hz: {{low: 0.1, high: 2}}
    cost: {{model: synaptic, flops_per_event: {{low: 1, high: 100}}}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--populations", type=int, default=100)
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    roots = checkouts(args.baseline)
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "many.yaml"
        body = "".join(
            POPULATION.format(i=i, n=1e8 * (1 + i % 7), n2=2e8 * (1 + i % 7))
            for i in range(args.populations)
        )
        scenario.write_text(f"brainflops: 1\nname: many\ntitle: many\npopulations:\n{body}")
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in roots}
        for _ in range(args.repeats):
            for name, root in roots.items():
                brainflops, env = brainflops_in(root)
                argv = [*brainflops, "estimate", str(scenario), "--json"]
                runs[name].append(wall_and_peak([*argv, "--samples", str(args.samples)], env))
    print(f"{args.populations} populations x 4 uncertain inputs, {args.samples:,} samples\n")
    print("| checkout | median wall time | peak memory |")
    print("|---|---:|---:|")
    for name, results in runs.items():
        walls = sorted(w for w, _ in results)
        print(f"| {name} | {walls[len(walls) // 2]:.2f} s | {max(m for _, m in results):.0f} MB |")


if __name__ == "__main__":
    main()
