"""Projections of the TOP500 #1 system, and the year each one meets a brain's compute.

Years are a distribution over the scenario's samples (the same draws as every other
output); `inf` means never. The trend's own fit uncertainty is reported as an interval on
its doubling time, not folded into the years.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from statistics import NormalDist
from typing import Literal

import numpy as np

from brainflops.engine.expr import BOLTZMANN_J_PER_K
from brainflops.engine.sampling import Array, median_of_sorted, quantiles_of_sorted
from brainflops.errors import InputError
from brainflops.model.data import ai_systems, top500_number1
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

P_BY_YEARS = (2030, 2040, 2050, 2075, 2100)
CURVE_YEARS = tuple(1993 + i / 4 for i in range(4 * (2100 - 1993) + 1))
"""The quarter-years of a P(parity by year) curve, from the first TOP500 list to 2100."""
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

    def year_for(self, log2_value: Array) -> Array:
        return (log2_value - self.intercept) / self.slope

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
    return None if system.power_mw is None else system.bf16_dense_flops / (system.power_mw * 1e6)


def bf16_per_dollar(system: AiSystem) -> float | None:
    cost = system.hardware_cost_usd_2025
    return None if cost is None else system.bf16_dense_flops / cost


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


@cache
def top500_points(figure: Figure = hpl_rmax) -> tuple[Point, ...]:
    """The #1 of every list that has the figure (computed once per figure and process)."""
    return tuple(Point(r.list, list_year(r.list), r.system, v) for r, v in number1_series(figure))


@cache
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
    trend, start = anchored_fit(top500_points(figure), "2013-06")
    return Projection(name, TrendProjection(model="trend"), trend, start_year=start)


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


@dataclass(frozen=True)
class Projection:
    """A projection spec resolved against the data: a function of time, and its inverse."""

    name: str
    spec: ProjectionSpec
    trend: Fit | None
    """The growth of the series, through its newest observation."""
    efficiency: Fit | None = None
    """FLOP/J over time (power caps), or FLOP/s per dollar (spending caps), through the
    newest observation."""
    start_year: float | None = None
    """The date of the newest observation, where the projection starts."""

    @property
    def ceiling_log2(self) -> float:
        """log2 of the physical limit (at the power cap's own bits per FLOP, if it has one)."""
        bits = self.spec.bits_per_flop if isinstance(self.spec, PowerCapProjection) else 1.0
        return math.log2(physical_limit_flops(bits))

    def limit_beyond(self, log2_target: float) -> str | None:
        """The limit a target is beyond, named (None: the projection can reach it)."""
        if log2_target > self.ceiling_log2:
            flops = 2**self.ceiling_log2
            return (
                "beyond the physical limit: the Landauer bound at 300 K on all the sunlight "
                f"that reaches the Earth, {_sci(flops)} FLOP/s"
            )
        spec = self.spec
        if isinstance(spec, PowerCapProjection):
            cap = spec.power_budget_w * self.max_flops_per_joule
            if log2_target > math.log2(cap):
                return (
                    f"beyond the power cap: {_sci(spec.power_budget_w)} W at "
                    f"{_sci(self.max_flops_per_joule)} FLOP/J, {_sci(cap)} FLOP/s"
                )
        return None

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

    def log2_flops(self, year: Array) -> Array:
        """log2 of the projected #1 system's FLOP/s at each (decimal) year."""
        spec, trend = self.spec, self.trend
        if isinstance(spec, DoublingProjection):
            return math.log2(spec.base_flops) + (year - spec.base_date) / spec.doubling_years
        assert trend is not None
        grown: Array = np.minimum(np.asarray(trend.log2_at(year)), self.ceiling_log2)
        if isinstance(spec, FabricationLimitProjection):
            end = self._scaling_ends
            at_end = float(trend.log2_at(end))
            after = at_end + (year - end) / spec.after_doubling_years
            slowed: Array = np.minimum(np.where(year <= end, grown, after), self.ceiling_log2)
            return slowed
        if isinstance(spec, PowerCapProjection | SpendCapProjection):
            assert self.efficiency is not None
            efficiency = np.asarray(self.efficiency.log2_at(year))
            if isinstance(spec, PowerCapProjection):
                efficiency = np.minimum(efficiency, math.log2(self.max_flops_per_joule))
            capped: Array = np.minimum(grown, self.budget + efficiency)
            return capped
        return grown

    @property
    def _scaling_ends(self) -> float:
        """When the fabrication limit's slower growth starts: never before the newest
        observation (a limit already passed slows growth from there on)."""
        spec = self.spec
        assert isinstance(spec, FabricationLimitProjection)
        return max(spec.scaling_ends, self.start_year or -math.inf)

    def year_reached(self, log2_target: Array) -> Array:
        """The first year the projection meets each target (inf: never, as beyond the
        physical limit)."""
        years = self._year_reached(log2_target)
        beyond: Array = np.where(log2_target <= self.ceiling_log2, years, np.inf)
        return beyond

    def _year_reached(self, log2_target: Array) -> Array:
        spec, trend = self.spec, self.trend
        if isinstance(spec, DoublingProjection):
            return spec.base_date + (log2_target - math.log2(spec.base_flops)) * spec.doubling_years
        assert trend is not None
        by_trend = trend.year_for(log2_target)
        if isinstance(spec, FabricationLimitProjection):
            end = self._scaling_ends
            at_end = float(trend.log2_at(end))
            later = end + (log2_target - at_end) * spec.after_doubling_years
            return np.where(by_trend <= end, by_trend, later)
        if isinstance(spec, PowerCapProjection | SpendCapProjection):
            assert self.efficiency is not None
            needed = log2_target - self.budget  # log2 FLOP/J, or log2 FLOP/s per dollar
            by_efficiency = self.efficiency.year_for(needed)
            if isinstance(spec, SpendCapProjection):
                return np.maximum(by_trend, by_efficiency)
            reachable = needed <= math.log2(self.max_flops_per_joule)
            return np.where(reachable, np.maximum(by_trend, by_efficiency), np.inf)
        return by_trend


def _sci(value: float) -> str:
    """6.06e37, not 6.06e+37."""
    return f"{value:.3g}".replace("e+", "e")


def resolve(name: str, spec: ProjectionSpec, green500: Sequence[Green500Leader] = ()) -> Projection:
    """A projection against the data: fitted over its window, started at the newest
    observation of its series (and, for a power cap, of the efficiency it grows with)."""
    if isinstance(spec, DoublingProjection):
        return Projection(name, spec, None)
    points = ai_points() if spec.series == "ai" else top500_points()
    trend, start = anchored_fit(points, spec.from_list, spec.to_list)
    if isinstance(spec, TrendProjection | FabricationLimitProjection):
        return Projection(name, spec, trend, start_year=start)
    if spec.series == "ai":
        per = bf16_per_dollar if isinstance(spec, SpendCapProjection) else bf16_per_watt
        efficiency, _ = anchored_fit(ai_points(per), spec.from_list)
        return Projection(name, spec, trend, efficiency, start)
    if len(green500) < 3:
        raise InputError.at(name, "a power_cap projection needs Green500 leaders")
    return Projection(name, spec, trend, efficiency_fit(tuple(green500)), start)


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

    @property
    def next_year(self) -> float:
        """The earliest date a value the series has not reached can be reached: the next
        TOP500 list, or the month after the newest AI system."""
        if self.series != "top500":
            return self.newest_year + 1 / 12
        year, month = self.newest_list.split("-")[:2]
        following = f"{year}-11" if month == "06" else f"{int(year) + 1}-06"
        return list_year(following)


def history_of(points: Sequence[Point], values: Array | float, series: Series) -> History:
    """When the running best of `points` first reached each value."""
    best = np.maximum.accumulate(np.array([p.value for p in points]))
    dates = np.array([p.year for p in points] + [math.inf])
    drawn = np.atleast_1d(np.asarray(values, dtype=np.float64))
    first = np.searchsorted(best, drawn, side="left")  # the first point whose best >= value
    ascending = bool((drawn[1:] >= drawn[:-1]).all())  # as compare passes them
    median = median_of_sorted(drawn) if ascending else float(np.median(drawn))
    median_at = int(np.searchsorted(best, median, side="left"))
    reached = median_at < len(points)
    newest = max(points, key=lambda p: p.year)
    return History(
        years=dates[first],
        p_reached=float(np.mean(first < len(points))),
        median_list=points[median_at].date if reached else None,
        median_system=points[median_at].system if reached else None,
        newest_list=newest.date,
        newest_system=newest.system,
        newest_year=newest.year,
        series=series,
        first_year=points[0].year,
        censored="before" if median_at == 0 else None,
    )


def history(compute_flops: Array | float, figure: Figure = hpl_rmax) -> History:
    """When the #1 first reached each value of `figure` (HPL Rmax unless told otherwise)."""
    return history_of(top500_points(figure), compute_flops, "top500")


def ai_history(compute_flops: Array | float) -> History:
    """When an AI system in operation first reached each value, at BF16 dense peak."""
    return history_of(ai_points(), compute_flops, "ai")


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

    def censored(self, year: float | None) -> bool:
        """True when `year` is the first data point's date: reached on or before it."""
        return year is not None and year <= self.first_year


_NEVER = 1e9


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
) -> ParityYears:
    """`log2_target`: `log2_targets(compute_flops)`, when several projections share it."""
    past = past or history(compute_flops)
    if log2_target is None:
        log2_target = log2_targets(compute_flops)
    reached = np.isfinite(past.years)
    # from sorted compute, the samples some list already reached come first: only the rest
    # are projected (unsorted, every sample is)
    first = int(np.count_nonzero(reached))
    if not reached[:first].all():
        first = 0
    projected = np.asarray(projection.year_reached(log2_target[first:]), dtype=np.float64)
    # a value no list has reached is reached on the next list at the earliest
    later = np.where(reached[first:], past.years[first:], np.maximum(projected, past.next_year))
    years = np.concatenate((past.years[:first], later))
    capped = np.where(np.isfinite(years), years, _NEVER)
    if not (capped[1:] >= capped[:-1]).all():  # compare passes sorted compute: years follow
        capped.sort()
    p5, p50, p95 = quantiles_of_sorted(capped, (0.05, 0.5, 0.95))  # np.percentile's, exactly
    trend = projection.trend

    def shown(value: float) -> float | None:
        return None if value >= _NEVER / 2 else value

    fixed = (
        projection.spec.doubling_years if isinstance(projection.spec, DoublingProjection) else None
    )
    return ParityYears(
        name=projection.name,
        model=projection.spec.model,
        year_p5=shown(p5),
        year_median=shown(p50),
        year_p95=shown(p95),
        # capped is sorted and counts "never" as _NEVER: the share at or before each year
        p_by=dict(
            zip(
                P_BY_YEARS,
                (np.searchsorted(capped, P_BY_YEARS, side="right") / capped.size).tolist(),
                strict=True,
            )
        ),
        curve=tuple(
            (np.searchsorted(capped, np.array(CURVE_YEARS), side="right") / capped.size).tolist()
        ),
        doubling_years=trend.doubling_years if trend is not None else fixed,
        doubling_interval=trend.doubling_interval() if trend is not None else None,
        p_reached=past.p_reached,
        series=projection.series,
        first_year=past.first_year,
        limit=projection.limit_beyond(float(log2_target.max()))
        if capped[-1] >= _NEVER / 2
        else None,
    )


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
