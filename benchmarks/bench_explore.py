"""The explorer page in headless Chromium: how long one slider move takes to show.

    python benchmarks/bench_explore.py [--repeats 5]

Goal (README): a move updates the page in under 16 ms (one frame at 60 Hz), on
dettmers-2015, over 100 moves of its firing-rate slider, with the layout each move causes
(the script's evaluation, the DOM updates, and a forced layout; painting is the browser's).
Each repeat opens the page afresh; the first move of a page (the script's first run through
the new values) is part of the 100.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import goal, result  # noqa: E402

import brainflops as bf  # noqa: E402 (after the checkout is on the path)
from tests import browser  # noqa: E402
from tests.test_explore_browser import MOVES  # noqa: E402


def measure(repeats: int = 5) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "explore.html"
        names = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
        page.write_text(bf.explore(names, samples=2_000), encoding="utf-8")
        moves: list[float] = []
        worst: list[float] = []
        for _ in range(repeats):
            with browser.opened(page) as tab:
                times = sorted(tab.evaluate(MOVES))
                if tab.errors:
                    raise SystemExit(f"the page reported errors: {tab.errors}")
            moves += times
            worst.append(times[-1])
    moves.sort()
    p95 = moves[int(0.95 * (len(moves) - 1))]
    rows = [
        {"per_move": "median", "ms": statistics.median(moves)},
        {"per_move": "95th percentile", "ms": p95},
        {"per_move": "slowest (median over pages)", "ms": statistics.median(worst)},
    ]
    goals = [
        goal("slider move, median", statistics.median(moves), 16.0, "ms"),
        goal("slider move, 95th percentile", p95, 16.0, "ms"),
    ]
    return result("explore", rows, goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    found = measure(args.repeats)
    print(f"explore.html of the bundled scenarios, {args.repeats} × 100 moves on dettmers-2015\n")
    print("| per move | time | goal |")
    print("|---|---:|---:|")
    for r in found["rows"]:
        shown = "< 16 ms" if not str(r["per_move"]).startswith("slowest") else ""
        print(f"| {r['per_move']} | {r['ms']:.2f} ms | {shown} |")


if __name__ == "__main__":
    main()
