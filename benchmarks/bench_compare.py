"""`compare dettmers-2015` before and after a change, side by side in one run.

    python benchmarks/bench_compare.py [--before REV] [--repeats 15]

REV (default: the commit before the AI-supercomputer view) is checked out into a temporary
git worktree and run with the same interpreter, in turns with the working tree, so machine
noise hits both alike.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import byte_compiled, medians_in_turns, print_table

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "dd99ed4"
"""The last commit before issue 13 (the AI systems, precisions and the training view)."""


def command(tree: Path) -> list[str]:
    """`brainflops compare dettmers-2015` from one source tree (no install needed)."""
    code = f"import sys; sys.path.insert(0, {str(tree)!r}); from brainflops.cli import main; main()"
    return [sys.executable, "-c", code, "compare", "dettmers-2015"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    byte_compiled()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.before],
            check=True,
            capture_output=True,
        )
        try:
            byte_compiled(old)
            os.environ["COLUMNS"] = "120"
            contenders = {f"before ({args.before})": command(old), "after": command(ROOT)}
            medians = medians_in_turns(contenders, args.repeats)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True
            )
    base = medians[f"before ({args.before})"]
    print(f"`compare dettmers-2015`, median of {args.repeats} runs, in turns\n")
    print_table(
        ("tree", "median", "after ÷ before"),
        [(name, f"{m * 1000:.0f} ms", f"{m / base:.2f}x") for name, m in medians.items()],
    )


if __name__ == "__main__":
    main()
