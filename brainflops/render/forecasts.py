"""The report's forecasts: fan charts of the projections' paths, and the backtest section."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from brainflops.analysis.backtest import SERIES, Backtest, backtest
from brainflops.analysis.projections import (
    AI_PROJECTIONS,
    DEFAULT_PROJECTIONS,
    Projection,
    resolve,
)
from brainflops.model.machines import MachinesFile
from brainflops.render import figures
from brainflops.render.figure_cache import FigureJob, checking_now, draw
from brainflops.render.markdown import table

FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
FAN_KEYS = ("p5", "p25", "median", "p75", "p95")


def fan(projection: Projection, seed: int, label: str, until: float = 2100.87) -> dict[str, Any]:
    """The 50% and 90% bands of a projection's paths (FLOP/s) at each list to `until`."""
    paths = projection.paths(seed)
    keep = paths.dates <= until
    bands = 10.0 ** paths.bands(FAN_QUANTILES, until)
    shown: dict[str, Any] = {
        "name": label,
        "years": [round(float(y), 3) for y in paths.dates[keep]],
    }
    for key, row in zip(FAN_KEYS, bands, strict=True):
        shown[key] = [float(f"{v:.4g}") for v in row]
    return shown


@cache  # computed once per process: while a report's workers analyse, then drawn
def backtests(seed: int) -> tuple[Backtest, ...]:
    """Every series the tool forecasts or could, hindcast with its default settings."""
    return tuple(backtest(series, seed=seed) for series in SERIES)


def prepare(seed: int, machines: MachinesFile) -> None:
    """Compute what the report's forecasts need (the backtests, the fans' paths, the
    calibration figure), so that it is at hand when the report is rendered.

    Drawing the figure here also loads matplotlib, its fonts and its math-text parser in
    this process, once: the workers that draw the other figures are forked from it with
    them in memory.
    """
    draw(calibration_job(seed))
    if not checking_now():  # a check that draws nothing needs no matplotlib
        figures.warm_math_text()
    for name, spec in (*DEFAULT_PROJECTIONS.items(), ("ai-trend", AI_PROJECTIONS["ai-trend"])):
        resolve(name, spec, machines.green500).paths(seed)


def calibration_job(seed: int) -> FigureJob:
    """The calibration figure to draw, from `backtests(seed)`."""
    return "calibration.svg", "calibration", calibration_data(backtests(seed))


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def backtest_section(results: Sequence[Backtest], figure: str | None) -> str:
    """ "How well have these forecasts done?": the pooled scores of each series, the
    verdict, and the calibration figure."""
    rows = []
    for b in results:
        p, t, naive = b.walk.pooled, b.walk.thresholds, b.naive.pooled
        error = _cell(p.median_abs_log10_error)
        if naive.median_abs_log10_error is not None:
            error += f" ({_cell(naive.median_abs_log10_error)})"
        rows.append(
            [
                f"`{b.series}`",
                f"{b.window_years:g} y",
                str(len(b.origins)),
                f"{p.n:,}",
                _cell(p.cover50),
                _cell(p.cover90),
                error,
                "–" if p.mean_log10_error is None else f"{p.mean_log10_error:+.2f}",
                _cell(t.cover90),
                b.note.split(":")[0],
            ]
        )
    out = [
        "## How well have these forecasts done?",
        "",
        "The parity years above are first passages of random-walk paths (Farmer & Lafond "
        "2016). Here the same method is run from every TOP500 list since June 2000 with only "
        "what was known then, forecasting every later list up to 15 years ahead, and scored "
        "against what happened: the share of realised values inside the 50% and 90% ranges "
        "(nominal 0.50 and 0.90), the median and mean error in decades (negative: the "
        "forecasts ran early), the share of power-of-ten crossings inside the 90% range of "
        "first-passage years, and the point trend the tool used before (`naive`). "
        "`brainflops backtest --json` gives every horizon; docs/forecasts.md the method.",
        "",
        table(
            [
                "series",
                "window",
                "origins",
                "forecasts",
                "cover50",
                "cover90",
                "median abs. error (naive)",
                "mean error",
                "crossings in 90%",
                "verdict",
            ],
            rows,
            right=3,
        ),
        "",
    ]
    out += [
        f"- `{b.series}`, the {b.label}, from {b.origins[0]} to {b.origins[-1]}: {b.note}."
        if b.origins
        else f"- `{b.series}`, the {b.label}: {b.note}."
        for b in results
    ]
    if figure is not None:
        out += ["", f"![Realised coverage of the forecasts by horizon](figures/{figure})"]
    return "\n".join(out)


def calibration_data(results: Sequence[Backtest]) -> dict[str, Any]:
    """Nominal against realised coverage by horizon, for each scored series."""
    return {
        "series": [
            {
                "name": b.label,
                "h_years": [h.h_years for h in b.walk.by_horizon],
                "cover50": [h.cover50 for h in b.walk.by_horizon],
                "cover90": [h.cover90 for h in b.walk.by_horizon],
            }
            for b in results
            if b.scored
        ],
        "unscored": [f"{b.label}: {b.note}" for b in results if not b.scored],
    }
