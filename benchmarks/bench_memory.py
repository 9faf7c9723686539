"""Peak memory of an estimate with many populations, whole processes.

    python benchmarks/bench_memory.py [--populations 100] [--samples 1000000] [--baseline DIR]

Each population has four uncertain inputs. Goals (README): 100 populations at 1e6 samples
under 1.2 GB; the two-population scenario of bench_estimate.py at 5e7 samples (the largest
run allowed) under 1.5 GB. `--baseline DIR` runs another checkout (say a `git worktree` of an older
commit) in turns with this one.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench_estimate import SCENARIO
from timing import brainflops_in, checkouts, goal, result, wall_and_peak

POPULATION = """  p{i}:
    neurons: {{low: {n:g}, high: {n2:g}}}
    synapses_per_neuron: {{low: 1000, high: 10000}}
    firing_rate_hz: {{low: 0.1, high: 2}}
    cost: {{model: synaptic, flops_per_event: {{low: 1, high: 100}}}}
"""


BIG_SAMPLES = 50_000_000


def measure(
    repeats: int = 3,
    populations: int = 100,
    samples: int = 1_000_000,
    baseline: Path | None = None,
) -> dict[str, object]:
    """Peak memory of `populations` populations at `samples`, and of the two-population
    scenario of bench_estimate.py at 5e7 samples (the largest run allowed)."""
    roots = checkouts(baseline)
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "many.yaml"
        body = "".join(
            POPULATION.format(i=i, n=1e8 * (1 + i % 7), n2=2e8 * (1 + i % 7))
            for i in range(populations)
        )
        two = Path(tmp) / "two.yaml"
        two.write_text(SCENARIO)
        scenario.write_text(f"brainflops: 1\nname: many\ntitle: many\npopulations:\n{body}")
        cases = {
            f"{populations} populations, {samples:,} samples": (scenario, samples),
            f"two populations, {BIG_SAMPLES:,} samples": (two, BIG_SAMPLES),
        }
        runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(repeats):
            for case, (path, n) in cases.items():
                for name, root in roots.items():
                    brainflops, env = brainflops_in(root)
                    argv = [*brainflops, "estimate", str(path), "--json", "--samples", str(n)]
                    runs.setdefault((name, case), []).append(wall_and_peak(argv, env))
    rows: list[dict[str, object]] = []
    for (name, case), found in runs.items():
        walls = sorted(w for w, _ in found)
        rows.append(
            {
                "checkout": name,
                "case": case,
                "median_s": walls[len(walls) // 2],
                "peak_mb": max(m for _, m in found),
            }
        )
    mine = [r for r in rows if r["checkout"] == "this checkout"]
    goals = [
        goal(
            f"{populations} populations at {samples:,}, peak",
            float(mine[0]["peak_mb"]),
            1200.0,
            "MB",
        ),
        goal(f"{BIG_SAMPLES:,} samples, peak", float(mine[1]["peak_mb"]), 1536.0, "MB"),
    ]
    return result("memory", rows, goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--populations", type=int, default=100)
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    found = measure(args.repeats, args.populations, args.samples, args.baseline)
    print(f"each population has 4 uncertain inputs; median of {args.repeats} runs\n")
    print("| checkout | case | median wall time | peak memory |")
    print("|---|---|---:|---:|")
    for r in found["rows"]:
        print(f"| {r['checkout']} | {r['case']} | {r['median_s']:.2f} s | {r['peak_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
