"""What the GitHub action (`action.yml`) runs: validate the scenarios, annotating every
problem on its file and line, then `brainflops check`, then `report --check`.

    python action/check.py "SCENARIOS ..." [REPORT_FOLDER]

Exit code: the first failing step's (2: invalid input, 1: a check failed), else 0.
"""

from __future__ import annotations

import json
import subprocess
import sys

BRAINFLOPS = [sys.executable, "-m", "brainflops"]


def escaped(text: str, *, prop: bool = False) -> str:
    """GitHub's workflow-command escaping (properties also escape ':' and ',')."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def annotations(problems: list[dict[str, object]]) -> list[str]:
    lines = []
    for p in problems:
        where = f"file={escaped(str(p['path']), prop=True)}"
        if p.get("line"):
            where += f",line={p['line']}"
        if p.get("col"):
            where += f",col={p['col']}"
        lines.append(f"::error {where}::{escaped(str(p['message']))}")
    return lines


def main(argv: list[str]) -> int:
    paths = argv[1].split() if len(argv) > 1 and argv[1].strip() else ["scenarios/"]
    report = argv[2] if len(argv) > 2 else ""
    validate = [*BRAINFLOPS, "validate", "--json", *paths]
    found = subprocess.run(validate, check=False, capture_output=True, text=True)
    try:
        problems = json.loads(found.stdout) if found.stdout.strip() else []
    except json.JSONDecodeError:
        problems = []
    for line in annotations(problems if isinstance(problems, list) else []):
        print(line, flush=True)
    if found.returncode != 0:
        sys.stderr.write(found.stderr)
        return found.returncode
    steps = [[*BRAINFLOPS, "check", *paths]]
    if report:
        steps.append([*BRAINFLOPS, "report", *paths, "-o", report, "--check"])
    for step in steps:
        code = subprocess.run(step, check=False).returncode
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
