"""The Python API: what the CLI does, from a notebook (docs/api.md).

Every function takes a scenario as a bundled name, a path, a YAML string or a dict (or an
already loaded Scenario), with the same located errors as the CLI (`InputError`, whose
`str()` is `path:line:col: message`). Results are the library's own objects; nothing here
prints.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brainflops.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from brainflops.engine.core import Estimate as _Estimate
from brainflops.engine.run import estimate as _estimate
from brainflops.errors import BrainflopsError, InputError
from brainflops.io.yaml import Document, parse_yaml
from brainflops.model.load import (
    SCENARIO_LIMITS,
    apply_set,
    load_document,
    merged_document,
    resolve_extends,
    resolve_ref,
    validated,
)
from brainflops.model.scenario import OUTPUTS, Scenario
from brainflops.render.units import LABELS, UNITS, si

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from brainflops.model.data import DataSet
    from brainflops.model.machines import MachinesFile
    from brainflops.notebook import Backtest, Comparison, Diff, Sensitivity, Sweep

Source = str | Path | Mapping[str, Any] | Scenario
"""A bundled name, a path, a YAML string, a dict, or a loaded Scenario."""


@dataclasses.dataclass(frozen=True)
class Estimate(_Estimate):
    """An estimate, with what a notebook wants of it: a summary, a DataFrame, a picture."""

    def summary(self) -> dict[str, Any]:
        """The same plain dict as `brainflops estimate --json`."""
        from brainflops.render.jsonout import estimate_document

        return estimate_document(self)

    def to_pandas(self) -> Any:
        """One row per known output: p5, median, p95, mean (needs pandas)."""
        try:
            import pandas as pd  # type: ignore[import-not-found,import-untyped,unused-ignore]
        except ImportError:
            raise BrainflopsError(
                "to_pandas needs pandas: pip install 'brainflops[pandas]'"
            ) from None
        rows = {k: s.as_dict() for k, s in self.stats.items() if s is not None}
        return pd.DataFrame.from_dict(rows, orient="index")[["p5", "median", "p95", "mean"]]

    def plot(self, output: str = "compute_flops") -> Figure:
        """The distribution of one output on a log axis (a CDF), as a matplotlib Figure."""
        from brainflops.render.figures import distribution

        figure: Figure = distribution({self.scenario.name: self.draws.get(output)}, output)
        return figure

    def _lines(self) -> list[tuple[str, str, str]]:
        rows = []
        for name in OUTPUTS:
            s = self.stats[name]
            if s is None:
                continue
            unit = UNITS[name]
            span = "" if s.p5 == s.p95 else f"{si(s.p5, unit)} – {si(s.p95, unit)}"
            rows.append((LABELS[name], si(s.median, unit), span))
        return rows

    def __repr__(self) -> str:
        compute = self.stats["compute_flops"]
        shown = "" if compute is None else f": compute {si(compute.median, 'FLOP/s')}"
        return f"<Estimate {self.scenario.name}{shown}, {self.samples:,} samples>"

    def _repr_html_(self) -> str:
        from html import escape

        body = "".join(
            f"<tr><td>{escape(a)}</td><td>{escape(b)}</td><td>{escape(c)}</td></tr>"
            for a, b, c in self._lines()
        )
        return (
            f"<p><b>{escape(self.scenario.name)}</b>: {escape(self.scenario.title)} "
            f"({self.samples:,} samples, seed {self.seed})</p><table>"
            "<tr><th>output</th><th>median</th><th>90% interval</th></tr>"
            f"{body}</table>"
        )


def _document(source: Source, overrides: Sequence[str]) -> Document:
    if isinstance(source, Scenario):
        data = source.model_dump(mode="json", exclude_none=True)
        doc = Document(path=f"<{source.name}>", data=data, values={}, keys={})
    elif isinstance(source, Mapping):
        doc = Document(path="<dict>", data=dict(source), values={}, keys={})
    elif isinstance(source, str) and ("\n" in source or source.lstrip().startswith("{")):
        doc = parse_yaml(source, "<string>", SCENARIO_LIMITS)
    else:
        return load_document(str(source), overrides)[0]
    parent = doc.data.get("extends")
    if isinstance(parent, str):  # relative to the working folder, as on the command line
        doc = merged_document(doc, resolve_extends(resolve_ref(parent, Path.cwd())))
    for assignment in overrides:
        doc = apply_set(doc, assignment)
    return doc


def _sets(set: Mapping[str, Any] | Sequence[str] | None) -> list[str]:
    """`set={"factors.neural_backprop": 2}` or `set=["factors.neural_backprop=2"]`."""
    if set is None:
        return []
    if isinstance(set, Mapping):
        import json

        return [f"{k}={json.dumps(v)}" for k, v in set.items()]
    return list(set)


def load(source: Source, set: Mapping[str, Any] | Sequence[str] | None = None) -> Scenario:
    """A validated scenario from a name, a path, a YAML string or a dict (`set`: overrides)."""
    if isinstance(source, Scenario) and not set:
        return source
    return validated(_document(source, _sets(set)))


def estimate(
    source: Source,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    set: Mapping[str, Any] | Sequence[str] | None = None,
    *,
    on_sampling: Callable[[], object] | None = None,
    progress: Callable[[int, int, int], object] | None = None,
) -> Estimate:
    """Every output of a scenario, as draws (`.draws`) and summaries (`.stats`).

    `on_sampling` is called once the scenario turns out to need sampling (a scenario of
    plain numbers is evaluated at once, without numpy); `progress(done, total, bytes)`
    before the first chunk of samples and after each (`bytes`: what the run's arrays need).
    """
    doc = None if isinstance(source, Scenario) and not set else _document(source, _sets(set))
    scenario = source if doc is None else validated(doc)
    assert isinstance(scenario, Scenario)
    result = _estimate(
        scenario, samples, seed, where=doc, on_sampling=on_sampling, progress=progress
    )
    return Estimate(**{f.name: getattr(result, f.name) for f in dataclasses.fields(result)})


def compare(
    source: Source,
    *,
    machines: str | Path | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    set: Mapping[str, Any] | Sequence[str] | None = None,
    machine: Sequence[str] = (),
) -> Comparison:
    """Against the newest TOP500 #1, the leading AI system and Fugaku (or `machine` names),
    with parity years; `machines` adds a YAML file of your own."""
    est = estimate(source, samples, seed, set)
    from brainflops.analysis.compare import compare as _compare  # only what a call needs
    from brainflops.notebook import Comparison, wrapped

    return wrapped(_compare(est, _machines(machines), machine), Comparison)  # type: ignore[no-any-return]


def sensitivity(
    source: Source,
    output: str = "compute_flops",
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    set: Mapping[str, Any] | Sequence[str] | None = None,
) -> Sensitivity:
    """Which uncertain input drives an output's spread."""
    if output not in OUTPUTS:
        raise InputError.at("output", f"unknown output {output!r}; one of {', '.join(OUTPUTS)}")
    from brainflops.analysis.sensitivity import explain
    from brainflops.notebook import Sensitivity, wrapped

    return wrapped(explain(estimate(source, samples, seed, set), output), Sensitivity)  # type: ignore[no-any-return]


def diff(
    a: Source,
    b: Source,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    set: Mapping[str, Any] | Sequence[str] | None = None,
) -> Diff:
    """What differs between two scenarios and how much each difference moves each output."""
    from brainflops.analysis.diff import diff as _diff
    from brainflops.notebook import Diff, wrapped

    found = _diff(estimate(a, samples, seed, set), estimate(b, samples, seed, set))
    return wrapped(found, Diff)  # type: ignore[no-any-return]


def sweep(
    source: Source,
    vary: Mapping[str, Sequence[Any]],
    *,
    samples: int = 10_000,
    seed: int = DEFAULT_SEED,
    set: Mapping[str, Any] | Sequence[str] | None = None,
    machines: str | Path | None = None,
) -> Sweep:
    """Outputs and parity years over a grid: `vary={"factors.neural_backprop": [1, 2, 4]}`."""
    import json

    grid = [(path, [json.dumps(v) for v in values]) for path, values in vary.items()]
    doc = _document(source, _sets(set))
    from brainflops.analysis.sweep import sweep as _sweep
    from brainflops.notebook import Sweep, wrapped

    return wrapped(_sweep(doc, grid, _machines(machines), samples, seed), Sweep)  # type: ignore[no-any-return]


def backtest(
    series: str = "top500",
    *,
    window_years: float | None = None,
    variance: str = "two-year",
    seed: int = DEFAULT_SEED,
) -> Backtest:
    """The parity forecasts hindcast at every past list of a series ("top500", "top500-sum"
    or "ai") and scored against what happened (docs/forecasts.md)."""
    from brainflops.analysis.backtest import backtest as _backtest

    # the series and variance are checked there, with the CLI's option names
    from brainflops.notebook import Backtest, wrapped

    found = _backtest(series, window_years=window_years, variance=variance, seed=seed)  # type: ignore[arg-type]
    return wrapped(found, Backtest)  # type: ignore[no-any-return]


def export_model(
    source: Source, set: Mapping[str, Any] | Sequence[str] | None = None
) -> dict[str, Any]:
    """The scenario's model as plain data (what `brainflops export-model` prints): every
    input with its `--set` path, value and slider range, and every output as a sum of
    products of the inputs (docs/explore.md)."""
    from brainflops.engine.export import model_document

    return model_document(load(source, set))


def explore(
    source: Source | Sequence[Source],
    *,
    set: Mapping[str, Any] | Sequence[str] | None = None,
    machines: str | Path | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> str:
    """The explorer page (self-contained HTML) for one scenario or several: sliders over
    every input, the brain's figures, its ratios to the newest machines and the parity
    years, recomputed in the browser from the exported model."""
    from brainflops.analysis.explore import explorer_document
    from brainflops.render.explore import page

    sources: list[Source] = (
        [source] if isinstance(source, str | Path | Mapping | Scenario) else list(source)
    )
    estimates = [estimate(s, samples, seed, set) for s in sources]
    pairs = zip(sources, estimates, strict=True)
    document = explorer_document(
        [e.scenario for e in estimates],
        _machines(machines),
        seed,
        full={e.scenario.name: e.stats["compute_flops"] for e in estimates},
        refs={e.scenario.name: _ref(s, e.scenario) for s, e in pairs},
        sets=_sets(set),
    )
    return page(document)


def _ref(source: Source, scenario: Scenario) -> str:
    """What names a scenario on the command line: its file or bundled name as given, else
    (YAML text, a dict, a loaded Scenario) its name."""
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and not source.lstrip().startswith("{")
    ):
        return str(source)
    return scenario.name


def data_status() -> tuple[DataSet, ...]:
    """Each data set: rows, the date of its newest row, source, licence, and the user's
    import merged over it, if any."""
    from brainflops.model.data import data_sets

    return data_sets()


def data_import(kind: str, file: str | Path, *, list: str | None = None) -> Path:
    """Read a file the user downloaded, validate all of it, and store it in the user data
    folder (`$BRAINFLOPS_DATA`, else the platform's), where it extends or replaces the
    bundled rows of its data set. KIND: "top500" (a TOP500 list, .xlsx or CSV; `list`
    "YYYY-MM" wins over the sheet's number), "epoch-clusters" or "epoch-models" (Epoch AI's
    CSV exports). A bad file raises InputError and changes nothing. Returns the stored file.
    """
    from brainflops.model import imports
    from brainflops.model.data import forget, validated_rows, validated_top500
    from brainflops.model.machines import AiSystem, TrainingRun

    _known_kind(kind)
    path = Path(file)
    shown = str(file)
    if kind == "top500":
        imported = imports.read_top500(path, list, shown)
        stored = {r["list"]: r for r in _stored(kind)} | {imported.row["list"]: imported.row}
        rows = sorted(stored.values(), key=lambda r: r["list"])
        validated_top500([(1, r) for r in rows], shown)
        text = imports.to_csv(imports.TOP500_COLUMNS, rows)
        what = f"TOP500 lists imported: {', '.join(r['list'] for r in rows)}"
    else:  # epoch-clusters or epoch-models
        clusters = kind == "epoch-clusters"
        read = imports.read_epoch_clusters if clusters else imports.read_epoch_models
        lines = read(path, shown)
        validated_rows(lines, AiSystem if clusters else TrainingRun, shown)
        columns = imports.AI_COLUMNS if clusters else imports.RUN_COLUMNS
        text = imports.to_csv(columns, (r for _, r in lines))
        what = f"Epoch AI export ({len(lines)} rows), from {path.name}"
    from brainflops.io.userdata import write_user

    written = write_user(kind, what, text)
    forget()
    return written


def data_reset(kind: str) -> bool:
    """Remove the user's import of a data set: the bundled rows alone again. False if there
    was none."""
    from brainflops.io.userdata import remove_user
    from brainflops.model.data import forget

    _known_kind(kind)
    removed = remove_user(kind)
    forget()
    return removed


def _known_kind(kind: str) -> None:
    from brainflops.model.data import KINDS

    if kind not in KINDS:
        raise InputError.at("KIND", f"unknown data set {kind!r}; known: {', '.join(KINDS)}")


def _stored(kind: str) -> list[dict[str, str]]:
    from brainflops.io.table import parse_csv
    from brainflops.io.userdata import data_file, read_user

    text = read_user(kind)
    return [] if text is None else [r for _, r in parse_csv(text, str(data_file(kind)), 2)]


def _machines(path: str | Path | None) -> MachinesFile:
    """The bundled machines and the user's file, if any (loaded only by calls that compare)."""
    from brainflops.model.data import load_machines

    return load_machines(None if path is None else Path(path))
