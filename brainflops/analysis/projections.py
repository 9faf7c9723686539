"""Projections of the TOP500 #1 system and the AI leaders, and the year each meets a brain.

A fitted projection is a forecast over paths (`forecast.py`): brain draw j is paired with
path j, and its year is the first list at which that path reaches it, so both the brain's
uncertainty and the trend's reach the years. Dettmers' fixed doubling times stay lines:
assumptions, labelled so.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from statistics import NormalDist
from typing import Literal

import numpy as np

from brainflops.analysis.forecast import (
    HORIZON_YEAR,
    LOG10_2,
    PATHS,
    VARIANCE_LAG_YEARS,
    AnyArray,
    PathSet,
    Shape,
    Walk,
    fit_walk,
    list_dates,
    path_set,
)
from brainflops.defaults import DEFAULT_SEED
from brainflops.engine.expr import BOLTZMANN_J_PER_K
from brainflops.engine.sampling import Array, median_of_sorted, quantiles_of_sorted
from brainflops.engine.sampling import median as median_of
from brainflops.errors import InputError
from brainflops.model.data import ai_systems, loaded, top500_number1
from brainflops.model.machines import AiSystem, Green500Leader, Top500Number1, list_year
from brainflops.model.projections import (
    DoublingProjection,
    FabricationLimitProjection,
    PowerCapProjection,
    ProjectionSpec,
    Series,
    SpendCapProjection,
    TrendProjection,
)

SOLAR_CONSTANT_W_PER_M2 = 1361.0
"""Total solar irradiance at 1 AU: 1360.8 ± 0.5 W/m² (Kopp & Lean 2011,
https://doi.org/10.1029/2010GL045777)."""
EARTH_RADIUS_M = 6.371e6
"""Earth's volumetric mean radius, 6,371 km
(https://nssdc.gsfc.nasa.gov/planetary/factsheet/earthfact.html)."""
EARTH_SUNLIGHT_W = SOLAR_CONSTANT_W_PER_M2 * math.pi * EARTH_RADIUS_M**2
"""The sunlight the Earth intercepts (its cross-section): about 1.74e17 W."""
CEILING_TEMPERATURE_K = 300.0

P_BY_YEARS = (2030, 2035, 2040, 2050, 2075, 2100)
CURVE_YEARS = tuple(1993 + i / 4 for i in range(4 * (2100 - 1993) + 1))
"""The quarter-years of a P(parity by year) curve, from the first TOP500 list to 2100."""
_P_BY_AT = np.array(P_BY_YEARS, dtype=np.float64)
_CURVE_AT = np.array(CURVE_YEARS)
_Z95 = NormalDist().inv_cdf(0.95)

DEFAULT_PROJECTIONS: dict[str, ProjectionSpec] = {
    # Least-squares trend of the #1 system since the 2013 slowdown (docs/machines.md).
    "trend-2013": TrendProjection(model="trend"),
    # Dettmers (2015): transistors reach "a handful of atoms" around 2025, growth may slow
    # from then; he calls 3 years per doubling (network bandwidth's pace) "quite accurate".
    "fabrication-limit-2025": FabricationLimitProjection(
        model="fabrication_limit", scaling_ends=2025.0, after_doubling_years=3.0
    ),
    # NUDT's zettascale budget of 100 MW (Liao et al. 2018, doi:10.1631/FITEE.1800494),
    # Green500 efficiency trend capped at the Landauer bound (300 K, 1 bit per FLOP).
    "power-cap-100mw": PowerCapProjection(model="power_cap", power_budget_w=1e8),
}
"""The TOP500 #1 projections (HPL FP64)."""

AI_PROJECTIONS: dict[str, ProjectionSpec] = {
    # Least-squares trend of the leading AI systems' BF16 peak since 2019 (Epoch AI data;
    # Pilz et al. 2025 find 2.5x per year).
    "ai-trend": TrendProjection(model="trend", series="ai", **{"from": "2019-06"}),
    # Facility budgets: planned sites pass 1 GW in 2026 (Epoch AI, Frontier Data Centers);
    # ~9 GW by 2030 if trends hold (Pilz et al. 2025). Efficiency on the AI systems' trend.
    "ai-power-1gw": PowerCapProjection(
        model="power_cap", series="ai", power_budget_w=1e9, **{"from": "2019-06"}
    ),
    "ai-power-10gw": PowerCapProjection(
        model="power_cap", series="ai", power_budget_w=1e10, **{"from": "2019-06"}
    ),
    # Hardware budget: ~$200B for the leading system by 2030 if trends hold (Pilz et al.
    # 2025); FLOP/s per dollar on the AI systems' own trend.
    "ai-spend-200b": SpendCapProjection(model="spend_cap", budget_usd=2e11, **{"from": "2019-06"}),
}
"""The leading AI systems' projections (BF16 dense peak)."""


@dataclass(frozen=True)
class Fit:
    """log2(y) = intercept + slope × year, by least squares."""

    intercept: float
    slope: float
    slope_se: float
    points: int

    @property
    def doubling_years(self) -> float:
        return 1 / self.slope

    def doubling_interval(self) -> tuple[float, float]:
        """The 90% interval of the doubling time from the slope's standard error."""
        fast, slow = self.slope + _Z95 * self.slope_se, self.slope - _Z95 * self.slope_se
        return 1 / fast, (1 / slow if slow > 0 else math.inf)

    def log2_at(self, year: float | Array) -> float | Array:
        return self.intercept + self.slope * year

    def anchored(self, year: float, log2_value: float) -> Fit:
        """The same growth, through an observed point: a projection starts at the newest
        observation, never at the fitted line (which may sit above or below it)."""
        return replace(self, intercept=log2_value - self.slope * year)


def fit_log2(years: Sequence[float], values: Sequence[float]) -> Fit:
    x = np.asarray(years, dtype=np.float64)
    y = np.log2(np.asarray(values, dtype=np.float64))
    if len(x) < 3:
        raise InputError.at("projection", f"a trend needs at least 3 lists (got {len(x)})")
    if len(set(x.tolist())) < 2:
        raise InputError.at("projection", "a trend needs lists of at least 2 different dates")
    slope, intercept = np.polyfit(x, y, 1)
    residuals = y - (intercept + slope * x)
    se = math.sqrt(float(residuals @ residuals) / (len(x) - 2) / float(((x - x.mean()) ** 2).sum()))
    if slope <= 0:
        raise InputError.at("projection", "the #1 system did not grow over this window")
    return Fit(float(intercept), float(slope), se, len(x))


Figure = Callable[[Top500Number1], "float | None"]
"""One figure of a TOP500 #1 row (None where the list's data lacks it)."""
AiFigure = Callable[[AiSystem], "float | None"]
"""One figure of a leading AI system (None where Epoch AI's data lacks it)."""


def hpl_rmax(row: Top500Number1) -> float | None:
    return row.rmax_flops


def bf16_peak(system: AiSystem) -> float | None:
    return system.bf16_dense_flops


def bf16_per_watt(system: AiSystem) -> float | None:
    peak, power = system.bf16_dense_flops, system.power_mw
    return None if peak is None or power is None else peak / (power * 1e6)


def bf16_per_dollar(system: AiSystem) -> float | None:
    peak, cost = system.bf16_dense_flops, system.hardware_cost_usd_2025
    return None if peak is None or cost is None else peak / cost


@dataclass(frozen=True)
class Point:
    """One machine of a series: when (a list, or the month it started), which, how much."""

    date: str
    year: float
    system: str
    value: float


def number1_series(figure: Figure = hpl_rmax) -> list[tuple[Top500Number1, float]]:
    """The #1 of every list that has the figure, oldest first."""
    rows = sorted(top500_number1(), key=lambda r: r.list)
    return [(r, value) for r in rows if (value := figure(r)) is not None]


@loaded
def top500_points(figure: Figure = hpl_rmax) -> tuple[Point, ...]:
    """The #1 of every list that has the figure (computed once per figure and process)."""
    return tuple(Point(r.list, list_year(r.list), r.system, v) for r, v in number1_series(figure))


@loaded
def ai_points(figure: AiFigure = bf16_peak) -> tuple[Point, ...]:
    """The AI systems in operation (Epoch AI), oldest first; planned ones never count."""
    out = [
        Point(s.first_operational[:7], s.year, s.name, value)
        for s in ai_systems()
        if s.status != "planned"
        and s.first_operational is not None
        and s.year is not None
        and (value := figure(s)) is not None
    ]
    return tuple(sorted(out, key=lambda p: (p.year, p.system)))


@cache  # the same series and window are fitted for every scenario of a report
def series_fit(points: tuple[Point, ...], from_list: str, to_list: str | None = None) -> Fit:
    start = list_year(from_list)
    end = math.inf if to_list is None else list_year(to_list)
    window = [p for p in points if start <= p.year <= end]
    return fit_log2([p.year for p in window], [p.value for p in window])


def trend_fit(from_list: str, to_list: str | None, figure: Figure = hpl_rmax) -> Fit:
    """The #1's growth fitted over a window (the line itself, not yet anchored)."""
    return series_fit(top500_points(figure), from_list, to_list)


def trend_projection(name: str, figure: Figure = hpl_rmax) -> Projection:
    """The TOP500 #1's trend of one figure since 2013, from its newest observation."""
    return _fitted(name, TrendProjection(model="trend"), figure, ())


@cache
def efficiency_fit(leaders: tuple[Green500Leader, ...]) -> Fit:
    """Green500 leaders' FLOP/J over time, through the newest leader's."""
    if len({g.list_date for g in leaders}) < 2:
        raise InputError.at(
            "green500", "the Green500 leaders span one list; a trend needs at least 2 dates"
        )
    years = [list_year(g.list_date) for g in leaders]
    values = [g.gflops_per_w * 1e9 for g in leaders]
    newest = max(years)
    best = max(v for y, v in zip(years, values, strict=True) if y == newest)
    return fit_log2(years, values).anchored(newest, math.log2(best))


def landauer_flops_per_joule(temperature_k: float, bits_per_flop: float) -> float:
    return 1 / (BOLTZMANN_J_PER_K * temperature_k * math.log(2) * bits_per_flop)


def physical_limit_flops(bits_per_flop: float = 1.0) -> float:
    """No computer on Earth passes this: the Landauer bound at 300 K times all the sunlight
    the Earth intercepts (about 6e37 FLOP/s at 1 bit erased per FLOP)."""
    return EARTH_SUNLIGHT_W * landauer_flops_per_joule(CEILING_TEMPERATURE_K, bits_per_flop)


def record_at_newest(points: Sequence[Point]) -> tuple[float, float]:
    """(decimal year, log2 value) of the newest observation: the best value so far, at the
    newest point's date. Every projection starts there."""
    newest = max(p.year for p in points)
    return newest, math.log2(max(p.value for p in points))


def anchored_fit(
    points: tuple[Point, ...], from_list: str, to_list: str | None = None
) -> tuple[Fit, float]:
    """The series' growth fitted over a window, through its newest observation; and the
    date of that observation, where the projection starts."""
    start, start_log2 = record_at_newest(points)
    return series_fit(points, from_list, to_list).anchored(start, start_log2), start


def record_series(points: Sequence[Point], on_lists: bool) -> tuple[Array, Array]:
    """The running best of a series, at its own dates (the TOP500 #1, one per list), or at
    every list date since its first point (AI systems start in any month) and at the newest."""
    t = np.array([p.year for p in points], dtype=np.float64)
    best = np.maximum.accumulate(np.array([p.value for p in points], dtype=np.float64))
    if on_lists:
        return t, best
    grid = list_dates(float(t[0]) - 1e-6, float(t[-1]))
    at = np.searchsorted(t, grid, side="right") - 1
    if grid.size and t[-1] <= grid[-1] + 1e-9:
        return grid, best[at]
    return np.append(grid, t[-1]), np.append(best[at], best[-1])


@cache  # every scenario of a report forecasts the same series over the same window
def walk_of(
    points: tuple[Point, ...],
    from_year: float,
    to_year: float = math.inf,
    *,
    on_lists: bool = True,
    lag_years: float | None = VARIANCE_LAG_YEARS,
) -> Walk:
    """The series' record as a random walk fitted over a window, starting at its newest
    observation (never at a fitted line)."""
    years, best = record_series(points, on_lists)
    inside = (years >= from_year - 1e-9) & (years <= to_year + 1e-9)
    start, start_log2 = record_at_newest(points)
    return fit_walk(
        years[inside],
        np.log10(best[inside]),
        lag_years=lag_years,
        start=(start, start_log2 * LOG10_2),
    )


Forecast = Literal["random_walk", "assumption"]


@dataclass(frozen=True)
class Projection:
    """A projection spec resolved against the data: a function of time, and its inverse."""

    name: str
    spec: ProjectionSpec
    efficiency: Fit | None = None
    """FLOP/J over time (power caps), or FLOP/s per dollar (spending caps), through the
    newest observation."""
    walk: Walk | None = None
    """The series as a random walk (None: a fixed doubling time, an assumption)."""
    stream_key: str = ""
    """Names the paths' random numbers: projections of one series and window share them."""

    @property
    def forecast(self) -> Forecast:
        return "assumption" if self.walk is None else "random_walk"

    @cached_property
    def shape(self) -> Shape:
        """What bends this projection's paths: the fabrication limit's slower drift, the
        power or spending cap, and the physical limit."""
        spec, ceiling = self.spec, self.ceiling_log2 * LOG10_2
        if isinstance(spec, FabricationLimitProjection):
            slow = LOG10_2 / spec.after_doubling_years
            return Shape(self._scaling_ends, slow, cap_max=ceiling)
        if isinstance(spec, PowerCapProjection | SpendCapProjection):
            assert self.efficiency is not None
            budget = self.budget * LOG10_2
            bound = ceiling
            if isinstance(spec, PowerCapProjection):
                bound = min(ceiling, budget + math.log10(self.max_flops_per_joule))
            return Shape(
                cap_at_0=budget + self.efficiency.intercept * LOG10_2,
                cap_growth_per_year=self.efficiency.slope * LOG10_2,
                cap_max=bound,
            )
        return Shape(cap_max=ceiling)

    def paths(self, seed: int = DEFAULT_SEED) -> PathSet:
        """This projection's paths to the horizon (computed once per process and seed)."""
        assert self.walk is not None
        return path_set(self.walk, self.shape, seed, self.stream_key, HORIZON_YEAR + 0.87)

    @property
    def ceiling_log2(self) -> float:
        """log2 of the physical limit (at the power cap's own bits per FLOP, if it has one)."""
        bits = self.spec.bits_per_flop if isinstance(self.spec, PowerCapProjection) else 1.0
        return math.log2(physical_limit_flops(bits))

    def limit_beyond(self, log2_target: float) -> str | None:
        """The limit a target is beyond, named (None: the projection can reach it)."""
        return next((text for at, text in self.limits() if log2_target > at), None)

    def limits(self) -> list[tuple[float, str]]:
        """(log2 of each limit on this projection, its name): the physical limit first, then
        a power cap's budget at its best efficiency."""
        flops = 2**self.ceiling_log2
        found = [
            (
                self.ceiling_log2,
                "beyond the physical limit: the Landauer bound at 300 K on all the sunlight "
                f"that reaches the Earth, {_sci(flops)} FLOP/s",
            )
        ]
        spec = self.spec
        if isinstance(spec, PowerCapProjection):
            cap = spec.power_budget_w * self.max_flops_per_joule
            found.append(
                (
                    math.log2(cap),
                    f"beyond the power cap: {_sci(spec.power_budget_w)} W at "
                    f"{_sci(self.max_flops_per_joule)} FLOP/J, {_sci(cap)} FLOP/s",
                )
            )
        return found

    @property
    def series(self) -> Series:
        return "top500" if isinstance(self.spec, DoublingProjection) else self.spec.series

    @property
    def budget(self) -> float:
        """log2 of the cap's budget: watts, or dollars."""
        spec = self.spec
        if isinstance(spec, SpendCapProjection):
            return math.log2(spec.budget_usd)
        assert isinstance(spec, PowerCapProjection)
        return math.log2(spec.power_budget_w)

    @property
    def max_flops_per_joule(self) -> float:
        spec = self.spec
        assert isinstance(spec, PowerCapProjection)
        if spec.max_flops_per_joule is not None:
            return spec.max_flops_per_joule
        return landauer_flops_per_joule(spec.temperature_k, spec.bits_per_flop)

    @property
    def _scaling_ends(self) -> float:
        """When the fabrication limit's slower growth starts: never before the newest
        observation (a limit already passed slows growth from there on)."""
        spec = self.spec
        assert isinstance(spec, FabricationLimitProjection)
        return max(spec.scaling_ends, self.walk.start_year if self.walk else -math.inf)

    def year_reached(self, log2_target: Array) -> Array:
        """The year a fixed doubling time (an assumption, not a forecast) meets each target
        (inf: never, as beyond the physical limit)."""
        spec = self.spec
        assert isinstance(spec, DoublingProjection)
        years = spec.base_date + (log2_target - math.log2(spec.base_flops)) * spec.doubling_years
        beyond: Array = np.where(log2_target <= self.ceiling_log2, years, np.inf)
        return beyond


def _sci(value: float) -> str:
    """6.06e37, not 6.06e+37."""
    return f"{value:.3g}".replace("e+", "e")


def resolve(name: str, spec: ProjectionSpec, green500: Sequence[Green500Leader] = ()) -> Projection:
    """A projection against the data: its series as a random walk over its window, started
    at the newest observation (and, for a power cap, the efficiency it grows with)."""
    if isinstance(spec, DoublingProjection):
        return Projection(name, spec, None)
    return _fitted(name, spec, hpl_rmax, tuple(green500))


def _fitted(
    name: str, spec: ProjectionSpec, figure: Figure, green500: tuple[Green500Leader, ...]
) -> Projection:
    assert not isinstance(spec, DoublingProjection)
    ai = spec.series == "ai"
    points = ai_points() if ai else top500_points(figure)
    to_year = math.inf if spec.to_list is None else list_year(spec.to_list)
    try:
        series_fit(points, spec.from_list, spec.to_list)  # the window grew (its check)
        walk = walk_of(points, list_year(spec.from_list), to_year, on_lists=not ai)
    except InputError as exc:  # say which projection's window it is
        raise InputError([replace(p, path=f"projection {name}") for p in exc.problems]) from None
    key = f"{spec.series}:{getattr(figure, '__name__', 'figure')}:{spec.from_list}:{spec.to_list}"
    fitted = Projection(name, spec, None, walk, key)
    if isinstance(spec, TrendProjection | FabricationLimitProjection):
        return fitted
    if ai:
        per = bf16_per_dollar if isinstance(spec, SpendCapProjection) else bf16_per_watt
        efficiency, _ = anchored_fit(ai_points(per), spec.from_list)
        return replace(fitted, efficiency=efficiency)
    if len(green500) < 3:
        raise InputError.at(name, "a power_cap projection needs Green500 leaders")
    return replace(fitted, efficiency=efficiency_fit(green500))


@dataclass(frozen=True)
class History:
    """When the series (the TOP500 #1, or the AI systems) first reached each sample: the past
    is not projected."""

    years: Array
    """The decimal date of the first list whose #1 reached the sample; inf if none has yet."""
    p_reached: float
    median_list: str | None
    """The list (or month) in which the median brain was reached ("YYYY-MM"), None if not yet."""
    median_system: str | None
    newest_list: str
    newest_system: str
    newest_year: float
    series: Series = "top500"
    first_year: float = 1993.46
    """The series' first data point: a value at or below it was reached on or before it."""
    censored: Literal["before"] | None = None
    """"before" when the median was reached by the first data point: the date is an upper
    bound (the series says nothing of earlier machines)."""

    _sorted_reached: dict[bool, Array] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _repeated: dict[int, Array] = field(default_factory=dict, init=False, repr=False, compare=False)

    def reached_ascending(self, repeated: bool) -> Array:
        """The dates of the samples already reached, ascending (`repeated`: each sample
        repeated to the paths' number, as `parity_years` pairs fewer samples than paths).
        Sorted once: the projections of one series share their history."""
        found = self._sorted_reached.get(repeated)
        if found is None:
            known = self.repeated_years() if repeated else self.years
            found = self._sorted_reached[repeated] = _ascending(known[np.isfinite(known)])
        return found

    def repeated_years(self) -> Array:
        """`years` with the samples repeated to the paths' number (made once)."""
        found = self._repeated.get(PATHS)
        if found is None:
            found = self._repeated[PATHS] = self.years[_repeat(self.years.size, PATHS)]
        return found

    @property
    def next_year(self) -> float:
        """The earliest date a value the series has not reached can be reached: the next
        TOP500 list, or the month after the newest AI system."""
        if self.series != "top500":
            return self.newest_year + 1 / 12
        year, month = self.newest_list.split("-")[:2]
        following = f"{year}-11" if month == "06" else f"{int(year) + 1}-06"
        return list_year(following)


_SERIES_ARRAYS: dict[int, tuple[Sequence[Point], Array, Array, Point]] = {}
"""Each series' running best, dates and newest point, by the identity of its (cached)
points: a sweep asks for them thousands of times."""


def _series(points: Sequence[Point]) -> tuple[Sequence[Point], Array, Array, Point]:
    cached = _SERIES_ARRAYS.get(id(points))
    if cached is None or cached[0] is not points:
        best = np.maximum.accumulate(np.array([p.value for p in points]))
        dates = np.array([p.year for p in points] + [math.inf])
        newest = max(points, key=lambda p: p.year)
        cached = _SERIES_ARRAYS[id(points)] = (points, best, dates, newest)
    return cached


def series_arrays(points: Sequence[Point]) -> tuple[Array, Array]:
    """The running best of a series' points, and their dates (then inf), built once."""
    _, best, dates, _ = _series(points)
    return best, dates


def history_of(
    points: Sequence[Point],
    values: Array | float,
    series: Series,
    median: float | None = None,
    ascending: bool | None = None,
) -> History:
    """When the running best of `points` first reached each value (`median`: theirs, and
    `ascending`: whether they are sorted, if that is known already)."""
    _, best, dates, newest = _series(points)
    drawn = _samples(values)
    ascending = _ascending_sample(drawn) if ascending is None else ascending
    if ascending:  # as compare passes them: one search per point, not one per sample
        # the samples up to each point's best first reach it there (or earlier)
        bounds = np.searchsorted(drawn, best, side="right")
        counts = np.diff(bounds, prepend=0, append=drawn.size)
        years, unreached = np.repeat(dates, counts), int(counts[-1])
    else:
        first = np.searchsorted(best, drawn, side="left")  # the first point whose best >= value
        years, unreached = dates[first], int(np.count_nonzero(first == len(points)))
    if median is None:
        median = median_of_sorted(drawn) if ascending else median_of(drawn)
    median_at = int(np.searchsorted(best, median, side="left"))
    reached = median_at < len(points)
    return History(
        years=years,
        # np.mean's share, exactly (an exact count over the size, rounded once), as a
        # Python float: round() on numpy's float rounds 0.98845 down, Python's up
        p_reached=(drawn.size - unreached) / drawn.size,
        median_list=points[median_at].date if reached else None,
        median_system=points[median_at].system if reached else None,
        newest_list=newest.date,
        newest_system=newest.system,
        newest_year=newest.year,
        series=series,
        first_year=points[0].year,
        censored="before" if median_at == 0 else None,
    )


def _samples(values: Array | float) -> Array:
    return np.atleast_1d(np.asarray(values, dtype=np.float64))


def _ascending_sample(drawn: Array) -> bool:
    return bool((drawn[1:] >= drawn[:-1]).all())


def history(compute_flops: Array | float, figure: Figure = hpl_rmax) -> History:
    """When the #1 first reached each value of `figure` (HPL Rmax unless told otherwise)."""
    return history_of(top500_points(figure), compute_flops, "top500")


def ai_history(compute_flops: Array | float) -> History:
    """When an AI system in operation first reached each value, at BF16 dense peak."""
    return history_of(ai_points(), compute_flops, "ai")


def histories(compute_flops: Array | float) -> dict[Series, History]:
    """Both series' histories of one sample (`history` and `ai_history`), its median found
    once for the two."""
    drawn = _samples(compute_flops)
    ascending = _ascending_sample(drawn)
    median = median_of_sorted(drawn) if ascending else median_of(drawn)
    return {
        "top500": history_of(top500_points(hpl_rmax), drawn, "top500", median, ascending),
        "ai": history_of(ai_points(), drawn, "ai", median, ascending),
    }


@dataclass(frozen=True)
class ParityYears:
    """When a projection meets the brain's compute: percentiles over samples, None = never.

    History first: a sample that some list's #1 already reached takes that list's date;
    only samples above the newest #1 are projected (and never before the newest list).
    """

    name: str
    model: str
    year_p5: float | None
    year_median: float | None
    year_p95: float | None
    p_by: dict[int, float]
    doubling_years: float | None
    doubling_interval: tuple[float, float] | None
    p_reached: float = 0.0
    series: Series = "top500"
    curve: tuple[float, ...] = ()
    """P(parity by year) at each of CURVE_YEARS: the share of samples matched by then."""
    first_year: float = -math.inf
    """The series' first data point: a year there means "on or before" (censored)."""
    limit: str | None = None
    """The limit some sample is beyond (never reached), named."""
    forecast: Forecast = "random_walk"
    beyond_horizon: tuple[bool, bool, bool] = (False, False, False)
    """Whether the 5th percentile, the median and the 95th fall after HORIZON_YEAR (their
    year is None but they are not "never")."""

    @property
    def beyond(self) -> int | None:
        """HORIZON_YEAR when a shown year is past it, else None."""
        return HORIZON_YEAR if any(self.beyond_horizon) else None

    def censored(self, year: float | None) -> bool:
        """True when `year` is the first data point's date: reached on or before it."""
        return year is not None and year <= self.first_year


_NEVER = 1e9
_BEYOND = 1e8
LAST_LIST = HORIZON_YEAR + 0.87
"""The date of the forecasts' last list: a later year is ">2200"."""


def log2_targets(compute_flops: Array | float) -> Array:
    """log2 of each sample, for the projections to meet; below 1 FLOP/s counts as 1 (a brain
    that small is matched as early as one of 1 FLOP/s, and log2(0) is -inf)."""
    return np.log2(np.maximum(np.atleast_1d(np.asarray(compute_flops, dtype=np.float64)), 1.0))


def parity_years(
    projection: Projection,
    compute_flops: Array | float,
    past: History | None = None,
    *,
    log2_target: Array | None = None,
    seed: int = DEFAULT_SEED,
) -> ParityYears:
    """History first: a sample some list already reached takes that list's date. The rest
    are projected: on a random walk, sample j meets path j (j mod PATHS; with fewer samples
    than paths every path is used and the samples repeat), at its first list at or above.

    `log2_target`: `log2_targets(compute_flops)`, when several projections share it.
    """
    past = past or history(compute_flops)
    if log2_target is None:
        log2_target = log2_targets(compute_flops)
    walk = projection.walk
    targets, known, repeated = log2_target, past.years, False
    if walk is not None and log2_target.size < PATHS:  # every path, the samples repeated
        again = _repeat(log2_target.size, PATHS)
        targets, known, repeated = log2_target[again], past.repeated_years(), True
    reached = np.isfinite(known)
    todo = targets[~reached]
    never = np.zeros(todo.shape, dtype=bool)
    highest = float(todo.max()) if todo.size else -math.inf
    if highest > projection.ceiling_log2:
        never |= todo > projection.ceiling_log2
    if isinstance(projection.spec, PowerCapProjection) and highest * LOG10_2 > (
        cap := projection.shape.cap_max
    ):
        never |= todo * LOG10_2 > cap
    # only how many samples fall on each date matters (not which): counted, far cheaper
    # than sorting every sample's year
    if walk is None:
        projected = np.asarray(projection.year_reached(todo), dtype=np.float64)
        unreached = ~np.isfinite(projected) | (projected > LAST_LIST)
        projected = np.where(unreached, np.where(never, _NEVER, _BEYOND), projected)
        projected = _ascending(np.maximum(projected, past.next_year))
    elif todo.size:
        paths = projection.paths(seed)
        pairs = np.flatnonzero(~reached)
        if pairs[-1] - pairs[0] + 1 == pairs.size:  # the unreached are one run (compare's)
            counts = paths.passage_counts(todo * LOG10_2, int(pairs[0]))
        else:
            steps = paths.first_passage(todo * LOG10_2, pairs % PATHS)
            counts = np.bincount(steps, minlength=paths.dates.size + 1)
        beyond = int(counts[-1]) - int(np.count_nonzero(never))
        # a value no list has reached is reached on the next list at the earliest
        dates = np.maximum(paths.dates, past.next_year)
        values = np.concatenate((dates, [_BEYOND, _NEVER]))
        # ascending values, repeated: ascending
        projected = np.repeat(values, np.append(counts[:-1], [beyond, counts[-1] - beyond]))
    else:
        projected = np.empty(0)
    # every date history gives is before the next list, where projections start: sorted
    # history, then sorted projections, are sorted
    reached_years = past.reached_ascending(repeated)
    years = np.concatenate((reached_years, projected)) if projected.size else reached_years
    p5, p50, p95 = quantiles_of_sorted(years, (0.05, 0.5, 0.95))  # np.percentile's, exactly
    fixed = (
        projection.spec.doubling_years if isinstance(projection.spec, DoublingProjection) else None
    )
    return ParityYears(
        name=projection.name,
        model=projection.spec.model,
        year_p5=_shown(p5),
        year_median=_shown(p50),
        year_p95=_shown(p95),
        # years is sorted and counts "never" as _NEVER: the share at or before each year
        p_by=dict(
            zip(
                P_BY_YEARS,
                (np.searchsorted(years, _P_BY_AT, side="right") / years.size).tolist(),
                strict=True,
            )
        ),
        curve=tuple((np.searchsorted(years, _CURVE_AT, side="right") / years.size).tolist()),
        doubling_years=walk.doubling_years if walk is not None else fixed,
        doubling_interval=walk.doubling_interval() if walk is not None else None,
        p_reached=past.p_reached,
        series=projection.series,
        first_year=past.first_year,
        limit=projection.limit_beyond(float(log2_target.max())) if years[-1] >= _NEVER else None,
        forecast=projection.forecast,
        beyond_horizon=(_past_horizon(p5), _past_horizon(p50), _past_horizon(p95)),
    )


def _ascending(values: Array) -> Array:
    """`values` sorted: as they are when they come from sorted compute (one pass to see)."""
    if values.size < 2 or bool((values[1:] >= values[:-1]).all()):
        return values
    return np.sort(values)


@cache
def _repeat(size: int, pairs: int) -> AnyArray:
    """Indices 0, 1, ..., size - 1, 0, 1, ... for `pairs` pairs (read-only, made once)."""
    found = np.arange(pairs) % size
    found.flags.writeable = False
    return found


def _shown(value: float) -> float | None:
    """A percentile as a year; None past the last list: a percentile interpolated between a
    year and a sample past the horizon (or never) is past the horizon too, not a year."""
    return None if value > LAST_LIST else value


def _past_horizon(value: float) -> bool:
    """Past the last list without being "never" (exactly _NEVER: every pair beyond a limit)."""
    return LAST_LIST < value < _NEVER


def projection_set(
    scenario_projections: Mapping[str, ProjectionSpec],
    selected: Sequence[str] = (),
    added: Mapping[str, ProjectionSpec] | None = None,
) -> dict[str, ProjectionSpec]:
    """The defaults, then the scenario's, then the command line's; `selected` narrows them."""
    every: dict[str, ProjectionSpec] = {
        **DEFAULT_PROJECTIONS,
        **AI_PROJECTIONS,
        **scenario_projections,
        **(added or {}),
    }
    if not selected:
        return every
    unknown = [n for n in selected if n not in every]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(every), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(every)}"
        raise InputError.at("--projection", f"unknown projection {unknown[0]!r}{hint}")
    return {n: every[n] for n in selected}
