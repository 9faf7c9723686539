"""Every benchmark with a goal in the README, one after another, and their results as JSON.

    python -m benchmarks [--only NAME ...] [--quick] [--json FILE] [--compare OLD.json]

Each benchmark runs its contenders in turns (benchmarks/timing.py), so machine noise hits
them alike. The runner first times a bare `python -c pass` and notes the interpreter,
numpy, the cores and the date beside the results: a figure means little without the
machine it was measured on. `--compare OLD.json` prints how far each goal's figure moved
since another run; run it twice in a row to see the noise. `--quick` uses fewer repeats
(for trying the runner, not for the README).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from timing import wall  # noqa: E402 (after this folder is on the path)

BENCHMARKS = {
    # name: (module, full repeats, quick repeats)
    "startup": ("bench_startup", 15, 3),
    "estimate": ("bench_estimate", 9, 2),
    "sensitivity": ("bench_sensitivity", 3, 1),
    "sweep": ("bench_sweep", 5, 1),
    "report": ("bench_report", 3, 1),
    "memory": ("bench_memory", 3, 1),
    "backtest": ("bench_backtest", 5, 1),
    "explore": ("bench_explore", 5, 1),
}


def machine() -> dict[str, Any]:
    import numpy

    bare = statistics.median(wall([sys.executable, "-c", "pass"]) for _ in range(15))
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "bare_python_ms": round(bare * 1000, 1),
    }


def moved(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Each goal's figure in both runs, and how far it moved."""
    before = {
        (b["benchmark"], g["goal"]): g["value"] for b in old["benchmarks"] for g in b["goals"]
    }
    lines = []
    for b in new["benchmarks"]:
        for g in b["goals"]:
            was = before.get((b["benchmark"], g["goal"]))
            change = "" if not was else f" ({(g['value'] / was - 1) * 100:+.0f}%)"
            shown = "new" if was is None else f"{was:g}"
            lines.append(f"{g['goal']}: {shown} -> {g['value']:g} {g['unit']}{change}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--compare", type=Path, help="an earlier run's JSON")
    args = parser.parse_args()
    found: dict[str, Any] = {"machine": machine(), "benchmarks": []}
    info = found["machine"]
    print(
        f"{info['date']}: Python {info['python']}, numpy {info['numpy']}, {info['cores']} "
        f"cores, load {info['load_average']:.2f}, bare python {info['bare_python_ms']} ms",
        flush=True,
    )
    for name in args.only:
        module, full, quick = BENCHMARKS[name]
        measured = importlib.import_module(module).measure(quick if args.quick else full)
        found["benchmarks"].append(measured)
        for g in measured["goals"]:
            verdict = "holds" if g["holds"] else "MISSED"
            print(
                f"  {name}: {g['goal']}: {g['value']:g} {g['unit']} (< {g['limit']:g}) {verdict}",
                flush=True,
            )
    goals = [g for b in found["benchmarks"] for g in b["goals"]]
    held = sum(g["holds"] for g in goals)
    print(f"{held} of {len(goals)} goals hold")
    if args.json:
        args.json.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        print("\n".join(["", f"against {args.compare}:", *moved(old, found)]))


if __name__ == "__main__":
    main()
