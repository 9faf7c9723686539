"""The command line in a process of its own, bounded in memory and time, forked from a
server that has imported it once.

A fresh `python -c ...` per hostile case spent most of its time starting Python and
importing brainflops. Forked from a server that did that once, each case still runs
`brainflops ARGV` in a process of its own, with its own address-space limit, working
folder, stdout and stderr, a time limit (SIGALRM) and the exit code `sys.exit` gives, at a
fraction of the cost. Cases that need another environment or stream run as fresh
processes. The server imports nothing of the tests but this module (no pytest).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import runpy
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

_SERVER: subprocess.Popen[str] | None = None
ROOT = Path(__file__).resolve().parent.parent
"""Where the server runs: the checkout, so that it imports this brainflops and this module."""


def serve() -> None:
    """The server: one JSON request a line on stdin, one JSON answer a line on stdout.

    What every case would import and build first is done once here: the command line, the
    analyses (with numpy) and the scenario's validators."""
    import brainflops.analysis.compare
    import brainflops.cli  # noqa: F401
    from brainflops.api import load

    load("dettmers-2015")

    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(**request)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)


def _child(  # noqa: PLR0917 (the request's fields)
    argv: list[str], cwd: str, out: str, err: str, limit_bytes: int, timeout_s: int
) -> None:
    """In the forked process: limit, redirect, run `brainflops ARGV`, exit with its code."""
    try:
        signal.alarm(timeout_s)  # past it, SIGALRM ends the process (exit code -14)
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
        os.chdir(cwd)
        fd_in = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd_in, 0)
        for fd, path in ((1, out), (2, err)):
            opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(opened, fd)
            os.close(opened)
        sys.stdin = io.TextIOWrapper(open(0, "rb", closefd=False), encoding="utf-8")  # noqa: SIM115
        sys.stdout = _text(1, line_buffering=False)
        sys.stderr = _text(2, line_buffering=True)
        sys.argv = ["brainflops", *argv]
        code: Any = 0
        try:
            runpy.run_module("brainflops", run_name="__main__")
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code
        if not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
    except BaseException as exc:  # the harness itself failed: say so, exit 99
        with contextlib.suppress(OSError):
            os.write(2, f"bounded: {type(exc).__name__}: {exc}\n".encode())
        code = 99
    os._exit(code)


def _text(fd: int, *, line_buffering: bool) -> IO[str]:
    raw = open(fd, "wb", closefd=False)  # noqa: SIM115 (the process's own stream)
    return io.TextIOWrapper(
        raw, encoding="utf-8", errors="backslashreplace", line_buffering=line_buffering
    )


def _server(root: Path) -> subprocess.Popen[str]:
    global _SERVER  # noqa: PLW0603 (one server per test process, started on first use)
    if _SERVER is None or _SERVER.poll() is not None:
        _SERVER = subprocess.Popen(
            [sys.executable, "-c", "from tests.bounded import serve; serve()"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    return _SERVER


def run(
    argv: list[str], cwd: Path, limit_bytes: int, timeout_s: int
) -> subprocess.CompletedProcess[str]:
    """`brainflops ARGV` in a process forked from the server, in the folder `cwd`."""
    server = _server(ROOT)
    assert server.stdin is not None and server.stdout is not None
    with tempfile.TemporaryDirectory(prefix="brainflops-bounded-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        request = {
            "argv": argv,
            "cwd": str(cwd),
            "out": str(out),
            "err": str(err),
            "limit_bytes": limit_bytes,
            "timeout_s": timeout_s,
        }
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        answer = json.loads(server.stdout.readline())
        if answer["code"] == -signal.SIGALRM:
            raise subprocess.TimeoutExpired(["brainflops", *argv], timeout_s)
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in (out, err)]
        return subprocess.CompletedProcess(["brainflops", *argv], answer["code"], *texts)
