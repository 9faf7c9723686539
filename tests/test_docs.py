"""The README's examples are tests: its scenario runs, its messages are the real ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from brainflops.cli import app
from tests.conftest import ROOT, invoke

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_scenario() -> str:
    section = README.split("## Write your own scenario", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def commands() -> list[str]:
    return sorted(
        c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands
    )


def test_every_command_is_documented_and_has_help() -> None:
    for name in commands():
        assert f"brainflops {name}" in README, f"README does not show `brainflops {name}`"
        result = invoke(name, "--help")
        assert result.exit_code == 0 and "Usage: brainflops" in result.stdout
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        assert len(lines) > 2, f"`{name} --help` has no description"


def test_readme_scenario_runs(tmp_path: Path) -> None:
    path = tmp_path / "my-cortex.yaml"
    path.write_text(readme_scenario(), encoding="utf-8")
    assert invoke("validate", str(path)).exit_code == 0
    doc = json.loads(invoke("estimate", str(path), "--json").stdout)
    # 2e10 × √(1000·10000) × √(0.1·2) × √(1·100) = 2e10 × 3162.3 × 0.44721 × 10 = 2.828e14
    assert doc["compute_flops"]["median"] == pytest.approx(2.828e14, rel=1e-3)
    assert invoke("diff", "dettmers-2015", str(path)).exit_code == 0
    assert (
        invoke(
            "report", "dettmers-2015", str(path), "-o", str(tmp_path / "r"), "--samples", "2000"
        ).exit_code
        == 0
    )


def test_readme_typo_message_is_the_real_one(tmp_path: Path) -> None:
    shown = re.search(r"^my-cortex\.yaml:(\d+):(\d+): (.*)$", README, re.MULTILINE)
    assert shown is not None
    path = tmp_path / "my-cortex.yaml"
    path.write_text(readme_scenario().replace('firing_rate_hz: "0.1 to 2"', "firing_rate: 1"))
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:{shown[1]}:{shown[2]}: {shown[3]}" in result.stderr


def test_exit_code_table_lists_the_codes() -> None:
    table = README.split("## Exit codes", 1)[1].split("##", 1)[0]
    assert all(f"| {code} |" in table for code in (0, 1, 2, 3, 130, 141))


def test_the_project_cites_only_files_it_has() -> None:
    # users have the repository, not the notes it was built from
    tracked = [
        p
        for folder in ("brainflops", "docs", "scenarios", "tests", "benchmarks")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in (".py", ".md", ".yaml", ".csv") and "report" not in p.parts
    ]
    outside = ("DESIGN" + ".md", "../" + "shared", "hardware_" + "limits.md")
    for path in [*tracked, ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8", errors="replace")  # fixtures hold bad bytes
        assert not any(name in text for name in outside), path
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), (page, target)
    assert (ROOT / "LICENSE").is_file()


def test_readme_history_first_answer_is_the_real_one() -> None:
    shown = re.search(r"^\$ brainflops compare (\S+)\n\.\.\.\n(.*)$", README, re.MULTILINE)
    assert shown is not None
    assert shown[2] in invoke("compare", shown[1]).stdout


def readme_commands() -> list[list[str]]:
    """Every `brainflops ...` line of the README's shell blocks, in order, as arguments."""
    import shlex

    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    lines = [line for block in blocks for line in block.splitlines()]
    return [shlex.split(x, comments=True)[1:] for x in lines if x.startswith("brainflops ")]


def readme_units() -> list[list[list[str]]]:
    """The README's commands in runs that must share a folder: an import and the reset
    after it, a report and the --check of it; every other command stands alone. A run
    shown twice is run once."""
    units: list[list[list[str]]] = []
    for args in readme_commands():
        prev = units[-1][-1] if units else []
        follows = (
            prev[:3] == ["data", "import", args[2]] if args[:2] == ["data", "reset"] else False
        ) or ("--check" in args and prev == [a for a in args if a != "--check"])
        if follows:
            units[-1].append(args)
        else:
            units.append([args])
    # a run the README shows again (alone, or as the start of a longer run) is run once
    return [
        unit
        for i, unit in enumerate(units)
        if not any(
            other[: len(unit)] == unit and (len(other) > len(unit) or j < i)
            for j, other in enumerate(units)
            if j != i
        )
    ]


README_PARTS = 6
"""The README's commands run in this many tests, so that workers share them out."""


def readme_parts() -> list[list[list[list[str]]]]:
    """The README's units shared out in README_PARTS parts of about equal cost, a report
    counted as ten other commands (a part with every report would be the suite's tail)."""
    parts: list[list[list[list[str]]]] = [[] for _ in range(README_PARTS)]
    cost = [0] * README_PARTS

    def weight(unit: list[list[str]]) -> int:
        return sum(10 if args[0] == "report" else 1 for args in unit)

    for unit in sorted(readme_units(), key=weight, reverse=True):  # stable: README order
        lightest = cost.index(min(cost))
        parts[lightest].append(unit)
        cost[lightest] += weight(unit)
    return parts


def test_the_readme_shows_every_command_in_its_parts() -> None:
    shown = readme_commands()
    assert len(shown) >= 20
    parts = [unit for part in readme_parts() for unit in part]
    assert {str(c) for u in parts for c in u} == set(map(str, shown))
    ran = [str(c) for u in parts for c in u]
    assert len(ran) == len(set(ran)), "a command the README shows twice runs once"


@pytest.mark.slow
@pytest.mark.parametrize("part", range(README_PARTS))
def test_every_readme_command_exits_0(
    part: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the README shows, run as a user would, in a folder of their own with the
    scenarios it names (reports go there, never into this checkout); a sixth of the
    commands' cost a test, whole runs of commands that belong together kept together."""
    import shutil

    from brainflops.model.data import forget
    from tests.test_data_import import MADE_UP_68, top500_rows, xlsx

    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    for name in ("my-cortex.yaml", "my-scenario.yaml"):
        (tmp_path / name).write_text(readme_scenario(), encoding="utf-8")
    # the list the README imports, in the site's layout; the import goes to a folder of ours
    xlsx(tmp_path / "TOP500_202611.xlsx", top500_rows(MADE_UP_68))
    monkeypatch.setenv("BRAINFLOPS_DATA", str(tmp_path / "user-data"))
    monkeypatch.chdir(tmp_path)
    try:
        for unit in readme_parts()[part]:
            for args in unit:
                result = invoke(*args)
                assert result.exit_code == 0, f"brainflops {' '.join(args)}: {result.stderr[-500:]}"
    finally:
        monkeypatch.undo()
        forget()
