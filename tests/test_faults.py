"""Fault injection: a report folder is never lost and never takes a user's file with it.

The write path calls `reportdir._reached(step)` at each step; a child process replaces it
with one that sends itself a signal at the chosen step. Whatever the signal, the folder then
holds the old report or the new one, byte for byte, and the next run cleans up.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from brainflops.errors import InputError
from brainflops.io import reportdir
from brainflops.io.reportdir import MANIFEST, write_report_folder
from tests.conftest import ROOT, assert_input_error, invoke

OLD = {"index.md": "# old\n", "data.json": "{}\n", "figures/only-old.svg": "<svg/>\n"}
NEW = {"index.md": "# new\n", "data.json": '{"a": 1}\n', "figures/only-new.svg": "<svg/>\n"}

CHILD = """
import json, os, signal, sys
from pathlib import Path
from brainflops.cli import _terminate
from brainflops.io import reportdir

step, nth, signame, out, files, exchange = sys.argv[1:7]
signal.signal(signal.SIGTERM, _terminate)  # as the CLI does
seen = {"n": 0}

def reached(name):
    if name == step:
        seen["n"] += 1
        if seen["n"] == int(nth):
            os.kill(os.getpid(), getattr(signal, signame))

reportdir._reached = reached
if exchange == "no":
    reportdir._exchange = lambda a, b: False
reportdir.write_report_folder(json.loads(Path(files).read_text()), Path(out))
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def expected(files: dict[str, str]) -> dict[str, bytes]:
    with_manifest = {**files, MANIFEST: reportdir.manifest_text(files)}
    return {k: v.encode() for k, v in sorted(with_manifest.items())}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".brainflops-" in p.name)


def write_killed(
    tmp_path: Path, step: str, nth: int, signame: str, exchange: bool = True
) -> subprocess.CompletedProcess[str]:
    files = tmp_path / "new.json"
    files.write_text(json.dumps(NEW))
    args = [step, str(nth), signame, str(tmp_path / "report"), str(files)]
    return subprocess.run(
        [sys.executable, "-c", CHILD, *args, "yes" if exchange else "no"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )


STEPS = [
    ("cleaned", 1),
    ("checked", 1),
    ("created-temp", 1),
    ("wrote-file", 1),
    ("wrote-file", 3),
    ("wrote-all", 1),
    ("swapped", 1),
    ("removed-old-file", 1),
    ("removed-old-file", 3),
    ("done", 1),
]


# SIGKILL (no clean-up can run) at every step; SIGINT and SIGTERM (clean-ups run) where
# a clean-up has the most to do: while writing, right after the swap, while removing.
CASES = [
    (signame, step, nth, exchange)
    for exchange in (True, False)
    for step, nth in STEPS
    for signame in ("SIGKILL", "SIGINT", "SIGTERM")
    if signame == "SIGKILL" or step in ("wrote-file", "swapped", "removed-old-file")
]


@pytest.mark.parametrize(
    ("signame", "step", "nth", "exchange"),
    CASES,
    ids=[f"{g}-{s}-{n}-{'exchange' if e else 'renames'}" for g, s, n, e in CASES],
)
def test_a_signal_at_any_step_leaves_the_old_or_the_new_report(
    tmp_path: Path, signame: str, step: str, nth: int, exchange: bool
) -> None:
    out = tmp_path / "report"
    write_report_folder(OLD, out)
    mine = tmp_path / "thesis.tex"
    mine.write_text("my own work\n")
    result = write_killed(tmp_path, step, nth, signame, exchange)
    assert result.returncode != 0, result.stderr  # the signal did arrive
    assert snapshot(out) in (expected(OLD), expected(NEW)), (step, snapshot(out))
    assert mine.read_text() == "my own work\n"
    if signame != "SIGKILL":  # clean-ups ran: nothing left beside the report
        assert leftovers(tmp_path) == []
    # the next run restores or cleans whatever a SIGKILL left, and writes the new report
    write_report_folder(NEW, out)
    assert snapshot(out) == expected(NEW)
    assert leftovers(tmp_path) == []


def test_sigkill_between_the_two_renames_is_undone_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report_folder(OLD, out)
    result = write_killed(tmp_path, "moved-old", 1, "SIGKILL", exchange=False)
    assert result.returncode == -signal.SIGKILL
    assert not out.exists()  # the one instant with no report: the old one is beside it
    assert any(".brainflops-old-" in name for name in leftovers(tmp_path))
    reportdir.clean_stale(out)
    assert snapshot(out) == expected(OLD)
    assert leftovers(tmp_path) == []


@pytest.mark.slow
def test_ctrl_c_during_a_real_report_keeps_the_old_one(tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert invoke("report", "moravec-1998", "-o", str(out)).exit_code == 0
    before = snapshot(out)
    code = (
        "import os, signal, sys\n"
        "from brainflops.io import reportdir\n"
        "def reached(name):\n"
        "    if name == 'wrote-file':\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "reportdir._reached = reached\n"
        "sys.argv = ['brainflops', 'report', 'moravec-1998', 'carlsmith-2020', '-o', sys.argv[1]]\n"
        "from brainflops.cli import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 130, result.stderr
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


# --- what -o may name ---------------------------------------------------------------------


def test_a_folder_with_other_files_is_refused_and_untouched(tmp_path: Path) -> None:
    mydocs = tmp_path / "mydocs"
    mydocs.mkdir()
    (mydocs / "thesis.tex").write_text("years of work\n")
    result = invoke("report", "moravec-1998", "-o", str(mydocs))
    assert_input_error(result, f"{mydocs}: holds files brainflops did not write (thesis.tex)")
    assert snapshot(mydocs) == {"thesis.tex": b"years of work\n"}
    assert leftovers(tmp_path) == []


def test_the_scenario_folder_it_reads_is_refused(tmp_path: Path) -> None:
    scenarios = tmp_path / "myscen"
    scenarios.mkdir()
    (scenarios / "m.yaml").write_text((ROOT / "scenarios" / "moravec-1998.yaml").read_text())
    before = snapshot(scenarios)
    assert_input_error(invoke("report", str(scenarios), "-o", str(scenarios)), "m.yaml")
    assert snapshot(scenarios) == before


def test_a_file_added_to_a_report_blocks_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report_folder(OLD, out)
    (out / "figures" / "notes.txt").write_text("mine\n")
    with pytest.raises(InputError, match=r"figures/notes\.txt"):
        write_report_folder(NEW, out)
    assert (out / "figures" / "notes.txt").read_text() == "mine\n"
    assert (out / "index.md").read_text() == "# old\n"


def test_a_report_replaces_only_its_own_files_and_gets_normal_permissions(
    tmp_path: Path,
) -> None:
    out = tmp_path / "report"
    out.mkdir()  # an empty folder is fine
    old_umask = os.umask(0o022)
    try:
        write_report_folder(OLD, out)
        write_report_folder(NEW, out)
    finally:
        os.umask(old_umask)
    assert snapshot(out) == expected(NEW)  # only-old.svg went with the old manifest
    assert out.stat().st_mode & 0o777 == 0o755
    assert (out / "index.md").stat().st_mode & 0o777 == 0o644


def test_a_report_from_before_manifests_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "report"
    (out / "figures").mkdir(parents=True)
    for rel, text in OLD.items():
        (out / rel).write_text(text)
    write_report_folder(NEW, out)
    assert snapshot(out) == expected(NEW)


def test_a_symlinked_folder_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    write_report_folder(OLD, real)
    link = tmp_path / "link"
    link.symlink_to(real)
    write_report_folder(NEW, link)
    assert link.is_symlink()
    assert snapshot(real) == expected(NEW)


@pytest.mark.parametrize(
    ("make_target", "fragment"),
    [
        (lambda t: t / "a-file" / "report", "Not a directory"),
        (lambda t: t / "a-file", "exists and is not a folder"),
        (lambda t: t / ("x" * 300), "File name too long"),
        (lambda t: t / "loop", "symbolic links"),
    ],
    ids=["under-a-file", "a-file", "long-name", "symlink-loop"],
)
def test_impossible_targets_are_input_errors(
    tmp_path: Path, make_target: Any, fragment: str
) -> None:
    (tmp_path / "a-file").write_text("mine\n")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    result = invoke("report", "moravec-1998", "-o", str(make_target(tmp_path)))
    assert_input_error(result, fragment)
    assert (tmp_path / "a-file").read_text() == "mine\n"


@pytest.mark.parametrize("code", ["EROFS", "EACCES", "ENOSPC", "EDQUOT", "EIO"])
@pytest.mark.parametrize("operation", ["mkdir", "write_text", "replace"])
def test_os_failures_while_writing_keep_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, operation: str
) -> None:
    out = tmp_path / "report"
    write_report_folder(OLD, out)
    before = snapshot(out)
    import errno

    def failing(*args: Any, **kwargs: Any) -> Any:
        number = getattr(errno, code)
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(Path, operation, failing)
    monkeypatch.setattr(reportdir, "_exchange", failing)
    with pytest.raises(
        InputError, match=f"cannot write the report: {os.strerror(getattr(errno, code))}"
    ):
        write_report_folder(NEW, out)
    monkeypatch.undo()
    assert snapshot(out) == before


# --- report --check reads only what the report wrote ----------------------------------------


def test_check_does_not_follow_a_symlink_out_of_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert invoke("report", "moravec-1998", "-o", str(out)).exit_code == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:do not print me\n")
    (out / "index.md").unlink()
    (out / "index.md").symlink_to(secret)
    result = invoke("report", "moravec-1998", "-o", str(out), "--check")
    assert result.exit_code == 1
    assert "index.md: not a regular file" in result.stdout
    assert "do not print me" not in result.stdout + result.stderr


def test_check_refuses_special_files_in_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert invoke("report", "moravec-1998", "-o", str(out)).exit_code == 0
    (out / "data.json").unlink()
    os.mkfifo(out / "data.json")
    result = invoke("report", "moravec-1998", "-o", str(out), "--check")
    assert result.exit_code == 1 and "data.json: not a regular file" in result.stdout


def _figure_link(out: Path, elsewhere: Path) -> str:
    """The figure as a link to a copy of itself outside the report (sealed, same data)."""
    shutil.copy(out / "figures" / "ladder.svg", elsewhere)
    (out / "figures" / "ladder.svg").unlink()
    (out / "figures" / "ladder.svg").symlink_to(elsewhere)
    return "ladder.svg: not a regular file"


def _figure_fifo(out: Path, elsewhere: Path) -> str:
    (out / "figures" / "ladder.svg").unlink()
    os.mkfifo(out / "figures" / "ladder.svg")
    return "ladder.svg: not a regular file"


def _figure_huge(out: Path, elsewhere: Path) -> str:
    with (out / "figures" / "ladder.svg").open("a") as f:
        f.write("<!-- -->" * 3_000_000)  # 24 MB after the sealed figure
    return "ladder.svg: stale"


def _figure_binary(out: Path, elsewhere: Path) -> str:
    (out / "figures" / "ladder.svg").write_bytes(bytes(range(256)) * 40)
    return "ladder.svg: changed by hand"


def _figures_folder_link(out: Path, elsewhere: Path) -> str:
    shutil.copytree(out / "figures", elsewhere)
    shutil.rmtree(out / "figures")
    (out / "figures").symlink_to(elsewhere, target_is_directory=True)
    return "figures: not part of the report"


@pytest.mark.parametrize(
    "damage", [_figure_link, _figure_fifo, _figure_huge, _figure_binary, _figures_folder_link]
)
def test_check_reads_figures_as_it_reads_every_file(tmp_path: Path, damage: Any) -> None:
    """A check reads the figures whose data is unchanged instead of drawing them: only
    regular files inside the report, within the size limit, sealed as brainflops wrote."""
    out = tmp_path / "report"
    assert invoke("report", "moravec-1998", "-o", str(out)).exit_code == 0
    shown = damage(out, tmp_path / "elsewhere")
    result = invoke("report", "moravec-1998", "-o", str(out), "--check")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert shown in result.stdout, result.stdout


def test_a_folder_of_the_users_is_refused_before_any_work(tmp_path: Path) -> None:
    """The folder is checked first: a report of a large library is not computed for
    minutes and then refused (the scenario here does not even exist)."""
    (tmp_path / "thesis.tex").write_text("years of work\n")
    result = invoke("report", "no-such-scenario", "-o", str(tmp_path))
    assert_input_error(result, "holds files brainflops did not write")
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.tex"]
