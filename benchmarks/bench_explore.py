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

import brainflops as bf  # noqa: E402 (after the checkout is on the path)
from tests import browser  # noqa: E402
from tests.test_explore_browser import MOVES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "explore.html"
        names = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
        page.write_text(bf.explore(names, samples=2_000), encoding="utf-8")
        moves: list[float] = []
        worst: list[float] = []
        for _ in range(args.repeats):
            with browser.opened(page) as tab:
                times = sorted(tab.evaluate(MOVES))
                if tab.errors:
                    raise SystemExit(f"the page reported errors: {tab.errors}")
            moves += times
            worst.append(times[-1])
    moves.sort()
    p95 = moves[int(0.95 * (len(moves) - 1))]
    print(f"explore.html of {len(names)} scenarios, {args.repeats} × 100 moves on dettmers-2015\n")
    print("| per move | time | goal |")
    print("|---|---:|---:|")
    print(f"| median | {statistics.median(moves):.2f} ms | < 16 ms |")
    print(f"| 95th percentile | {p95:.2f} ms | < 16 ms |")
    print(f"| slowest (median over pages) | {statistics.median(worst):.2f} ms | |")


if __name__ == "__main__":
    main()
