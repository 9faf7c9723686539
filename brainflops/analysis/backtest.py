"""How well would the forecasts have done? The same random walk, hindcast from the past.

At every origin list the walk is fitted to what was known then (its trailing window only),
forecasts every later list up to 15 years ahead, and is scored against what happened: the
share of realised values inside its central 50% and 90% intervals, its median and mean
log10 error, and for each power of ten the series later crossed, whether the realised list
fell inside the forecast's interval of years. The point trend the tool used before (the
least-squares line through the newest observation) is scored beside it as `naive`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from brainflops.analysis.forecast import (
    LOG10_2,
    PATHS,
    VARIANCE_LAG_YEARS,
    fit_walk,
    simulate,
    stream,
)
from brainflops.analysis.projections import (
    AI_PROJECTIONS,
    DEFAULT_PROJECTIONS,
    Point,
    ai_points,
    fit_log2,
    record_series,
    top500_points,
)
from brainflops.defaults import DEFAULT_SEED
from brainflops.engine.sampling import Array, median
from brainflops.errors import InputError
from brainflops.model.data import top500_aggregate
from brainflops.model.machines import list_year

BacktestSeries = Literal["top500", "top500-sum", "ai"]
SERIES: tuple[BacktestSeries, ...] = ("top500", "top500-sum", "ai")
SERIES_LABELS = {
    "top500": "TOP500 #1 (HPL Rmax)",
    "top500-sum": "TOP500 sum of all 500 (HPL Rmax)",
    "ai": "leading AI system (BF16 dense peak, Epoch AI)",
}
Variance = Literal["two-year", "step"]
HORIZON_YEARS = 15
FIRST_TOP500_ORIGIN = "2000-06"
MIN_SCORED_HORIZON_YEARS = 10.0
"""A series is scored only if it has forecasts this far ahead: calibration at short
horizons says little about the decades a parity year lies away."""
CALIBRATED_COVER90 = (0.80, 0.995)
CALIBRATED_COVER50 = (0.40, 0.75)
"""The bar a series' pooled coverage must clear for its forecasts to be called calibrated."""
_Z50 = 0.6744897501960817
_Z90 = 1.6448536269514722


@dataclass(frozen=True)
class Score:
    """Coverage and error of a set of forecasts (None where there is nothing to score)."""

    n: int
    cover50: float | None
    cover90: float | None
    median_abs_log10_error: float | None
    mean_log10_error: float | None
    """Realised minus forecast median: negative when the forecasts ran early."""


@dataclass(frozen=True)
class HorizonScore(Score):
    h_years: int = 0
    """Forecasts more than h - 1 and at most h years ahead."""


@dataclass(frozen=True)
class ThresholdScore:
    """Parity years themselves: each power of ten the series crossed after an origin."""

    n: int
    cover50: float | None
    cover90: float | None
    later_than_median: float | None
    """The share of crossings that came after the forecast's median year (on the median's
    own list: half). Above 0.5: the forecasts ran early."""


@dataclass(frozen=True)
class Table:
    by_horizon: tuple[HorizonScore, ...]
    pooled: Score
    thresholds: ThresholdScore


@dataclass(frozen=True)
class Backtest:
    series: BacktestSeries
    window_years: float
    variance: Variance
    origins: tuple[str, ...]
    walk: Table
    naive: Table
    scored: bool
    """False when the series is too short to say anything about calibration."""
    calibrated: bool | None
    note: str
    method: str = "random_walk"

    @property
    def label(self) -> str:
        return SERIES_LABELS[self.series]


def series_points(series: BacktestSeries) -> tuple[tuple[Point, ...], bool]:
    """The series' observations, and whether they sit on TOP500 lists (else: resampled)."""
    if series == "top500":
        return top500_points(), True
    if series == "ai":
        return ai_points(), False
    rows = [a for a in top500_aggregate() if a.sum_rmax_flops is not None]
    points = tuple(
        Point(a.list, list_year(a.list), "sum", float(a.sum_rmax_flops))
        for a in sorted(rows, key=lambda a: a.list)
        if a.sum_rmax_flops is not None
    )
    return points, True


def default_window_years(series: BacktestSeries) -> float:
    """The trailing window of the projection that forecasts the series today: from its
    `from` list to the newest observation (trend-2013: 13 years; ai-trend: since 2019)."""
    spec = AI_PROJECTIONS["ai-trend"] if series == "ai" else DEFAULT_PROJECTIONS["trend-2013"]
    from_list = getattr(spec, "from_list", "2013-06")
    points = ai_points() if series == "ai" else top500_points()
    return round(max(p.year for p in points) - list_year(from_list), 2)


@dataclass
class _Tally:
    """Scores collected over origins: one row per forecast."""

    horizon: list[float]
    error: list[float]
    in50: list[bool]
    in90: list[bool]
    crossings_in50: list[bool]
    crossings_in90: list[bool]
    later: list[float]

    @classmethod
    def empty(cls) -> _Tally:
        return cls([], [], [], [], [], [], [])

    def table(self, scored: bool) -> Table:
        h = np.asarray(self.horizon)
        buckets = np.ceil(h - 1e-9).astype(int)
        by_horizon = tuple(
            HorizonScore(**vars(self._score(buckets == k, scored)), h_years=k)
            for k in range(1, HORIZON_YEARS + 1)
            if (buckets == k).any()
        )
        n = len(self.crossings_in90)
        share = (lambda xs: float(np.mean(xs))) if scored and n else (lambda xs: None)
        return Table(
            by_horizon,
            self._score(np.ones(h.size, dtype=bool), scored),
            ThresholdScore(
                n, share(self.crossings_in50), share(self.crossings_in90), share(self.later)
            ),
        )

    def _score(self, mask: Array, scored: bool) -> Score:
        n = int(mask.sum())
        if not scored or n == 0:
            return Score(n, None, None, None, None)
        error = np.asarray(self.error)[mask]
        return Score(
            n,
            float(np.mean(np.asarray(self.in50)[mask])),
            float(np.mean(np.asarray(self.in90)[mask])),
            median(np.abs(error)),
            float(np.mean(error)),
        )


def backtest(
    series: BacktestSeries = "top500",
    *,
    window_years: float | None = None,
    variance: Variance = "two-year",
    seed: int = DEFAULT_SEED,
) -> Backtest:
    """Hindcast the random walk at every origin list of `series` and score it."""
    if series not in SERIES:
        raise InputError.at("--series", f"unknown series {series!r}; known: {', '.join(SERIES)}")
    if variance not in ("two-year", "step"):
        raise InputError.at("--variance", f"unknown {variance!r}; give two-year or step")
    window = default_window_years(series) if window_years is None else window_years
    if not 1 <= window <= 100:
        raise InputError.at("--window", f"a window of {window:g} years; give 1 to 100")
    points, on_lists = series_points(series)
    years, best = record_series(points, on_lists)
    first = list_year(FIRST_TOP500_ORIGIN) if on_lists else -math.inf
    lag = VARIANCE_LAG_YEARS if variance == "two-year" else None
    origins, walk, naive = hindcast(
        years, best, window_years=window, lag_years=lag, first_origin=first, seed=seed, key=series
    )
    longest = max(walk.horizon, default=0.0)
    scored = len(origins) >= 10 and longest >= MIN_SCORED_HORIZON_YEARS
    walk_table, naive_table = walk.table(scored), naive.table(scored)
    calibrated, note = _verdict(scored, walk_table.pooled, len(origins), longest, points)
    return Backtest(
        series, window, variance, origins, walk_table, naive_table, scored, calibrated, note
    )


def hindcast(
    years: Array,
    values: Array,
    *,
    window_years: float,
    lag_years: float | None,
    first_origin: float = -math.inf,
    seed: int = DEFAULT_SEED,
    key: str = "series",
) -> tuple[tuple[str, ...], _Tally, _Tally]:
    """Forecast a series (`values` > 0 at increasing `years`) from every origin, as the
    random walk and as the point trend; the origins and the scores of each."""
    log10 = np.log10(values)
    walk, naive = _Tally.empty(), _Tally.empty()
    origins: list[str] = []
    for i, origin in enumerate(years):
        inside = (years >= origin - window_years - 1e-9) & (years <= origin + 1e-9)
        ahead = (years > origin + 1e-9) & (years <= origin + HORIZON_YEARS + 1e-9)
        if origin < first_origin - 1e-9 or not ahead.any():
            continue
        if inside.sum() < _needed(years, lag_years):
            continue
        origins.append(_date(origin))
        fitted = fit_walk(years[inside], log10[inside], lag_years=lag_years)
        dates, realised = years[ahead], log10[ahead]
        values_ahead = simulate(
            fitted, dates, PATHS, stream(seed, "backtest", key, f"{origin:.3f}")
        )
        trend = fit_log2(years[inside].tolist(), values[inside].tolist())
        line = log10[i] + trend.slope * LOG10_2 * (dates - origin)
        _score_values(walk, values_ahead, realised, dates - origin)
        _score_values(naive, None, realised, dates - origin, line)
        _score_crossings(
            walk, naive, log10[i], values=values_ahead, line=line, realised=realised, dates=dates
        )
    return tuple(origins), walk, naive


def _needed(years: Array, lag: float | None) -> int:
    """Points a window needs: enough differences `lag` apart to estimate a variance."""
    step = median(np.diff(years)) if years.size > 1 else 1.0
    return 3 if lag is None else max(3, round(lag / step) + 3)


def _date(year: float) -> str:
    whole = math.floor(year + 1e-9)
    fraction = year - whole
    if abs(fraction - 0.46) < 1e-6:
        return f"{whole}-06"
    if abs(fraction - 0.87) < 1e-6:
        return f"{whole}-11"
    return f"{whole}-{min(12, max(1, round(fraction * 12 + 0.5))):02d}"


def _score_values(
    tally: _Tally,
    values: Array | None,
    realised: Array,
    horizon: Array,
    line: Array | None = None,
) -> None:
    """One forecast per later list: inside the central 50%/90% band? Error of the median?"""
    if values is None:  # a point forecast: an interval of zero width
        assert line is not None
        q05 = q25 = median = q75 = q95 = line
    else:
        q05, q25, median, q75, q95 = np.quantile(values, (0.05, 0.25, 0.5, 0.75, 0.95), axis=0)
    tally.horizon.extend(horizon.tolist())
    tally.error.extend((realised - median).tolist())
    tally.in50.extend(((q25 <= realised) & (realised <= q75)).tolist())
    tally.in90.extend(((q05 <= realised) & (realised <= q95)).tolist())


def _score_crossings(
    walk: _Tally,
    naive: _Tally,
    start: float,
    *,
    values: Array,
    line: Array,
    realised: Array,
    dates: Array,
) -> None:
    """Each power of ten first crossed after the origin, within the horizon: was the list
    it was crossed on inside the forecast's interval of first-passage years?"""
    best = np.maximum.accumulate(values, axis=1)
    padded = np.append(dates, math.inf)
    for level in range(math.floor(start) + 1, math.floor(float(realised.max())) + 1):
        actual = dates[int(np.argmax(realised >= level))]
        passage = padded[
            np.argmax(np.append(best >= level, np.ones((best.shape[0], 1), bool), axis=1), axis=1)
        ]
        q05, q25, q50, q75, q95 = np.quantile(
            passage, (0.05, 0.25, 0.5, 0.75, 0.95), method="inverted_cdf"
        )
        walk.crossings_in50.append(bool(q25 <= actual <= q75))
        walk.crossings_in90.append(bool(q05 <= actual <= q95))
        walk.later.append(1.0 if actual > q50 else 0.5 if actual == q50 else 0.0)
        on_line = padded[int(np.argmax(np.append(line >= level, True)))]
        naive.crossings_in50.append(bool(on_line == actual))
        naive.crossings_in90.append(bool(on_line == actual))
        naive.later.append(1.0 if actual > on_line else 0.5 if actual == on_line else 0.0)


def _verdict(
    scored: bool, pooled: Score, origins: int, longest: float, points: Sequence[Point]
) -> tuple[bool | None, str]:
    if not scored:
        return None, (
            f"too short to score: {pooled.n} forecasts from {origins} origins, none more than "
            f"{longest:.1f} years ahead (the data begin {_date(points[0].year)}); a calibration "
            f"needs forecasts {MIN_SCORED_HORIZON_YEARS:.0f} years ahead"
        )
    assert pooled.cover90 is not None and pooled.cover50 is not None
    low90, high90 = CALIBRATED_COVER90
    low50, high50 = CALIBRATED_COVER50
    ok = low90 <= pooled.cover90 <= high90 and low50 <= pooled.cover50 <= high50
    measured = (
        f"90% intervals held {pooled.cover90:.0%} of outcomes and 50% intervals "
        f"{pooled.cover50:.0%}, over {pooled.n:,} forecasts from {origins} origins"
    )
    if ok:
        return True, f"calibrated: {measured}"
    return False, (
        f"not calibrated: {measured}; treat its intervals as too "
        f"{'narrow' if pooled.cover90 < low90 else 'wide'}"
    )
