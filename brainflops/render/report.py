"""`brainflops report`: a deterministic folder (index.md, data.json, SVG figures).

Everything is generated in memory first. Writing goes to a temporary folder beside the
target, which then replaces it, so a failure leaves the old report as it was. `check_report`
compares without writing: Markdown and JSON byte for byte, SVGs by their data fingerprint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import multiprocessing
import os
import stat
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import numpy as np

from brainflops.analysis.check import check_estimate
from brainflops.analysis.compare import (
    Comparison,
    compare,
    sorted_draws,
)
from brainflops.analysis.explore import explorer_document
from brainflops.analysis.projections import (
    DEFAULT_PROJECTIONS,
)
from brainflops.analysis.sensitivity import explain
from brainflops.analysis.sweep import sweep as run_sweep
from brainflops.engine.evaluate import Estimate, use_threads
from brainflops.engine.run import estimate
from brainflops.engine.sampling import Array, quantiles_of_sorted
from brainflops.errors import InputError
from brainflops.io.files import MAX_FILE_BYTES, path_errors
from brainflops.io.reportdir import (
    MANIFEST,
    manifest_text,
    read_report_file,
    walk_files,
)
from brainflops.model.load import is_bundled, load_scenario
from brainflops.model.machines import MachinesFile
from brainflops.render import explore, figure_cache, figures, forecasts, html, markdown
from brainflops.render.figure_cache import FigureJob, FigureKey
from brainflops.render.figure_data import (
    CDF_PROBS,
    cdf_data,
    ladder_data,
    parity_data,
    resources_data,
    sweep_data,
    sweep_file,
    timeline_data,
    tornado_data,
    training_data,
)
from brainflops.render.jsonout import (
    check_document,
    compare_document,
    dumps,
    sensitivity_document,
    sweep_document,
)
from brainflops.render.reported import ScenarioReport


def compute_quantiles(est: Estimate, ordered: Array) -> tuple[float, ...]:
    """log10 of the compute's CDF_PROBS quantiles (`ordered`: its draws, sorted)."""
    compute = est.stats["compute_flops"]
    if compute is None or compute.p5 == compute.p95:
        return ()
    quantiles = np.array(quantiles_of_sorted(ordered, CDF_PROBS))
    return tuple(round(float(q), 4) for q in np.log10(np.maximum(quantiles, 1e-300)))


SWEEP_SAMPLES = 2_000
"""Samples per point of a scenario's `sweeps` in the report (fewer than an estimate's)."""


PARALLEL_FROM = 8
"""Scenarios from which a report analyses them in worker processes, one per core."""


def analyse(
    refs: Sequence[str],
    machines: MachinesFile,
    samples: int,
    seed: int,
    workers: int | None = None,
) -> list[ScenarioReport]:
    """Every scenario estimated, compared, checked and explained, in the order given.

    From PARALLEL_FROM scenarios on, worker processes share the work (`workers`: how many;
    default one per core); each scenario is computed alone and the same way either way, so
    the report is byte for byte the same. An error is the first a sequential run would meet.
    """
    count = _worker_count(workers)
    jobs = [(ref, machines, samples, seed) for ref in refs]
    if count < 2 or len(refs) < PARALLEL_FROM:
        results: Iterable[Analysed] = map(_analyse_one, jobs)
        return _in_order(results)
    with _pool(count) as pool:
        analysed = pool.map(_analyse_one, jobs, chunksize=2)
        # while the workers analyse: the forecasts every report shows (cached for render)
        forecasts.prepare(seed, machines)
        return _in_order(analysed)


def _worker_count(workers: int | None) -> int:
    return workers if workers is not None else min(os.cpu_count() or 1, 4)


def _pool(count: int) -> ProcessPoolExecutor:
    """Worker processes: forked (cheap) while this process runs no other thread, else
    started afresh; one thread each, since together they keep every core busy."""
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    context = multiprocessing.get_context(method)
    return ProcessPoolExecutor(count, mp_context=context, initializer=use_threads, initargs=(1,))


Analysed = tuple[str | None, str, "ScenarioReport | InputError", tuple[tuple[FigureKey, str], ...]]
"""(scenario name if it loaded, file, its report or the error it met, its figures by key)."""


def _in_order(results: Iterable[Analysed]) -> list[ScenarioReport]:
    out: list[ScenarioReport] = []
    names: dict[str, str] = {}
    for name, path, result, drawn in results:
        for key, svg in drawn:  # drawn in a worker: remembered here
            figure_cache.remember(key, svg)
        if name is not None and name in names:
            raise InputError.at(path, f"scenario name {name!r} is also used by {names[name]}")
        if isinstance(result, InputError):
            raise result
        assert name is not None
        names[name] = path
        out.append(result)
    return out


def _analyse_one(job: tuple[str, MachinesFile, int, int]) -> Analysed:
    ref, machines, samples, seed = job
    try:
        loaded = load_scenario(ref)
    except InputError as exc:
        return None, ref, exc, ()
    s, path = loaded.scenario, loaded.document.path
    try:
        est = estimate(s, samples, seed, where=loaded.document)
        sens = explain(est) if est.uncertain else None
        grids = {
            name: run_sweep(
                loaded.document,
                [(key, [json.dumps(v) for v in values]) for key, values in grid.items()],
                machines,
                min(samples, SWEEP_SAMPLES),
                seed,
            )
            for name, grid in s.sweeps.items()
        }
        ordered = sorted_draws(est, "compute_flops")
        assert ordered is not None
        comparison = compare(est, machines, compute=ordered)
        checks = check_estimate(est, machines)
    except InputError as exc:
        return s.name, path, exc, ()
    quantiles = compute_quantiles(est, ordered)
    # every summary is taken: let the samples go, so memory stays one scenario's worth
    lean, comparison = _without_samples(est, comparison)
    report = ScenarioReport(
        portable_path(path),
        lean,
        comparison,
        sens if sens is not None and sens.inputs else None,
        checks,
        grids,
        quantiles,
        ref=s.name if is_bundled(loaded.path, s.name) else portable_path(path),
    )
    jobs = [
        (file, caption, job, figure_cache.figure_key(job))
        for file, caption, job in _own_figures(report)
    ]
    drawn = [(file, caption, key, figure_cache.drawn(job, key)) for file, caption, job, key in jobs]
    own = tuple((file, caption, svg) for file, caption, _, svg in drawn)
    keyed = tuple((key, svg) for _, _, key, svg in drawn)
    return s.name, path, dataclasses.replace(report, figures=own), keyed


_NO_SAMPLES = np.empty(0)


def _without_samples(est: Estimate, c: Comparison) -> tuple[Estimate, Comparison]:
    """The estimate and comparison with their per-sample arrays dropped (summaries kept)."""
    lean = dataclasses.replace(est, draws={}, components=(), choice=None, inputs={})
    resources = tuple(
        dataclasses.replace(r, history=dataclasses.replace(r.history, years=_NO_SAMPLES))
        for r in c.resources
    )
    return lean, dataclasses.replace(
        c,
        estimate=lean,
        history=dataclasses.replace(c.history, years=_NO_SAMPLES),
        ai_history=None
        if c.ai_history is None
        else dataclasses.replace(c.ai_history, years=_NO_SAMPLES),
        resources=resources,
    )


def portable_path(path: str) -> str:
    """A path as a report shows it: relative to the working folder, never absolute.

    The report is committed and read elsewhere; an absolute path would leak the user's
    folders and differ from machine to machine. Outside the working folder, the file name.
    """
    if not Path(path).is_absolute():
        return Path(path).as_posix()
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(path).name


def render(
    reports: Sequence[ScenarioReport],
    machines: MachinesFile,
    samples: int,
    seed: int,
    machines_file: str | None = None,
    *,
    workers: int | None = None,
) -> dict[str, str]:
    """Every file of the report, by relative path (`machines_file`: the user's, if any).

    From PARALLEL_FROM scenarios on, the figures are drawn in worker processes (`workers`,
    as in `analyse`) while this one writes the rest; each is a pure function of its data,
    so the bytes are the same either way.
    """
    shown_machines = None if machines_file is None else portable_path(machines_file)
    main = [
        ("ladder.svg", "Brain-compute estimates against machines", figures.ladder, ladder_data),
        (
            "timeline.svg",
            "TOP500 history, projections and brain estimates",
            figures.timeline,
            timeline_data,
        ),
        (
            "resources.svg",
            "Memory and bandwidth against the newest #1",
            figures.resources,
            resources_data,
        ),
        (
            "cdf.svg",
            "The estimates as distributions of compute",
            figures.cdf_overlay,
            cdf_data,
        ),
        (
            "training.svg",
            "Training runs (Epoch AI) against one brain-lifetime of compute",
            figures.training,
            training_data,
        ),
    ]
    shown: list[tuple[str, str]] = []
    jobs: list[FigureJob] = []
    for file, caption, draw, data_of in main:
        data = data_of(reports, machines)
        if file == "resources.svg" and not data["rows"]:
            continue
        jobs.append((file, draw.__name__, data))
        shown.append((file, caption))

    count = _worker_count(workers)
    with contextlib.ExitStack() as running:
        parallel = count >= 2 and len(reports) >= PARALLEL_FROM
        pool = running.enter_context(_pool(count)) if parallel else None
        # the workers draw matplotlib's figures, the slowest first, while this process
        # writes the rest (each scenario's own figures were drawn where it was analysed)
        slowest_first = sorted(jobs, key=lambda j: _SLOWEST_FIRST.get(j[1], len(_SLOWEST_FIRST)))
        keys = {job[0]: figure_cache.figure_key(job) for job in jobs}
        drawing: dict[str, Future[str] | str] = {
            job[0]: figure_cache.drawn(job, keys[job[0]])
            if pool is None or figure_cache.at_hand(job, keys[job[0]]) is not None
            else pool.submit(figure_cache.draw, job)
            for job in slowest_first
        }
        # the backtest and its figure: here while the workers draw (cached when `analyse`
        # had workers: it drew them meanwhile); the last job
        backtests = forecasts.backtests(seed)
        calibration = forecasts.calibration_job(seed)
        drawing["calibration.svg"] = figure_cache.draw(calibration)
        jobs.append(calibration)
        scored = forecasts.backtest_section(backtests, "calibration.svg")
        per_scenario = {
            r.estimate.scenario.name: [(f, c) for f, c, _ in r.figures if c is not None]
            for r in reports
        }
        projection_names = [*DEFAULT_PROJECTIONS, "ai-trend"]
        index = markdown.index(
            reports,
            projection_names,
            shown,
            per_scenario,
            samples,
            seed,
            shown_machines,
            after_figures=scored,
        )
        data_json = _data_json(reports, samples, seed, shown_machines)
        explorer = explorer_page(reports, machines, seed)
        # the page's Markdown converted while the workers draw; the figures go in last
        shown_files = {job[0] for job in jobs} | {f for r in reports for f, _, _ in r.figures}
        page = html.Page(index, shown_files)
        svgs: dict[str, str] = {}
        for job in jobs:  # in the order of `main`
            out = drawing[job[0]]
            if not isinstance(out, str):
                out = out.result()
                figure_cache.remember(keys[job[0]], out)  # drawn in a worker
            svgs[job[0]] = out
    svgs.update((file, svg) for r in reports for file, _, svg in r.figures)
    files = {f"figures/{file}": svg for file, svg in svgs.items()}
    files["index.md"], files["data.json"] = index, data_json
    files["index.html"] = page.filled(svgs)
    files["explore.html"] = explorer
    files[MANIFEST] = manifest_text(files)
    return files


_SLOWEST_FIRST = {"timeline": 0, "training": 1, "cdf_overlay": 2, "resources": 3}
"""The figures matplotlib draws, slowest first (the others are `svgplot`'s: milliseconds)."""


def explorer_page(reports: Sequence[ScenarioReport], machines: MachinesFile, seed: int) -> str:
    """explore.html: every scenario of the report, live (the same seed's paths)."""
    document = explorer_document(
        [r.estimate.scenario for r in reports],
        machines,
        seed,
        full={r.estimate.scenario.name: r.estimate.stats["compute_flops"] for r in reports},
        refs={r.estimate.scenario.name: r.ref for r in reports},
    )
    return explore.page(document, report_link=True)


def _own_figures(r: ScenarioReport) -> list[tuple[str, str | None, FigureJob]]:
    """A scenario's figures to draw: (file, caption in its section or None, job)."""
    name = r.estimate.scenario.name
    own: list[tuple[str, str | None, FigureJob]] = []
    if any(0 < p < 1 for y in r.comparison.projections for p in y.curve):  # not all steps
        file = f"parity-{name}.svg"
        caption = f"P(parity by year) of {name}"
        own.append((file, caption, (file, "parity_curves", parity_data(r.comparison))))
    if r.sensitivity is not None and len(r.sensitivity.inputs) > 1:  # one input: no ranking
        file = f"tornado-{name}.svg"
        own.append((file, f"What drives {name}", (file, "tornado", tornado_data(r.sensitivity))))
    for grid_name, grid in r.sweeps.items():
        file = sweep_file(name, grid_name)
        own.append((file, None, (file, "sweep", sweep_data(grid))))
    return own


def _data_json(
    reports: Sequence[ScenarioReport], samples: int, seed: int, shown_machines: str | None
) -> str:
    data = {
        "samples": samples,
        "seed": seed,
        "overrides": [],  # a report runs its scenarios as written
        "machines_file": shown_machines,
        "scenarios": {
            r.estimate.scenario.name: {
                "file": r.path,
                "compare": compare_document(r.comparison),
                "sensitivity": None
                if r.sensitivity is None
                else sensitivity_document(r.sensitivity),
                "checks": check_document(r.checks, samples, seed)["checks"],
                "sweeps": {
                    name: {k: v for k, v in sweep_document(grid).items() if k != "version"}
                    for name, grid in r.sweeps.items()
                },
            }
            for r in reports
        },
    }
    return dumps(data)


def stale_files(files: dict[str, str], out: Path, max_diff_lines: int = 40) -> list[str]:
    """What differs between the generated report and `out`, as lines for a human; [] if fresh.

    Reads nothing but regular files inside `out` (no links followed), each at most about
    twice the size of what the report writes there; an SVG must be as brainflops wrote it
    and show the same data. Each stale file shows only its first differing region, found
    in linear time, so a report of any size is checked in bounded time.
    """
    with path_errors(str(out), "cannot read the report"):
        if not out.is_dir():
            return [f"{out}: no report here (run without --check to create it)"]
        on_disk = dict(walk_files(out))
    messages: list[str] = []
    for rel in sorted(set(files) | set(on_disk)):
        path = out / rel
        if rel not in files:
            messages.append(f"{path}: not part of the report")
            continue
        if rel not in on_disk:
            messages.append(f"{path}: missing")
            continue
        if not stat.S_ISREG(on_disk[rel].st_mode):
            messages.append(f"{path}: not a regular file (a link or a special file)")
            continue
        new = files[rel]
        limit = 2 * len(new.encode()) + MAX_FILE_BYTES
        if on_disk[rel].st_size > limit:
            size = on_disk[rel].st_size
            messages.append(f"{path}: stale ({size:,} bytes where the report writes far fewer)")
            continue
        old = read_report_file(out, rel, limit)
        if rel.endswith(".svg"):
            if not figures.intact(old):
                messages.append(f"{path}: changed by hand (it is not the SVG brainflops wrote)")
            elif figures.read_fingerprint(old) != figures.read_fingerprint(new):
                messages.append(f"{path}: the data it shows changed")
            continue
        if rel.endswith(".html"):  # its figures by their data, like the SVG files
            old, intact = html.normalised(old)
            new, _ = html.normalised(new)
            if not intact:
                messages.append(f"{path}: a figure in it was changed by hand")
                continue
        if old != new:
            messages += [f"{path}: stale", *first_difference(rel, old, new, max_diff_lines)]
    return messages


def first_difference(name: str, old: str, new: str, max_lines: int = 40) -> list[str]:
    """The first region where two texts differ, as unified-diff lines (at most `max_lines`).

    The common head and tail are skipped in one pass each: linear in the size of the texts,
    where a full diff can take minutes on a report of hundreds of scenarios.
    """
    a, b = old.splitlines(), new.splitlines()
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    removed, added = a[head : len(a) - tail], b[head : len(b) - tail]
    context = a[head - 1 : head] if head else []
    column = _first_column(removed[0], added[0]) if removed and added else 0
    lines = [
        f"--- {name} (committed)",
        f"+++ {name} (now)",
        f"@@ -{head + 1 - len(context)},{len(removed) + len(context)} "
        f"+{head + 1 - len(context)},{len(added) + len(context)} @@",
        *(f" {_clip(line, column)}" for line in context),
        *(f"-{_clip(line, column)}" for line in removed),
        *(f"+{_clip(line, column)}" for line in added),
    ]
    if len(lines) > max_lines:
        return [*lines[:max_lines], f"... ({len(lines) - max_lines} more diff lines not shown)"]
    return lines


MAX_DIFF_LINE = 160
"""A diff line is cut to this many characters around where the change starts (a page's
data is one line of a megabyte)."""


def _first_column(a: str, b: str) -> int:
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _clip(line: str, column: int) -> str:
    if len(line) <= MAX_DIFF_LINE:
        return line
    start = max(0, min(column - MAX_DIFF_LINE // 3, len(line) - MAX_DIFF_LINE))
    end = start + MAX_DIFF_LINE
    return f"{'…' if start else ''}{line[start:end]}{'…' if end < len(line) else ''}"


__all__ = ["ScenarioReport", "analyse", "first_difference", "render", "stale_files"]
