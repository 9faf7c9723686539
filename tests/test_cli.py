"""The command line, in-process (typer's CliRunner) and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, invoke


def test_estimate_dettmers_json() -> None:
    result = invoke("estimate", "dettmers-2015", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["compute_flops"]["median"] == pytest.approx(1.075e21, rel=1e-3)
    assert set(doc["compute_flops"]) == {"p5", "median", "p95", "mean"}
    assert doc["scenario"] == "dettmers-2015"
    assert doc["samples"] == 100_000 and isinstance(doc["seed"], int)
    # 4 B per synapse × (1e8 × 1e5 + 5e10 × 15) synapses = 4 × 1.075e13 = 4.3e13 B
    assert doc["memory_bytes"]["median"] == pytest.approx(4.3e13)


def test_estimate_terminal_output() -> None:
    result = invoke("estimate", "dettmers-2015")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "1.08 ZFLOP/s" in out  # 1.075e21, three significant digits
    assert "43.0 TB" in out
    assert "purkinje" in out and "93.0%" in out  # 1e21 / 1.075e21
    assert "timdettmers.com" in out
    assert "seed: 20150727" in out


def test_json_is_deterministic() -> None:
    first = invoke("estimate", "tests/fixtures/valid/product.yaml", "--json").stdout
    second = invoke("estimate", "tests/fixtures/valid/product.yaml", "--json").stdout
    assert first == second


def test_list() -> None:
    result = invoke("list", "--json")
    assert result.exit_code == 0
    names = [row["name"] for row in json.loads(result.stdout)["scenarios"]]
    assert "dettmers-2015" in names and "dettmers-2015-text" in names
    assert "dettmers-2015" in invoke("list").stdout


def test_schema_is_valid_json_with_the_fields() -> None:
    schema = json.loads(invoke("schema").stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "firing_rate_hz" in schema["$defs"]["Population"]["properties"]
    assert schema["additionalProperties"] is False


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "brainflops" / "data" / "scenario.schema.json").read_text()
    assert committed == invoke("schema").stdout, "run `make schema` and commit the result"


def test_bundled_scenarios_point_at_the_schema() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        first = path.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../brainflops/data/scenario.schema.json"


def test_version() -> None:
    assert invoke("--version").stdout.startswith("brainflops ")


def _modules_after(args: list[str]) -> set[str]:
    """The top-level modules a command imported, and `threads=N`: the threads it started."""
    code = (
        "import sys, threading\nfrom brainflops.cli import app\n"
        f"try:\n    app({args!r}, prog_name='brainflops')\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), "
        "f'threads={threading.active_count() - 1}', file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(out.stderr.split())


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["validate", "dettmers-2015"],
        ["estimate", "--help"],
        # a scenario of plain numbers: evaluated in Python floats, on one thread
        ["estimate", "dettmers-2015"],
        ["estimate", "dettmers-2015", "--json"],
    ],
)
def test_light_commands_do_not_import_numpy(args: list[str]) -> None:
    modules = _modules_after(args)
    assert not modules & {"numpy", "matplotlib", "scipy", "ctypes"}
    assert "threads=0" in modules


def test_an_uncertain_scenario_samples_with_numpy() -> None:
    modules = _modules_after(["estimate", "carlsmith-2020"])
    assert "numpy" in modules and "threads=0" not in modules


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "brainflops", "estimate", "dettmers-2015", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert json.loads(out.stdout)["compute_flops"]["median"] == pytest.approx(1.075e21)


def test_the_command_line_skips_pydantics_plugin_loader() -> None:
    # as the console script runs: main(), which turns pydantic's plugins off
    code = (
        "import sys\nfrom brainflops.cli import main\nsys.argv = ['brainflops', 'validate', "
        "'dettmers-2015']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('importlib.metadata' in sys.modules, file=sys.stderr)\n"
        # anything else asked of the loader comes from pydantic's own, imported then
        "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP\n"
        "print(PYDANTIC_ENTRY_POINT_GROUP, 'importlib.metadata' in sys.modules, file=sys.stderr)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert "1 scenario(s) valid" in out.stdout + out.stderr
    assert out.stderr.splitlines()[-2:] == ["False", "pydantic True"]


def test_a_users_own_plugin_setting_keeps_pydantics_loader() -> None:
    code = (
        "import sys\nfrom brainflops.cli import main\nsys.argv = ['brainflops', 'validate', "
        "'dettmers-2015']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('importlib.metadata' in sys.modules, file=sys.stderr)"
    )
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "some-plugin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert out.stderr.splitlines()[-1] == "True"  # pydantic looked for the other plugins


@pytest.mark.parametrize("written", ["2000", "2_000", "2e3", "2.0e3"])
def test_counts_are_accepted_as_people_write_them(written: str) -> None:
    result = invoke("estimate", "carlsmith-2020", "-n", written, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["samples"] == 2000


@pytest.mark.parametrize("written", ["1.5", "abc", "1e400", "nan"])
def test_a_count_that_is_not_a_whole_number_is_a_usage_error(written: str) -> None:
    result = invoke("estimate", "carlsmith-2020", "-n", written)
    assert result.exit_code == 2
    assert "not a whole number" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("command", "default"), [("estimate", "100,000"), ("sweep", "10,000"), ("plot", "20,000")]
)
def test_help_states_the_default_samples_each_command_uses(command: str, default: str) -> None:
    import inspect

    from brainflops.cli import app

    text = " ".join(invoke(command, "--help").stdout.split())
    assert f"[default: ({default})]" in text
    (callback,) = [
        c.callback
        for c in app.registered_commands
        if c.name == command or (c.callback is not None and c.callback.__name__ == command)
    ]
    assert callback is not None
    used = inspect.signature(callback).parameters["samples"].default
    assert f"{used:,}" == default


COMMAND_NAMES = [
    "export-model", "explore", "backtest", "estimate", "sensitivity", "sweep", "compare",
    "machines", "diff", "check", "report", "validate", "plot", "completion", "schema", "list",
    "data",
]  # fmt: skip


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_a_command_built_alone_is_the_same_command(name: str) -> None:
    """Issue 30: a process builds only the command it runs (`app_for`); its help, options and
    messages are those of the whole command line."""
    from typer.testing import CliRunner

    from brainflops.cli import app_for
    from tests.conftest import ENV

    alone = CliRunner(env=ENV).invoke(app_for([name]), [name, "--help"])
    assert alone.exit_code == 0, alone.stdout
    assert alone.stdout == invoke(name, "--help").stdout
    assert len(app_for([name]).registered_commands + app_for([name]).registered_groups) == 1


@pytest.mark.parametrize(("given", "used"), [(None, "1"), ("2", "2")])
def test_the_command_line_uses_one_blas_thread_unless_told(given: str | None, used: str) -> None:
    # numpy reads the setting when it is imported: main() makes it before any command runs
    code = (
        "import os, sys\nfrom brainflops.cli import main\nsys.argv = ['brainflops', 'validate', "
        "'carlsmith-2020']\ntry:\n    main()\nexcept SystemExit:\n"
        "    pass\nprint(os.environ['OPENBLAS_NUM_THREADS'], file=sys.stderr)"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert "1 scenario(s) valid" in out.stdout + out.stderr
    assert out.stderr.splitlines()[-1] == used


def test_the_commands_that_keep_freed_memory_are_commands() -> None:
    from brainflops.cli_common import SAMPLING_COMMANDS, keep_freed_memory

    assert set(SAMPLING_COMMANDS) <= set(COMMAND_NAMES)
    assert "validate" not in SAMPLING_COMMANDS and "estimate" not in SAMPLING_COMMANDS
    keep_freed_memory()  # glibc's mallopt here; nothing elsewhere; never an error
    keep_freed_memory()


def test_anything_but_one_command_gets_the_whole_command_line() -> None:
    from brainflops.cli import app, app_for

    for argv in ([], ["--help"], ["--version"], ["validat"], ["no-such"]):
        assert app_for(argv) is app
