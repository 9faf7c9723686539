"""Honest answers: user machines beside the #1, every run says what it ran, the newcomer path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, invoke

LATER = (
    "machines:\n  - {name: H100 farm, list_date: '2030-06', hpl_rmax_flops: 1e19,"
    " sources: {hpl_rmax_flops: my estimate}}\n"
)


def test_a_user_machine_is_compared_beside_the_newest_number1_never_as_it(
    tmp_path: Path,
) -> None:
    machines = tmp_path / "h100.yaml"
    machines.write_text(LATER)
    doc = json.loads(
        invoke("compare", "carlsmith-2020", "--machines", str(machines), "--json").stdout
    )
    assert doc["newest_number1"].startswith("LineShine")
    rows = {m["name"]: m for m in doc["machines"]}
    assert [m["name"] for m in doc["machines"]] == [
        "LineShine",
        "AWS Project Rainier",
        "Fugaku",
        "H100 farm",
    ]
    assert rows["H100 farm"]["user"] is True and rows["LineShine"]["user"] is False
    # brain ÷ machine on HPL: the same median brain over 2.198e18 and over 1e19
    lineshine = rows["LineShine"]["metrics"]["compute_hpl"]["ratio"]["median"]
    mine = rows["H100 farm"]["metrics"]["compute_hpl"]["ratio"]["median"]
    assert lineshine / mine == pytest.approx(1e19 / 2.198e18, rel=1e-3)  # JSON rounds
    assert doc["machines_file"] == str(machines)
    shown = invoke("compare", "carlsmith-2020", "--machines", str(machines)).stdout
    assert "vs LineShine (2026-06)" in shown and "vs H100 farm (2030-06) (your machine)" in shown


def test_the_report_column_against_the_newest_number1_is_unchanged_by_user_machines(
    tmp_path: Path,
) -> None:
    machines = tmp_path / "h100.yaml"
    machines.write_text(LATER)
    plain, mine = tmp_path / "plain", tmp_path / "mine"
    args = ["carlsmith-2020-limit", "--samples", "2000"]
    assert invoke("report", *args, "-o", str(plain)).exit_code == 0
    assert invoke("report", *args, "-o", str(mine), "--machines", str(machines)).exit_code == 0
    summary = [(plain / "index.md").read_text(), (mine / "index.md").read_text()]
    row = [
        next(line for line in text.splitlines() if "[carlsmith-2020-limit](" in line)
        for text in summary
    ]
    assert row[0] == row[1]
    assert "your machine from --machines" in summary[1]
    data = json.loads((mine / "data.json").read_text())
    assert data["machines_file"] == "h100.yaml"  # outside the working folder: its name


def test_every_evaluating_command_says_which_overrides_it_ran() -> None:
    setting = "factors.neural_backprop=2"
    for command in (["estimate"], ["compare"], ["sensitivity"], ["diff", "moravec-1998"]):
        args = [command[0], "dettmers-2015", *command[1:], "-n", "2000"]
        doc = json.loads(invoke(*args, "--set", setting, "--json").stdout)
        assert doc["overrides"] == [setting], command
        assert json.loads(invoke(*args, "--json").stdout)["overrides"] == []
        assert f"overrides: {setting}" in invoke(*args, "--set", setting).stdout
    check = json.loads(invoke("check", "moravec-1998", "--json").stdout)
    assert check["overrides"] == []


@pytest.mark.slow
def test_validate_takes_folders_and_check_and_report_default_to_the_bundled_library() -> None:
    bundled = len(list((ROOT / "scenarios").glob("*.yaml")))
    result = invoke("validate", str(ROOT / "scenarios"))
    assert result.exit_code == 0 and result.stdout == ""  # the status line is not output
    assert result.stderr == f"{bundled} scenario(s) valid\n"
    checked = json.loads(invoke("check", "--json", "-n", "2000").stdout)
    assert {c["scenario"] for c in checked["checks"]} >= {"dettmers-2015", "moravec-1998"}
    # the committed report is the bundled library's: a report of no scenario named is it
    out = ROOT / "docs" / "report"
    checked_report = invoke("report", "-o", str(out), "--check")
    assert checked_report.exit_code == 0 and checked_report.stdout == ""
    files = sum(p.is_file() for p in out.rglob("*"))  # the manifest lists each, itself too
    assert checked_report.stderr == f"{out}: the report is up to date ({files} files)\n"
    assert len(json.loads((out / "data.json").read_text())["scenarios"]) == bundled


def test_tables_in_80_columns_never_cut_a_number() -> None:
    from typer.testing import CliRunner

    from brainflops.cli import app

    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    for args in (
        ["estimate", "dettmers-2015"],
        ["compare", "carlsmith-2020"],
        ["sensitivity", "carlsmith-2020"],
        ["diff", "carlsmith-2020", "dettmers-2015"],
        ["check", "-n", "2000"],
        ["machines"],
        ["list"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "…" not in result.stdout, args
        assert max(map(len, result.stdout.splitlines())) <= 80, args


def test_a_set_typo_suggests_the_whole_path() -> None:
    result = invoke("estimate", "carlsmith-2020", "--set", "populations.all.firing_rate=1")
    assert result.exit_code == 2
    assert "did you mean 'populations.all.firing_rate_hz'?" in result.stderr
