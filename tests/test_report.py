"""Reports: determinism, atomic writes, --check, figure fingerprints."""

from __future__ import annotations

import functools
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from brainflops.render.figures import fingerprint, read_fingerprint, seal
from tests.conftest import ROOT, SCENARIOS, assert_input_error, invoke, make, snapshot


@pytest.fixture
def existing(tmp_path: Path, made: Path) -> tuple[Path, dict[str, bytes]]:
    """A report already on disk, and its bytes, for the tests that must leave it intact."""
    out = tmp_path / "report"
    shutil.copytree(made, out)
    return out, snapshot(out)


def test_report_contents(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = make(out)
    assert result.exit_code == 0, result.stderr
    files = snapshot(out)
    assert {"index.md", "data.json", "figures/ladder.svg", "figures/timeline.svg"} <= set(files)
    assert "figures/resources.svg" in files and "figures/tornado-carlsmith-2020.svg" in files
    assert "figures/cdf.svg" in files and "figures/parity-carlsmith-2020.svg" in files
    # a point estimate's parity is a curve too (the forecasts' paths), unless history has
    # reached it: moravec-1998 (30 TFLOP/s, June 2002) is one step, its year says it all
    assert "figures/parity-dettmers-2015.svg" in files
    assert "figures/parity-moravec-1998.svg" not in files
    # the backtest: its section and its calibration figure
    assert "figures/calibration.svg" in files
    assert "## How well have these forecasts done?" in files["index.md"].decode()
    # the tornado's text is text, with inputs as a reader says them and each end's value
    tornado = files["figures/tornado-carlsmith-2020.svg"].decode()
    assert "FLOP per event (all)" in tornado and "populations.all" not in tornado
    assert "<title>carlsmith-2020: what drives the uncertainty (exact)</title>" in tornado
    assert re.search(r">p5 0\.2\d+<", tornado) and re.search(r">p95 4\d\d<", tornado)
    index = files["index.md"].decode()
    for name in ("dettmers-2015", "carlsmith-2020", "moravec-1998"):
        assert f"## {name}:" in index
    assert "1.08 ZFLOP/s" in index
    assert "![Brain-compute estimates against machines](figures/ladder.svg)" in index
    data = json.loads(files["data.json"])
    assert data["scenarios"]["dettmers-2015"]["compare"]["compute_flops"][
        "median"
    ] == pytest.approx(1.075e21)
    for rel, content in files.items():
        if rel.endswith(".svg"):
            ET.fromstring(content)  # parses as XML
            assert read_fingerprint(content.decode()) is not None
    assert str(tmp_path) not in index and str(tmp_path) not in files["data.json"].decode()


def test_two_runs_are_identical(tmp_path: Path) -> None:
    make(tmp_path / "a")
    make(tmp_path / "b")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


@pytest.mark.slow
def test_check_fresh_stale_and_missing(
    tmp_path: Path, write: Any, existing: tuple[Path, dict[str, bytes]]
) -> None:
    out, before = existing
    fresh = make(out, "--check")
    assert fresh.exit_code == 0 and "up to date" in fresh.stderr  # a status line, not output
    # a scenario value changes: stale, exit 1, a diff, nothing written
    changed = write(
        "dettmers-2015.yaml",
        (ROOT / "scenarios" / "dettmers-2015.yaml")
        .read_text()
        .replace("firing_rate_hz: 200", "firing_rate_hz: 100", 1)
        .replace("../brainflops", str(ROOT / "brainflops")),
    )
    stale = make(out, "--check", scenarios=[str(changed), *SCENARIOS[1:]])
    assert stale.exit_code == 1
    assert "index.md: stale" in stale.stdout and "data.json: stale" in stale.stdout
    assert "figures/ladder.svg: the data it shows changed" in stale.stdout
    assert "the report is stale; regenerate it with: brainflops report" in stale.stderr
    assert snapshot(out) == before
    # a missing file and an extra one
    (out / "figures" / "timeline.svg").unlink()
    (out / "notes.txt").write_text("mine")
    result = make(out, "--check")
    assert result.exit_code == 1
    assert (
        "timeline.svg: missing" in result.stdout
        and "notes.txt: not part of the report" in result.stdout
    )
    nothing = make(tmp_path / "nowhere", "--check")
    assert nothing.exit_code == 1 and "no report here" in nothing.stdout
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.slow
def test_fingerprint_ignores_svg_bytes_but_not_data(
    existing: tuple[Path, dict[str, bytes]],
) -> None:
    out, _ = existing
    ladder = out / "figures" / "timeline.svg"  # drawn by matplotlib
    text = ladder.read_text()
    # another matplotlib would write other bytes (sealed) for the same data: still fresh
    ladder.write_text(seal(text.replace("<metadata>", "<metadata><!-- drawn elsewhere -->")))
    assert make(out, "--check").exit_code == 0
    # another data fingerprint, sealed as if brainflops had drawn it: stale
    other = re.sub(r"data-sha256: [0-9a-f]{64}", "data-sha256: " + "0" * 64, text)
    ladder.write_text(seal(other))
    result = make(out, "--check")
    assert result.exit_code == 1 and "the data it shows changed" in result.stdout
    # the same data with a script slipped in by hand: stale, not "up to date"
    ladder.write_text(text.replace("</svg>", "<script>alert(1)</script></svg>"))
    result = make(out, "--check")
    assert result.exit_code == 1 and "timeline.svg: changed by hand" in result.stdout
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})


@pytest.mark.slow
def test_a_check_draws_only_the_figures_whose_data_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: tuple[Path, dict[str, bytes]]
) -> None:
    """A check compares figures by their data, so it draws none of a fresh report (the
    report's matplotlib figures were two thirds of checking it), only those whose data
    changed. (That it keeps none of what it read: the test after this one.)"""
    from brainflops.render.figure_cache import forget_figures

    out, _ = existing
    timeline = out / "figures" / "timeline.svg"
    # another matplotlib's bytes for the same data, sealed: fresh, and read as they are
    elsewhere = seal(timeline.read_text().replace("<metadata>", "<metadata><!-- elsewhere -->"))
    timeline.write_text(elsewhere)
    forget_figures()  # a process that has drawn no figure yet
    drawn = counted_draws(monkeypatch)
    assert make(out, "--check").exit_code == 0
    assert drawn == []
    # the data of dettmers-2015's figures changes: those are drawn, and reported stale
    changed = tmp_path / "dettmers-2015.yaml"
    changed.write_text(
        (ROOT / "scenarios" / "dettmers-2015.yaml")
        .read_text()
        .replace("firing_rate_hz: 200", "firing_rate_hz: 100", 1)
    )
    stale = make(out, "--check", scenarios=[str(changed), *SCENARIOS[1:]])
    assert stale.exit_code == 1 and "figures/ladder.svg: the data it shows changed" in stale.stdout
    assert "ladder" in drawn and "calibration" not in drawn


def test_what_a_check_reads_stands_in_only_while_it_runs(
    existing: tuple[Path, dict[str, bytes]],
) -> None:
    """Figures a check's workers send back may be the folder's own: nothing is kept then."""
    from brainflops.render import figure_cache

    out, _ = existing
    timeline = (out / "figures" / "timeline.svg").read_text()
    data = read_fingerprint(timeline)
    assert data is not None
    job, key = ("timeline.svg", "timeline", {}), ("timeline", data)
    figure_cache.forget_figures()
    with figure_cache.checking(out):
        assert figure_cache.at_hand(job, key) == timeline
        figure_cache.remember(key, timeline)  # as if a worker had drawn it
    assert figure_cache.at_hand(job, key) is None


FIGURE_FUNCTIONS = (
    "ladder", "timeline", "resources", "cdf_overlay", "training", "calibration",
    "parity_curves", "tornado", "sweep",
)  # fmt: skip
"""Every function that draws a figure of the report."""


def counted_draws(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each figure drawn from now on, in order (the figures still drawn)."""
    from brainflops.render import figures

    drawn: list[str] = []
    for name in FIGURE_FUNCTIONS:
        real = getattr(figures, name)

        @functools.wraps(real)  # the report names a figure's function by its __name__
        def counted(data: Any, real: Any = real, name: str = name) -> str:
            drawn.append(name)
            return str(real(data))

        monkeypatch.setattr(figures, name, counted)
    return drawn


def test_a_failing_scenario_leaves_the_old_report(
    tmp_path: Path, write: Any, existing: tuple[Path, dict[str, bytes]]
) -> None:
    out, before = existing
    bad = write(
        "bad.yaml",
        "brainflops: 1\nname: bad\ntitle: bad\nmethod: functional\n"
        "functional: {reference_flops: -1}\n",
    )
    result = make(out, scenarios=[*SCENARIOS, str(bad)])
    assert_input_error(result, f"{bad}:5:31: functional.reference_flops: must be > 0")
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_a_failing_write_leaves_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: tuple[Path, dict[str, bytes]]
) -> None:
    out, before = existing
    calls = {"n": 0}
    real = Path.write_text

    def failing(self: Path, *args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    result = make(out)
    assert_input_error(result, "cannot write the report: No space left on device")
    monkeypatch.undo()
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_missing_matplotlib_is_an_input_error(
    monkeypatch: pytest.MonkeyPatch, existing: tuple[Path, dict[str, bytes]]
) -> None:
    from brainflops.render.figure_cache import forget_figures

    out, before = existing
    forget_figures()  # a process that has drawn no figure yet
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert_input_error(
        make(out),
        "figures need matplotlib, a dependency of brainflops that is missing here: "
        "pip install matplotlib",
    )
    monkeypatch.undo()
    assert snapshot(out) == before


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    result = make(tmp_path / "r", scenarios=[SCENARIOS[0], "dettmers-2015"])
    assert_input_error(result, "scenario name 'dettmers-2015' is also used by")


@pytest.mark.slow
def test_committed_report_is_fresh() -> None:
    result = invoke(
        "report", str(ROOT / "scenarios"), "-o", str(ROOT / "docs" / "report"), "--check"
    )
    assert result.exit_code == 0, result.stdout + result.stderr


def test_no_absolute_path_reaches_the_report(tmp_path: Path) -> None:
    # a scenario outside the working folder is shown by its file name
    scenario = tmp_path / "mine.yaml"
    scenario.write_text((ROOT / "scenarios" / "moravec-1998.yaml").read_text())
    out = tmp_path / "report"
    assert invoke("report", str(scenario), "-o", str(out)).exit_code == 0
    for name in ("index.md", "data.json"):
        text = (out / name).read_text()
        assert str(tmp_path) not in text and "mine.yaml" in text, name


def test_a_pipe_in_a_machine_name_stays_in_its_cell(tmp_path: Path) -> None:
    machines = tmp_path / "m.yaml"
    machines.write_text(
        "machines:\n  - {name: 'a | b', list_date: '2030-06', hpl_rmax_flops: 1e19,"
        " sources: {hpl_rmax_flops: x}}\n"
    )
    out = tmp_path / "report"
    result = invoke("report", "moravec-1998", "-o", str(out), "--machines", str(machines))
    assert result.exit_code == 0, result.stderr
    assert "**Against a \\| b** (2030-06" in (out / "index.md").read_text()


def test_first_difference_shows_one_bounded_region() -> None:
    from brainflops.render.report import first_difference

    old = "\n".join(f"line {i}" for i in range(100_000))
    new = old.replace("line 50000\n", "line fifty thousand\nline 50000.5\n")
    lines = first_difference("index.md", old, new)
    # one line before, the one removed, the two added: lines 50,000-50,001 of the old text
    assert lines == [
        "--- index.md (committed)",
        "+++ index.md (now)",
        "@@ -50000,2 +50000,3 @@",
        " line 49999",
        "-line 50000",
        "+line fifty thousand",
        "+line 50000.5",
    ]
    every = first_difference("x", "a\n" * 10, "b\n" * 10, max_lines=8)
    # 3 header lines, 10 removed and 10 added: 23 lines, 8 shown
    assert len(every) == 9 and every[-1] == "... (15 more diff lines not shown)"
    assert first_difference("x", "a\nb", "a\nb\nc")[2:] == ["@@ -2,1 +2,2 @@", " b", "+c"]
    # a page's data is one long line: cut to 160 characters around the change, which
    # starts at column 5,000; the cut starts 160 // 3 = 53 characters before it
    long_old = "x" * 5_000 + "old" + "y" * 5_000
    long_new = "x" * 5_000 + "new" + "y" * 5_000
    _, _, _, minus, plus = first_difference("page.html", long_old, long_new)
    assert minus == "-…" + "x" * 53 + "old" + "y" * 104 + "…"
    assert plus == "+…" + "x" * 53 + "new" + "y" * 104 + "…"


@pytest.mark.slow
def test_worker_processes_give_the_same_report_byte_for_byte() -> None:
    from brainflops.model.data import load_machines
    from brainflops.render.report import PARALLEL_FROM, analyse, render

    refs = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))[:PARALLEL_FROM]
    machines = load_machines(None)
    alone = render(analyse(refs, machines, 2000, 7, workers=1), machines, 2000, 7, workers=1)
    shared = render(analyse(refs, machines, 2000, 7, workers=2), machines, 2000, 7, workers=2)
    assert alone == shared


def test_worker_processes_report_the_first_error_in_order(tmp_path: Path, write: Any) -> None:
    from brainflops.errors import InputError
    from brainflops.model.data import load_machines
    from brainflops.render.report import PARALLEL_FROM, analyse

    refs = [f"wbe-2008-level{n}" for n in range(3, 3 + PARALLEL_FROM - 2)]
    broken = write("broken.yaml", "brainflops: 1\nname: [\n")
    twice = str(ROOT / "scenarios" / "wbe-2008-level3.yaml")
    # a duplicate name comes before the broken file: it is the error a sequential run meets
    with pytest.raises(InputError, match="'wbe-2008-level3' is also used by"):
        analyse([*refs, twice, str(broken)], load_machines(None), 1000, 1, workers=2)
    with pytest.raises(InputError, match=r"broken\.yaml:3:1: YAML error"):
        analyse([*refs, str(broken), twice], load_machines(None), 1000, 1, workers=2)


@pytest.mark.slow
def test_a_second_report_in_one_process_draws_no_figure_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A figure is a pure function of its data: remembered by (function, fingerprint), so a
    report and its --check in one process draw each once; other data draws anew."""
    from brainflops.model.data import load_machines
    from brainflops.render import report
    from brainflops.render.figure_cache import forget_figures

    refs = [str(ROOT / "scenarios" / f"{name}.yaml") for name in ("carlsmith-2020", "cotra-2020")]
    machines = load_machines(None)

    def made(seed: int) -> dict[str, str]:
        analysed = report.analyse(refs, machines, 2000, seed, workers=1)
        return report.render(analysed, machines, 2000, seed, workers=1)

    forget_figures()
    first = made(1)
    drawn = counted_draws(monkeypatch)
    assert made(1) == first
    assert drawn == []
    made(2)  # another seed: the figures of sampled data are drawn anew (an exact one's not)
    assert {"timeline", "sweep"} <= set(drawn)
