"""The Python API: docs/api.md's examples run, and `import brainflops` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_import_brainflops_loads_neither_numpy_nor_pydantic() -> None:
    code = (
        "import sys, brainflops as bf; heavy = {'numpy', 'pydantic', 'pandas', 'matplotlib'}; "
        "print(sorted(heavy & set(sys.modules))); print(bf.__version__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[0] == "[]"


def test_the_one_liner_of_the_issue() -> None:
    code = (
        "import brainflops as bf; print(bf.estimate('dettmers-2015').stats['compute_flops'].median)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1.075e+21"


def test_the_api_docs_examples_run() -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    docs = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in docs.split("```python\n")[1:]]
    assert len(blocks) >= 4
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), namespace)  # noqa: S102 (the docs' own code)


def test_errors_from_a_dict_name_the_field() -> None:
    import brainflops as bf
    from brainflops.errors import InputError

    data = {"brainflops": 1, "name": "x", "title": "x", "method": "stated"}
    with pytest.raises(InputError, match=r"<dict>: stated\.compute: must be > 0"):
        bf.load({**data, "stated": {"compute": -1}})


def test_notebook_reprs_are_short() -> None:
    import brainflops as bf

    est = bf.estimate("moravec-1998")
    assert repr(est) == "<Estimate moravec-1998: compute 30.3 TFLOP/s, 100,000 samples>"
    html = est._repr_html_()
    assert html.count("<tr>") == 4  # header, compute, memory, one lifetime
    assert "30.3 TFLOP/s" in html


def test_the_package_is_typed() -> None:
    assert (ROOT / "brainflops" / "py.typed").is_file()


def test_validate_json_gives_editors_every_problem(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from tests.conftest import invoke

    assert isinstance(tmp_path, Path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("brainflops: 1\nname: bad\ntitle: bad\nmethod: stated\nstated: {compute: -1}\n")
    result = invoke("validate", str(bad), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == [
        {"path": str(bad), "line": 5, "col": 19, "message": "stated.compute: must be > 0 (got -1)"}
    ]
    good = invoke("validate", "dettmers-2015", "--json")
    assert good.exit_code == 0 and json.loads(good.stdout) == []


def test_metric_is_the_option_and_output_its_hidden_old_name() -> None:
    from tests.conftest import invoke

    new = invoke("sensitivity", "carlsmith-2020", "--metric", "events_per_s", "--json")
    old = invoke("sensitivity", "carlsmith-2020", "--output", "events_per_s", "--json")
    assert new.exit_code == 0 and new.stdout == old.stdout
    assert "--output" not in invoke("sensitivity", "--help").stdout
    assert "--metric" in invoke("diff", "--help").stdout


def test_completion_scripts_and_the_completions_they_ask_for() -> None:
    import os

    from tests.conftest import invoke

    script = invoke("completion", "bash")
    assert script.exit_code == 0 and "_BRAINFLOPS_COMPLETE=complete_bash" in script.stdout
    assert invoke("completion", "tcsh").exit_code == 2

    def completions(words: str, word: int) -> list[str]:
        env = {**os.environ, "_BRAINFLOPS_COMPLETE": "complete_bash"}
        env.update(COMP_WORDS=words, COMP_CWORD=str(word))
        out = subprocess.run(
            [sys.executable, "-c", "from brainflops.cli import main; main()"],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        return out.stdout.split()

    assert completions("brainflops est", 1) == ["estimate"]
    # a scenario argument completes the bundled names
    dettmers = ["dettmers-2015", "dettmers-2015-backprop", "dettmers-2015-text"]
    assert completions("brainflops compare dett", 2) == dettmers


def test_test_tools_are_a_dependency_group_not_a_published_extra() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "test" not in project["project"]["optional-dependencies"]
    assert any(d.startswith("pytest") for d in project["dependency-groups"]["test"])
    assert "Typing :: Typed" in project["project"]["classifiers"]


def test_plot_draws_distributions_with_machines_marked(tmp_path: object) -> None:
    from pathlib import Path

    from brainflops.render.figures import intact
    from tests.conftest import invoke

    pytest.importorskip("matplotlib")
    assert isinstance(tmp_path, Path)
    out = tmp_path / "cdf.svg"
    result = invoke("plot", "carlsmith-2020", "dettmers-2015", "-o", str(out), "-n", "2000")
    assert result.exit_code == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert intact(svg) and "LineShine (HPL FP64)" in svg and "carlsmith-2020" in svg
    density = invoke("plot", "carlsmith-2020", "--pdf", "-n", "2000")
    assert density.exit_code == 0 and "density per decade" in density.stdout
    mine = tmp_path / "mine.svg"
    mine.write_text("mine", encoding="utf-8")
    refused = invoke("plot", "carlsmith-2020", "-o", str(mine))
    assert refused.exit_code == 2 and mine.read_text(encoding="utf-8") == "mine"


def test_log_axes_read_powers_of_ten_past_the_si_prefixes() -> None:
    from brainflops.render.figures import tick_label

    assert tick_label(1e30, "FLOP") == "1 QFLOP"  # Q, quetta: the last SI prefix
    assert tick_label(1e33, "FLOP") == "$10^{33}$ FLOP"  # mathtext: 10 with a superscript 33
    assert tick_label(1e42, "FLOP/s") == "$10^{42}$ FLOP/s"


def test_every_result_has_a_short_repr_html_and_a_long_dataframe() -> None:
    pytest.importorskip("pandas")
    import brainflops as bf

    results = {
        "compare": bf.compare("carlsmith-2020", samples=2_000),
        "diff": bf.diff("carlsmith-2020", "dettmers-2015", samples=2_000),
        "sensitivity": bf.sensitivity("carlsmith-2020", samples=2_000),
        "sweep": bf.sweep("carlsmith-2020", {"factors.neural_backprop": [1, 2]}, samples=1_000),
        "backtest": bf.backtest("top500"),
    }
    for name, result in results.items():
        assert len(repr(result)) < 2_000, name
        assert "<table>" in result._repr_html_(), name
        frame = result.to_pandas()
        assert list(frame.columns) == list(result.COLUMNS) and len(frame) > 0, name
    # the numbers are the JSON's: carlsmith-2020 is 4.55e-4 of LineShine at HPL
    frame = results["compare"].to_pandas()
    row = frame[(frame.name == "LineShine") & (frame.key == "compute_hpl")]
    assert row.set_index("statistic").value["median"] == pytest.approx(1e15 / 2.198e18, rel=1e-3)
    sweep = results["sweep"].to_pandas()
    assert set(sweep.point) == {0, 1} and set(sweep.value) == {1, 2}
