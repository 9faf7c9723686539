"""A report of many uncertain `extends:` variants: time and peak memory, whole processes.

    python benchmarks/bench_report.py [--variants 200] [--repeats 3] [--baseline DIR]

Writes N variants of carlsmith-2020 (each extends it and sets its own firing-rate range),
then times, in turns: one `estimate` of one variant (the unit the goal is stated in; three
times a turn, as it is short and noisy),
`report` of all of them, and a stale `report --check` of the report just written. Peak
memory is the largest resident set of any one run. `--baseline DIR` runs the same commands
from another checkout (say a `git worktree` of an older commit) side by side.

Goals (README): the report under 20 x one estimate and under 1 GB; a stale --check within
1.5 x the time of writing the report.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import tempfile
from pathlib import Path

from timing import brainflops_in, checkouts, goal, result, wall_and_peak

VARIANT = """brainflops: 1
extends: carlsmith-2020
name: variant-{i}
title: carlsmith-2020 with firing rates {low:g} to {high:g} Hz
populations:
  all:
    firing_rate_hz: {{low: {low:g}, high: {high:g}, ci: 68.27}}
"""


ESTIMATES_PER_TURN = 3
"""One estimate, the unit of the goal, takes a quarter second: a busy moment moves it by a
fifth, so it is timed three times a turn (its median is of 3 x repeats runs)."""


def measure(
    repeats: int = 3, variants: int = 200, baseline: Path | None = None
) -> dict[str, object]:
    roots = checkouts(baseline)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "variants"
        folder.mkdir()
        for i in range(variants):
            low = 0.05 + 0.001 * i
            (folder / f"variant-{i}.yaml").write_text(VARIANT.format(i=i, low=low, high=20 * low))
        first = str(folder / "variant-0.yaml")
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(repeats):
            for label, root in roots.items():
                brainflops, env = brainflops_in(root)
                out = Path(tmp) / f"report-{label.replace(' ', '-')}"
                shutil.rmtree(out, ignore_errors=True)
                steps = {
                    "estimate (one variant)": [*brainflops, "estimate", first],
                    "report": [*brainflops, "report", str(folder), "-o", str(out)],
                }
                for step, argv in steps.items():
                    times = ESTIMATES_PER_TURN if step.startswith("estimate") else 1
                    for _ in range(times):
                        results.setdefault((label, step), []).append(wall_and_peak(argv, env))
                # stale: one variant changes after the report was written
                stale = folder / "variant-0.yaml"
                original = stale.read_text()
                stale.write_text(original.replace("carlsmith-2020 with", "carlsmith-2020, with"))
                check = [*brainflops, "report", str(folder), "-o", str(out), "--check"]
                results.setdefault((label, "stale report --check"), []).append(
                    wall_and_peak(check, env)
                )
                stale.write_text(original)
    rows: list[dict[str, object]] = []
    for label in roots:
        unit = statistics.median(w for w, _ in results[(label, "estimate (one variant)")])
        for (name, step), runs in results.items():
            if name == label:
                wall = statistics.median(w for w, _ in runs)
                peak = max(m for _, m in runs)
                rows.append(
                    {
                        "checkout": label,
                        "command": step,
                        "median_s": wall,
                        "x_one_estimate": wall / unit,
                        "peak_mb": peak,
                    }
                )
    mine = {str(r["command"]): r for r in rows if r["checkout"] == "this checkout"}
    report, stale = mine["report"], mine["stale report --check"]
    goals = [
        goal(f"report of {variants} ÷ one estimate", float(report["x_one_estimate"]), 20.0, "x"),
        goal(f"report of {variants}, peak memory", float(report["peak_mb"]), 1024.0, "MB"),
        goal(
            "stale --check ÷ writing the report",
            float(stale["median_s"]) / float(report["median_s"]),
            1.5,
            "x",
        ),
    ]
    return result("report", rows, goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    found = measure(args.repeats, args.variants, args.baseline)
    print(f"{args.variants} variants, median of {args.repeats} runs in turns (peak: largest)\n")
    print("| checkout | command | median | × one estimate | peak memory |")
    print("|---|---|---:|---:|---:|")
    for r in found["rows"]:
        wall = r["median_s"]
        if math.isnan(wall):
            print(f"| {r['checkout']} | {r['command']} | failed | | {r['peak_mb']:.0f} MB |")
            continue
        print(
            f"| {r['checkout']} | {r['command']} | {wall:.2f} s | {r['x_one_estimate']:.1f} "
            f"| {r['peak_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    main()
