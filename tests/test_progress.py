"""Long work shows signs of life on a terminal, and nowhere else: never in --json, a pipe or
TERM=dumb; a run that needs more than half the machine's memory is warned about."""

from __future__ import annotations

import os
import select
import subprocess
import sys

import pytest

from brainflops.cli_common import LONG_RUN_SAMPLES

CLI = [sys.executable, "-c", "from brainflops.cli import main; main()"]


def run_with_terminal_stderr(*args: str, term: str = "xterm") -> tuple[str, str]:
    """stdout through a pipe, stderr on a pseudo-terminal (as a user's shell gives it)."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": term, "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    out = b""
    if proc.stdout is not None:
        with proc.stdout:
            out = proc.stdout.read()
    proc.wait()
    os.close(leader)
    assert proc.returncode == 0, seen.decode(errors="replace")
    return out.decode(), seen.decode(errors="replace")


LONG = str(LONG_RUN_SAMPLES * 2)


def test_a_long_estimate_shows_progress_on_a_terminal() -> None:
    out, err = run_with_terminal_stderr("estimate", "carlsmith-2020", "-n", LONG)
    assert "sampling" in err and "compute" in out


@pytest.mark.parametrize(
    ("args", "term"),
    [
        (["estimate", "carlsmith-2020", "-n", LONG, "--json"], "xterm"),  # JSON: none
        (["estimate", "carlsmith-2020", "-n", LONG], "dumb"),  # a terminal that cannot draw
        (["estimate", "carlsmith-2020", "-n", "100000"], "xterm"),  # short work: none
    ],
)
def test_no_progress_where_it_does_not_belong(args: list[str], term: str) -> None:
    _, err = run_with_terminal_stderr(*args, term=term)
    assert "sampling" not in err


def test_a_pipe_gets_no_progress() -> None:
    args = [*CLI, "estimate", "carlsmith-2020", "-n", LONG]
    done = subprocess.run(args, check=False, capture_output=True, text=True)
    assert done.returncode == 0 and "sampling" not in done.stderr


def test_more_than_half_the_memory_is_warned_about(monkeypatch: pytest.MonkeyPatch) -> None:
    from brainflops import cli_common

    said: list[str] = []
    monkeypatch.setattr(cli_common, "stderr_line", said.append)
    monkeypatch.setattr(os, "sysconf", lambda name: 1024 if name == "SC_PHYS_PAGES" else 4096)
    # 4 MiB of memory here: 3e6 bytes is more than half of it, 1e6 is not
    cli_common._warn_memory(1_000_000)
    assert said == []
    cli_common._warn_memory(3_000_000)
    assert said and "more than half of this machine's 0.0 GB" in said[0]
