"""Layer 6: the command line. Thin: parse arguments, call the library, render, map errors.

Heavy modules (numpy, pydantic models, matplotlib) are imported inside the commands, so that
`brainflops --help` and `brainflops validate` start fast; ruff's TID253 enforces it.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import gc
import importlib
import io
import os
import signal
import sys
import types
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

# A command's start-up creates about 100,000 objects (typer's and pydantic's schemas, the
# scenario's validators), nearly none of them garbage: at Python's default threshold of 700
# the collector scans them some 70 times as they come, ~10 ms of every command. The command
# line collects the young generation per 100,000 new objects instead; the library, imported
# into someone else's process, leaves the setting alone.
YOUNG_GC_THRESHOLD = 100_000
gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])

import typer

from brainflops import __version__, cli_data, cli_explore, cli_forecasts
from brainflops.cli_common import (
    SAMPLING_COMMANDS,
    JsonOpt,
    MachinesOpt,
    PlotSamplesOpt,
    SamplesOpt,
    ScenarioArg,
    ScenariosArg,
    SeedOpt,
    SetOpt,
    SweepSamplesOpt,
    app,
    batch,
    keep_freed_memory,
    load,
    new_console,
    output_failed,
    refs,
    run_estimate,
    show,
    stderr_line,
    user_errors,
    write_json,
)
from brainflops.defaults import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    pass


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"brainflops {__version__}\n")
        raise typer.Exit


COMMAND_MODULES = (cli_data, cli_explore, cli_forecasts)
"""Modules whose commands register on `app` when imported (`data`, `explore`,
`export-model`, `backtest`)."""


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """brainflops: the brain's compute, auditable."""


@app.command()
def estimate(
    scenario: ScenarioArg,
    json: JsonOpt = False,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
    set_: SetOpt = None,
) -> None:
    """Estimate compute, memory, events and bandwidth of a scenario, with uncertainty."""
    with user_errors():
        show(json, "estimate", run_estimate(scenario, set_, samples, seed, json), overrides=set_)


@app.command()
def sensitivity(
    scenario: ScenarioArg,
    metric: Annotated[str, typer.Option("--metric", help="The output to explain.")] = (
        "compute_flops"
    ),
    output: OldOutputOpt = None,
    json: JsonOpt = False,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
    set_: SetOpt = None,
) -> None:
    """Rank uncertain inputs by their share of the variance of log10(output)."""
    with user_errors():
        from brainflops.analysis.sensitivity import sensitivity as run

        chosen = _metric(metric, output)
        loaded = load(scenario, set_)
        result = run(loaded.scenario, chosen, samples, seed, where=loaded.document)
        show(json, "sensitivity", result, overrides=set_)


@app.command()
def sweep(
    scenario: ScenarioArg,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="PATH=V1,V2,... (repeatable: a grid). Values are YAML: numbers or ranges.",
        ),
    ],
    metric: Annotated[
        str, typer.Option("--metric", help="The output the table and figure show.")
    ] = "compute_flops",
    output: OldOutputOpt = None,
    json: JsonOpt = False,
    csv: Annotated[bool, typer.Option("--csv", help="One CSV row per point.")] = False,
    figure: FigureOpt = None,
    samples: SweepSamplesOpt = 10_000,
    seed: SeedOpt = DEFAULT_SEED,
    set_: SetOpt = None,
) -> None:
    """The outputs and parity years over a grid of values (common random numbers)."""
    with user_errors():
        from brainflops.analysis.sweep import parse_vary
        from brainflops.analysis.sweep import sweep as run
        from brainflops.errors import InputError
        from brainflops.model.data import bundled_machines

        output = _metric(metric, output)
        if json and csv:
            raise InputError.at("--csv", "give --json or --csv, not both")
        loaded = load(scenario, set_)
        result = run(
            loaded.document, [parse_vary(v) for v in vary], bundled_machines(), samples, seed
        )
        if figure is not None:
            from brainflops.render import figures
            from brainflops.render.figure_data import sweep_data

            _write_figure(figure, figures.sweep(sweep_data(result, output)))
        if csv:
            import csv as csv_module
            import io

            from brainflops.render.jsonout import sweep_rows

            rows = sweep_rows(result)
            buffer = io.StringIO()
            writer = csv_module.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            sys.stdout.write(buffer.getvalue())
            return
        show(json, "sweep", result, overrides=set_)


FigureOpt = Annotated[
    Path | None,
    typer.Option(
        "-o", "--figure", help="Write the figure to this SVG: a new file, or one brainflops wrote."
    ),
]


def _write_figure(path: Path, svg: str) -> None:
    """A figure goes to a new file or over brainflops' own, never over a file of the user."""
    from brainflops.io.files import write_own_file
    from brainflops.render.figures import intact

    write_own_file(path, svg, intact, "figure")
    stderr_line(f"wrote {path}")


OldOutputOpt = Annotated[
    str | None, typer.Option("--output", hidden=True, help="The old name of --metric.")
]


def _metric(metric: str, output: str | None) -> str:
    """--metric (or its old name, --output): one of the outputs."""
    from brainflops.errors import InputError
    from brainflops.model.scenario import OUTPUTS

    chosen = output if output is not None else metric
    if chosen not in OUTPUTS:
        raise InputError.at("--metric", f"unknown output {chosen!r}; one of {', '.join(OUTPUTS)}")
    return chosen


@app.command()
def compare(
    scenario: ScenarioArg,
    machine: Annotated[
        list[str] | None,
        typer.Option("--machine", help="Compare with this system (repeatable)."),
    ] = None,
    projection: Annotated[
        list[str] | None,
        typer.Option(
            "--projection",
            metavar="NAME[=SPEC]",
            help="Show only this projection, or add one: NAME={model: doubling, ...} (repeatable).",
        ),
    ] = None,
    machines: MachinesOpt = None,
    json: JsonOpt = False,
    brief: Annotated[
        bool, typer.Option("--brief", help="Print only the answer (the first lines).")
    ] = False,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
    set_: SetOpt = None,
) -> None:
    """Compare a scenario with supercomputers, and project when the #1 system matches it."""
    with user_errors():
        from brainflops.analysis.compare import compare as run
        from brainflops.model.data import load_machines
        from brainflops.model.load import parse_projection_option

        selected: list[str] = []
        added = {}
        for option in projection or ():
            name, spec = parse_projection_option(option)
            selected.append(name)
            if spec is not None:
                added[name] = spec
        est = run_estimate(scenario, set_, samples, seed, json)
        result = run(est, load_machines(machines), machine or (), selected, added)
        kind = "answer" if brief and not json else "compare"
        show(json, kind, result, overrides=set_, machines=machines)


@app.command()
def machines(machines: MachinesOpt = None, json: JsonOpt = False) -> None:
    """List the reference systems and the TOP500 #1 history, with sources."""
    with user_errors():
        from brainflops.model.data import load_machines, top500_number1

        show(json, "machines", load_machines(machines), top500_number1(), machines=machines)


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="The first scenario (file or bundled name).")],
    b: Annotated[str, typer.Argument(help="The second scenario.")],
    metric: Annotated[
        str, typer.Option("--metric", help="The output whose attribution to show.")
    ] = "compute_flops",
    output: OldOutputOpt = None,
    json: JsonOpt = False,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
    set_: SetOpt = None,
) -> None:
    """What differs between two scenarios, and how much each difference moves each output.

    --set applies to both scenarios.
    """
    with user_errors():
        from brainflops.analysis.diff import diff as run

        output = _metric(metric, output)
        result = run(run_estimate(a, set_, samples, seed), run_estimate(b, set_, samples, seed))
        shown = () if json else (output,)  # JSON has every output
        show(json, "diff", result, *shown, overrides=set_)


@app.command()
def check(
    scenarios: ScenariosArg = None,
    machines: MachinesOpt = None,
    json: JsonOpt = False,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    """Verify that scenarios reproduce the figures their sources published (exit 1 if not)."""
    with user_errors():
        from brainflops.analysis.check import check_estimate
        from brainflops.errors import CheckFailed

        refs, systems = batch(scenarios, machines)
        results = []
        for ref in refs:
            results.extend(check_estimate(run_estimate(ref, None, samples, seed), systems))
        show(json, "check", results, samples, seed, machines=machines)
        failed = [r for r in results if not r.passed]
        if failed:
            raise CheckFailed(f"{len(failed)} of {len(results)} checks failed")


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="The report folder.")],
    scenarios: ScenariosArg = None,
    check_only: Annotated[
        bool,
        typer.Option(
            "--check", help="Compare with the folder instead of writing; exit 1 if stale."
        ),
    ] = False,
    machines: MachinesOpt = None,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    """Write a deterministic report (index.md, index.html, data.json, SVG figures) that CI can
    check."""
    with user_errors():
        from brainflops.errors import CheckFailed
        from brainflops.io.reportdir import check_report_folder, write_report_folder
        from brainflops.render.figure_cache import checking
        from brainflops.render.report import analyse, render, stale_files

        if not check_only:
            check_report_folder(out)
        refs, systems = batch(scenarios, machines)
        # a check compares figures by their data: those unchanged are read, not drawn
        with checking(out) if check_only else contextlib.nullcontext():
            reports = analyse(refs, systems, samples, seed)
            shown = None if machines is None else str(machines)
            files = render(reports, systems, samples, seed, shown)
        if check_only:
            stale = stale_files(files, out)
            if stale:
                for line in stale:
                    sys.stdout.write(f"{line}\n")
                raise CheckFailed(
                    f"{out}: the report is stale; regenerate it with: "
                    f"brainflops report {' '.join(scenarios or ())} -o {out}"
                )
            stderr_line(f"{out}: the report is up to date ({len(files)} files)")
            return
        write_report_folder(files, out)
        stderr_line(f"wrote {len(files)} files to {out}/ (open {out}/index.html or index.md)")


@app.command()
def validate(
    scenarios: Annotated[
        list[str], typer.Argument(help="Scenario files, bundled names or directories.")
    ],
    json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print [{path, line, col, message}] (for editors and CI annotations)."
        ),
    ] = False,
) -> None:
    """Check scenario files; print every error as path:line:col: message."""
    with user_errors():
        from brainflops.errors import InputError, Problem

        problems: list[Problem] = []
        files = refs(scenarios)
        for ref in files:
            try:
                load(ref, None)
            except InputError as exc:
                problems.extend(exc.problems)
        if json:
            found = [
                {"path": p.path, "line": p.line, "col": p.col, "message": p.message}
                for p in problems
            ]
            import json as json_module

            sys.stdout.write(json_module.dumps(found, indent=2) + "\n")
            if problems:
                raise typer.Exit(2)
            return
        if problems:
            raise InputError(problems)
        stderr_line(f"{len(files)} scenario(s) valid")


@app.command()
def plot(
    scenarios: Annotated[list[str], typer.Argument(help="Scenario files or bundled names.")],
    metric: Annotated[str, typer.Option("--metric", help="The output to draw.")] = (
        "compute_flops"
    ),
    pdf: Annotated[bool, typer.Option("--pdf/--cdf", help="A density instead of a CDF.")] = False,
    figure: FigureOpt = None,
    samples: PlotSamplesOpt = 20_000,
    seed: SeedOpt = DEFAULT_SEED,
    set_: SetOpt = None,
) -> None:
    """Draw the distribution of an output for one or more scenarios, machines marked."""
    with user_errors():
        from brainflops.analysis.compare import newest, newest_ai_leader
        from brainflops.model.data import bundled_machines
        from brainflops.render import figures

        output = _metric(metric, None)
        draws = {}
        for ref in refs(scenarios):
            est = run_estimate(ref, set_, samples, seed)
            draws[est.scenario.name] = est.draws.get(output)
        lines: list[tuple[str, float]] = []
        if output == "compute_flops":
            top, leader = newest(bundled_machines()), newest_ai_leader()
            if top.hpl_rmax_flops:
                lines.append((f"{top.name} (HPL FP64)", top.hpl_rmax_flops))
            if leader.bf16_dense_flops:
                lines.append((f"{leader.name} (BF16 peak)", leader.bf16_dense_flops))
        fig = figures.distribution(draws, output, lines, pdf=pdf)
        data = {"scenarios": sorted(draws), "output": output, "pdf": pdf, "samples": samples}
        svg = figures.distribution_svg(data, fig)
        if figure is None:  # without -o, the SVG is the output
            sys.stdout.write(svg)
            return
        _write_figure(figure, svg)


@app.command()
def completion(
    shell: Annotated[str, typer.Argument(help="bash, zsh or fish.")],
) -> None:
    """Print a shell completion script: eval "$(brainflops completion bash)"."""
    with user_errors():
        from typer._completion_shared import get_completion_script

        from brainflops.errors import InputError

        if shell not in ("bash", "zsh", "fish"):
            raise InputError.at(shell, "unknown shell; one of bash, zsh, fish")
        script = get_completion_script(
            prog_name="brainflops", complete_var=COMPLETE_VAR, shell=shell
        )
        sys.stdout.write(script.rstrip("\n") + "\n")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    with user_errors():
        from brainflops.model.scenario import scenario_json_schema

        write_json(scenario_json_schema())


@app.command("list")
def list_(json: JsonOpt = False) -> None:
    """List the bundled scenarios."""
    with user_errors():
        from brainflops.model.load import bundled_dir, load_scenario

        rows: list[dict[str, Any]] = []
        for path in sorted(bundled_dir().glob("*.yaml")):
            s = load_scenario(str(path)).scenario
            year = s.source.year if s.source else None
            rows.append(
                {
                    "name": s.name,
                    "title": s.title,
                    "year": year,
                    "method": s.method,
                    "source_unit": s.source_unit,
                }
            )
        if json:
            write_json({"scenarios": rows})
            return
        from rich.markup import escape
        from rich.table import Table

        from brainflops.render.terminal import print_table

        table = Table("name", "year", "method (unit)", "title")
        for row in rows:
            shown = "" if row["year"] is None else str(row["year"])
            unit = row["source_unit"].replace("_", " ")
            method = row["method"] + ("" if unit == "flop" else f" ({unit})")
            table.add_row(row["name"], shown, method, escape(row["title"]))
        print_table(new_console(), table)


class _Stdout:
    """stdout, with every failure to write it marked as an output error (not a bug).

    A closed stdout (`>&-`) is None in Python: writing to it then fails the same way.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _failed(self, exc: OSError) -> NoReturn:
        exc.brainflops_stdout = True  # type: ignore[attr-defined]
        raise exc

    def write(self, text: str) -> int:
        if self._stream is None:
            self._failed(OSError(errno.EBADF, "stdout is closed"))
        try:
            return int(self._stream.write(text))
        except OSError as exc:
            self._failed(exc)

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except OSError as exc:
            self._failed(exc)

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _prepare_streams() -> None:
    """No encoding or closed stream may turn output into a traceback."""
    if sys.stderr is None:
        sys.stderr = io.StringIO()  # nowhere to write: messages are dropped, exit codes stay
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        if isinstance(stream, io.TextIOWrapper):
            with suppress(OSError):  # a descriptor closed under us: writing it will say so
                stream.reconfigure(errors=errors)
    sys.stdout = _Stdout(sys.stdout)


def _terminate(signum: int, _frame: object) -> None:
    """SIGTERM ends the run like Ctrl-C, so that clean-ups (a report's temp folder) run."""
    raise SystemExit(128 + signum)


_PLUGIN_LOADER = "pydantic.plugin._loader"


def _no_pydantic_plugin_loader() -> None:
    """With plugins off, give pydantic a plugin loader that finds none.

    pydantic's own loader imports importlib.metadata (and with it email, socket, zipfile:
    ~10 ms of every command) before it reads PYDANTIC_DISABLE_PLUGINS. Anything else a
    later pydantic asks of the loader comes from the real one, imported then.
    """
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") != "__all__" or _PLUGIN_LOADER in sys.modules:
        return
    loader = types.ModuleType(_PLUGIN_LOADER)

    def get_plugins() -> tuple[()]:
        return ()

    def real(name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like
            raise AttributeError(name)
        if sys.modules.get(_PLUGIN_LOADER) is loader:
            del sys.modules[_PLUGIN_LOADER]
        return getattr(importlib.import_module(_PLUGIN_LOADER), name)

    loader.get_plugins = get_plugins  # type: ignore[attr-defined]
    loader.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[_PLUGIN_LOADER] = loader


COMPLETE_VAR = "_BRAINFLOPS_COMPLETE"
"""Set by the scripts of `brainflops completion` when the shell asks for completions."""


def _command_name(info: typer.models.CommandInfo) -> str:
    assert info.callback is not None
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _group_name(info: typer.models.TyperInfo) -> str | None:
    name = info.name if isinstance(info.name, str) else None
    instance = info.typer_instance
    return name or (instance.info.name if instance is not None else None)


def app_for(argv: list[str]) -> typer.Typer:
    """The command line with only the command `argv` names, or all of it (for --help, an
    option, a typo): typer builds a click object for every command it has at each start,
    about 12 ms for all of them and 1 ms for one."""
    name = argv[0] if argv else ""
    commands = [c for c in app.registered_commands if _command_name(c) == name]
    groups = [g for g in app.registered_groups if _group_name(g) == name]
    if len(commands) + len(groups) != 1:
        return app
    one = copy.copy(app)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def main() -> None:
    # pydantic looks up plugins through every installed package's entry points (~12 ms):
    # they would only instrument brainflops' own models, so the command line skips them
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _no_pydantic_plugin_loader()
    # numpy's OpenBLAS starts a thread per core at import, and each busy-waits a while for
    # work: ~60 ms of CPU (measured here) taken from the sampling threads. brainflops only
    # multiplies small matrices, so its commands use one BLAS thread unless told otherwise.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if COMPLETE_VAR in os.environ:  # the shell asks for completions: teach click the shells
        from typer._completion_classes import completion_init

        completion_init()
    _prepare_streams()
    signal.signal(signal.SIGTERM, _terminate)
    code: int | str | None = 0
    try:
        try:
            named = None if COMPLETE_VAR in os.environ else sys.argv[1:2]
            if named and named[0] in SAMPLING_COMMANDS:
                keep_freed_memory()
            app_for(named or [])(prog_name="brainflops")
        except SystemExit as exc:
            code = exc.code
        except KeyboardInterrupt:
            stderr_line("interrupted")
            code = 130
        sys.stdout.flush()
    except OSError as exc:
        output_failed(exc)
    # the process is about to end: its objects need no last collection (~40 ms at exit
    # after a run that built pydantic's validators and numpy's arrays)
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
