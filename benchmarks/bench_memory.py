"""Peak memory of an estimate with many populations, whole processes.

    python benchmarks/bench_memory.py [--populations 100] [--samples 1000000] [--baseline DIR]

Each population has four uncertain inputs. Goal (README): 100 populations at 1e6 samples
under 1.2 GB. `--baseline DIR` runs another checkout (say a `git worktree` of an older
commit) in turns with this one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POPULATION = """  p{i}:
    neurons: {{low: {n:g}, high: {n2:g}}}
    synapses_per_neuron: {{low: 1000, high: 10000}}
    firing_rate_hz: {{low: 0.1, high: 2}}
    cost: {{model: synaptic, flops_per_event: {{low: 1, high: 100}}}}
"""


def peak(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--populations", type=int, default=100)
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    checkouts = {"this checkout": Path(__file__).resolve().parents[1]}
    if args.baseline:
        checkouts["baseline"] = args.baseline.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "many.yaml"
        body = "".join(
            POPULATION.format(i=i, n=1e8 * (1 + i % 7), n2=2e8 * (1 + i % 7))
            for i in range(args.populations)
        )
        scenario.write_text(f"brainflops: 1\nname: many\ntitle: many\npopulations:\n{body}")
        argv = [sys.executable, "-P", "-m", "brainflops", "estimate", str(scenario), "--json"]
        argv += ["--samples", str(args.samples)]
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
        for _ in range(args.repeats):
            for name, root in checkouts.items():
                runs[name].append(peak(argv, {**os.environ, "PYTHONPATH": str(root)}))
    print(f"{args.populations} populations x 4 uncertain inputs, {args.samples:,} samples\n")
    print("| checkout | median wall time | peak memory |")
    print("|---|---:|---:|")
    for name, results in runs.items():
        walls = sorted(w for w, _ in results)
        print(f"| {name} | {walls[len(walls) // 2]:.2f} s | {max(m for _, m in results):.0f} MB |")


if __name__ == "__main__":
    main()
