"""What every command shares: the app, its options, error handling and output.

The commands live in `cli.py` and its siblings (`cli_forecasts.py`); each imports what it
needs from here, so no module of the command line imports another's commands.
"""

from __future__ import annotations

import errno
import io
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from brainflops import __version__
from brainflops.defaults import DEFAULT_SAMPLES
from brainflops.errors import BrainflopsError

if TYPE_CHECKING:
    from rich.console import Console

    from brainflops.engine.core import Estimate
    from brainflops.model.load import LoadedScenario
    from brainflops.model.machines import MachinesFile

EXIT_CODES = (
    "Exit codes: 0 success; 1 a check failed; 2 bad input, usage or an unwritable output; "
    "3 an internal error (a bug: please report it)."
)

app = typer.Typer(
    name="brainflops",
    help=(
        "Turn explicit assumptions about the brain into compute, memory and bandwidth "
        "estimates with uncertainty, and compare them with supercomputers.\n\n" + EXIT_CODES
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich for it would double start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)


def bundled_names(incomplete: str) -> list[str]:
    """Shell completion: the bundled scenarios whose names start with what was typed (file
    names are the shell's own completion)."""
    from brainflops.model.load import bundled_dir

    names = sorted(p.stem for p in bundled_dir().glob("*.yaml"))
    return [n for n in names if n.startswith(incomplete)]


ScenarioArg = Annotated[
    str,
    typer.Argument(help="A scenario file, or a bundled name.", autocompletion=bundled_names),
]
ScenariosArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Scenario files, bundled names or directories (default: the bundled library).",
        show_default=False,
        autocompletion=bundled_names,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")]


def count_option(value: Any) -> int:
    """A count written as people write it: 100000, 100_000, 1e5 (a whole number)."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        return int(text)  # also 1_000_000
    except ValueError:
        pass
    try:
        number = float(text)  # 1e6, 2.0e3, 1_000.0
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number != int(number):
        raise typer.BadParameter(f"{value!r} is not a whole number (e.g. 100000, 100_000 or 1e5)")
    return int(number)


def samples_option(default: int) -> Any:
    """The --samples option with the default the command really uses, shown as it is."""
    return typer.Option(
        "--samples",
        "-n",
        help="Monte Carlo samples (100000, 100_000 or 1e5).",
        show_default=f"{default:,}",
        parser=count_option,
    )


SamplesOpt = Annotated[int, samples_option(DEFAULT_SAMPLES)]
SweepSamplesOpt = Annotated[int, samples_option(10_000)]
PlotSamplesOpt = Annotated[int, samples_option(20_000)]
SeedOpt = Annotated[
    int, typer.Option("--seed", help="Random seed (0 or more).", show_default="20150727")
]
MachinesOpt = Annotated[
    Path | None,
    typer.Option("--machines", help="A YAML file of extra machines (same format as the bundled)."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY.PATH=VALUE",
        help="Override a scenario field for this run (repeatable); VALUE is YAML.",
    ),
]


def new_console() -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1, the code of a failed check
            output_failed(BrokenPipeError(errno.EPIPE, "broken pipe"))

    return _Console(highlight=False, soft_wrap=False)


MAX_PROBLEMS_SHOWN = 50
"""A file with 30,000 unknown keys gets the first 50 messages and a count, not a flood."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Map the library's typed errors to messages on stderr and exit codes.

    Anything else is a bug: one line asking for a report and exit 3 (the traceback only
    with BRAINFLOPS_DEBUG=1), so that a user never sees a traceback and a test never
    mistakes a crash for a refusal.
    """
    try:
        yield
    except BrainflopsError as exc:
        lines = str(exc).splitlines()
        for line in lines[:MAX_PROBLEMS_SHOWN]:
            stderr_line(line)
        if len(lines) > MAX_PROBLEMS_SHOWN:
            stderr_line(f"... and {len(lines) - MAX_PROBLEMS_SHOWN:,} more problems")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        stderr_line("interrupted")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except MemoryError:  # the machine (or a ulimit) had less memory than the run needs
        stderr_line(
            "error: not enough memory for this run; use fewer --samples (the draws of one "
            "run may take up to 4 GiB)"
        )
        raise typer.Exit(2) from None
    except OSError as exc:
        if is_output_error(exc):
            output_failed(exc)  # here, before click turns a broken pipe into exit 1
        internal_error(exc)
    except Exception as exc:  # the last resort: every other error is a bug
        internal_error(exc)


def stderr_line(line: str) -> None:
    if sys.stderr is not None:
        sys.stderr.write(f"{line}\n")


def internal_error(exc: BaseException) -> NoReturn:
    if os.environ.get("BRAINFLOPS_DEBUG") == "1":
        raise exc
    command = " ".join(["brainflops", *sys.argv[1:]])[:200]
    stderr_line(
        f"internal error: {type(exc).__name__}: {str(exc)[:200]} "
        f"(brainflops {__version__}, command: {command}); please report it, "
        "and run again with BRAINFLOPS_DEBUG=1 for the traceback"
    )
    raise typer.Exit(3) from None


def is_output_error(exc: OSError) -> bool:
    """A failure to write stdout (closed, full, a pipe whose reader left)."""
    return isinstance(exc, BrokenPipeError) or getattr(exc, "brainflops_stdout", False)


def write_json(document: dict[str, Any]) -> None:
    from brainflops.render.jsonout import dumps

    sys.stdout.write(dumps(document))


def load(ref: str, overrides: list[str] | None) -> LoadedScenario:
    from brainflops.model.load import load_scenario

    return load_scenario(ref, overrides or ())


def run_estimate(
    ref: str, overrides: list[str] | None, samples: int, seed: int, json: bool = True
) -> Estimate:
    """The estimate through the API; for the terminal, rich is imported on the other core
    while numpy samples (a scenario of plain numbers needs neither numpy nor a thread).
    A long run shows its progress on a terminal (`progress_bar`)."""
    from brainflops.api import estimate

    with progress_bar(samples, quiet=json) as progress:
        return estimate(
            ref,
            samples,
            seed,
            set=overrides or (),
            on_sampling=keep_freed_memory if json else _sampling,
            progress=progress,
        )


LONG_RUN_SAMPLES = 2_000_000
"""From this many samples a run may take seconds: a terminal gets a progress bar."""


@contextmanager
def progress_bar(samples: int, quiet: bool = False) -> Iterator[Any]:
    """A progress callback for the engine: a bar on stderr while a long run samples, when
    stderr is a terminal that can draw one (not TERM=dumb) and the output is not --json or
    `quiet`. Before any run, a warning on stderr if its arrays need more than half of the
    machine's memory."""
    state: dict[str, Any] = {}

    def told(done: int, total: int, needed: int) -> None:
        if done == 0:
            _warn_memory(needed)
            if state.get("show"):
                from rich.console import Console
                from rich.progress import Progress

                bar = Progress(console=Console(stderr=True), transient=True)
                state["bar"], state["task"] = bar, bar.add_task("sampling", total=total)
                bar.start()
        elif "bar" in state:
            state["bar"].update(state["task"], completed=done)

    state["show"] = (
        not quiet
        and samples >= LONG_RUN_SAMPLES
        and sys.stderr is not None
        and sys.stderr.isatty()
        and os.environ.get("TERM", "") != "dumb"
    )
    try:
        yield told
    finally:
        if "bar" in state:
            state["bar"].stop()


def _warn_memory(needed: int) -> None:
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return
    if needed > physical / 2:
        stderr_line(
            f"warning: this run needs about {needed / 1e9:.1f} GB of memory, more than half "
            f"of this machine's {physical / 1e9:.1f} GB; fewer --samples would be safer"
        )


def refs(scenarios: list[str] | None) -> list[str]:
    """The scenario files behind files, names and directories; none given: the bundled ones."""
    from brainflops.model.load import bundled_dir, expand_refs

    return expand_refs(scenarios or [str(bundled_dir())])


def batch(scenarios: list[str] | None, machines: Path | None) -> tuple[list[str], MachinesFile]:
    """The scenario files to run, and the machines to use."""
    from brainflops.model.data import load_machines

    return refs(scenarios), load_machines(machines)


def _sampling() -> None:
    keep_freed_memory()
    prefetch()


def prefetch() -> None:
    """Import the terminal renderer (rich) on the other core while the engine computes."""
    import threading
    from importlib import import_module

    threading.Thread(
        target=import_module, args=("brainflops.render.terminal",), daemon=True
    ).start()


def show(
    json: bool,
    kind: str,
    *args: Any,
    overrides: list[str] | None = None,
    machines: Path | None = None,
) -> None:
    """JSON (`render.jsonout.<kind>_document`) or the terminal (`render.terminal.print_<kind>`).

    Either way the output says what ran: the `--set` overrides and the `--machines` file.
    """
    ran: dict[str, Any] = {"overrides": list(overrides or ())}
    if machines is not None:
        ran["machines_file"] = str(machines)
    if json:
        from brainflops.render import jsonout

        write_json({**getattr(jsonout, f"{kind}_document")(*args), **ran})
    else:
        from brainflops.render import terminal

        console = new_console()
        getattr(terminal, f"print_{kind}")(console, *args)
        terminal.print_ran(console, ran)


def output_failed(exc: OSError) -> NoReturn:
    """stdout could not be written: quiet for a closed pipe (`| head`), else one line."""
    try:  # nothing more may reach the broken stream, not even at interpreter exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
    if isinstance(exc, BrokenPipeError):
        sys.exit(141)  # as a tool killed by SIGPIPE: the reader went away, nothing is wrong
    from brainflops.io.files import describe_os_error

    stderr_line(f"brainflops: cannot write the output: {describe_os_error(exc)}")
    sys.exit(2)


SAMPLING_COMMANDS = frozenset(
    {"compare", "sensitivity", "sweep", "diff", "check", "report", "plot", "backtest"}
    | {"explore", "export-model"}
)
"""The commands that always sample (and import numpy): their processes keep freed memory
(`keep_freed_memory`). `estimate` does so when it starts sampling: a scenario of plain
numbers needs neither numpy nor ctypes."""

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def keep_freed_memory() -> None:
    """Let glibc's malloc keep arrays up to 32 MiB in the heap after they are freed.

    By default it maps each array of more than a few hundred kB afresh and unmaps it when
    freed, so every temporary of a 100,000-sample run faults its pages in again: a report
    of 200 scenarios spent about a tenth of its time doing that in the kernel. This is a
    setting of the whole process, so only the command line makes it (the library, imported
    into someone else's process, never does); the report's workers inherit it.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # numpy imports it too, for every command that samples

    try:
        mallopt = ctypes.CDLL(None).mallopt  # glibc's; absent under musl
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 32 * 1024**2)
    mallopt(_M_TRIM_THRESHOLD, 256 * 1024**2)  # heap freed at its top stays, up to this
