from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.testing
from typer.main import get_command
from typer.testing import CliRunner, Result

from brainflops.cli import app

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    """No test reads or writes the user's own data folder: a folder of the run's own
    (subprocesses inherit it); the tests of `data import` each set one of theirs."""
    import os
    import tempfile

    os.environ["BRAINFLOPS_DATA"] = tempfile.mkdtemp(prefix="brainflops-data-")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked slow first (in their order, then the rest in theirs): with parallel
    workers (`-n`), none is left running one of them alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


ROOT = Path(__file__).parent.parent
ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERMINAL_WIDTH": "120"}


COMMAND = get_command(app)
"""The command line as click runs it, built once for the whole session: typer builds it
from every command's signature at each call (about 15 ms, over a thousand calls here)."""
assert callable(getattr(typer.testing, "_get_command", None)), "typer.testing changed"
typer.testing._get_command = lambda given: COMMAND if given is app else get_command(given)  # type: ignore[attr-defined]


def invoke(*args: str) -> Result:
    """Run the CLI in-process, as a user would, with a fixed terminal."""
    return CliRunner(env=ENV).invoke(app, list(args), catch_exceptions=True)


def assert_input_error(result: Result, fragment: str) -> None:
    """Exit 2, the located message on stderr, and no traceback anywhere."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def bytecode_prefix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PYTHONPYCACHEPREFIX holding the bytecode of every module a command imports and
    the scenario's kept validator (built once: a fresh prefix compiles ~300 modules).
    Tests copy it (`fresh_prefix`) rather than change it."""
    prefix = tmp_path_factory.mktemp("pycache")
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": ""}
    subprocess.run(
        [sys.executable, "-m", "brainflops", "estimate", "dettmers-2015", "-n", "1000"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return prefix


def fresh_prefix(bytecode_prefix: Path, to: Path, *, kept: bool = True) -> Path:
    """A copy of `bytecode_prefix` (without the kept validator unless `kept`)."""
    copy = to / "pycache"
    shutil.copytree(bytecode_prefix, copy)
    if not kept:
        for found in copy.rglob("scenario.*.validator"):
            found.unlink()
    return copy


# --- a report of three scenarios, made once a session -----------------------------------

SCENARIOS = [
    str(ROOT / "scenarios" / f"{n}.yaml")
    for n in ("dettmers-2015", "carlsmith-2020", "moravec-1998")
]
FAST = ["--samples", "4000"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make(out: Path, *extra: str, scenarios: list[str] = SCENARIOS) -> Result:
    return invoke("report", *scenarios, "-o", str(out), *FAST, *extra)


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of SCENARIOS, made once a session (a report is deterministic: a copy of
    it is byte for byte what making it again would write; never write into it)."""
    out = tmp_path_factory.mktemp("made") / "report"
    result = make(out)
    assert result.exit_code == 0, result.stderr
    return out
