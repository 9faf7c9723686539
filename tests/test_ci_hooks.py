"""What CI users wire in: the shipped pre-commit hooks, run by the real pre-commit on a
temporary git repository, and the GitHub action's script, run as the action runs it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, invoke

BROKEN = "brainflops: 1\nname: bad\ntitle: t\nmethod: stated\nstated: {compute: -1}\n"
"""Line 5, column 19: a compute below 0."""


def project(tmp: Path, *, whole: bool = False) -> Path:
    """A project in git: a clean copy of this repository's scenarios and committed report
    (`whole`), or two bundled scenarios and a report of theirs written here."""
    repo = tmp / "project"
    if whole:
        shutil.copytree(ROOT / "scenarios", repo / "scenarios")
        shutil.copytree(ROOT / "docs" / "report", repo / "docs" / "report")
    else:
        (repo / "scenarios").mkdir(parents=True)
        for name in ("dettmers-2015", "moravec-1998"):
            shutil.copy(ROOT / "scenarios" / f"{name}.yaml", repo / "scenarios")
        with contextlib.chdir(repo):  # in this process: the same report, a start sooner
            made = invoke("report", "scenarios/", "-o", "docs/report")
        assert made.exit_code == 0, made.stderr
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    return repo


def git(repo: Path, *args: str) -> None:
    found = shutil.which("git")
    if found is None:
        pytest.skip("no git here")
    subprocess.run([found, *args], cwd=repo, check=True, capture_output=True)


def local_config(repo: Path) -> None:
    """The shipped hooks as a local repository's hooks: same ids, entries and arguments,
    run with this interpreter's brainflops (installing it from the index is pre-commit's
    own business, not this test's)."""
    shipped: list[dict[str, Any]] = yaml.safe_load(
        (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    )
    hooks = []
    for hook in shipped:
        entry = hook["entry"].replace("brainflops", f"{sys.executable} -m brainflops", 1)
        hooks.append({**hook, "entry": entry, "language": "system"})
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


def pre_commit(repo: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("pre_commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp / "pre-commit-home")}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_the_shipped_hooks_pass_a_clean_project_and_stop_a_broken_scenario(tmp_path: Path) -> None:
    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in shipped} == {"brainflops-check", "brainflops-report-check"}
    assert all(h["language"] == "python" for h in shipped)
    repo = project(tmp_path, whole=True)  # the hooks' own arguments: scenarios/, docs/report
    local_config(repo)
    clean = pre_commit(repo, tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (repo / "scenarios" / "bad.yaml").write_text(BROKEN, encoding="utf-8")
    broken = pre_commit(repo, tmp_path)
    assert broken.returncode != 0
    assert "scenarios/bad.yaml:5:19: stated.compute: must be > 0 (got -1)" in broken.stdout


def action(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "action" / "check.py"), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_the_action_annotates_a_broken_line_and_passes_a_clean_project(tmp_path: Path) -> None:
    steps = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    assert "action/check.py" in steps[-1]["run"]  # the script tested here is the one it runs
    repo = project(tmp_path)
    passed = action(repo, "scenarios/", "docs/report")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    (repo / "scenarios" / "bad.yaml").write_text(BROKEN, encoding="utf-8")
    failed = action(repo, "scenarios/", "docs/report")
    assert failed.returncode == 2
    assert (
        "::error file=scenarios/bad.yaml,line=5,col=19::stated.compute: must be > 0 (got -1)"
        in (failed.stdout)
    )


def test_workflow_messages_are_escaped() -> None:
    sys.path.insert(0, str(ROOT / "action"))
    try:
        import check  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    lines = check.annotations([{"path": "a,b:c.yaml", "line": 2, "message": "50% off\nnow"}])
    assert lines == ["::error file=a%2Cb%3Ac.yaml,line=2::50%25 off%0Anow"]
