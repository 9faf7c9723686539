"""Random-walk forecasts and their backtest: checked where the truth is known.

A walk drawn from the model itself must be covered at the nominal rates; a series with a
known drift must give it back; with no noise, first passages are exact and computed by hand.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from brainflops.analysis.backtest import backtest, hindcast
from brainflops.analysis.forecast import (
    LOG10_2,
    PATHS,
    Shape,
    Walk,
    fit_walk,
    list_dates,
    shaped,
    simulate,
    stream,
    wander,
)
from brainflops.analysis.projections import (
    DEFAULT_PROJECTIONS,
    P_BY_YEARS,
    parity_years,
    resolve,
)
from brainflops.model.data import bundled_machines
from brainflops.model.projections import FabricationLimitProjection
from tests.conftest import invoke


def _synthetic(rng: np.random.Generator, drift: float, k: float, lists: int) -> np.ndarray:
    """log10 of a series observed at every list: steps N(drift·gap, k²·gap)."""
    dates = list_dates(1999.9, 1999.9 + lists / 2)[:lists]
    gaps = np.diff(np.concatenate(([dates[0]], dates)))
    steps = drift * gaps + k * np.sqrt(gaps) * rng.standard_normal(lists)
    return np.vstack((dates, 10.0 + np.cumsum(steps)))


def test_a_known_drift_and_step_variance_are_recovered() -> None:
    # 200 years of lists at 0.2 decades a year with K = 0.1: the drift's standard error is
    # K / sqrt(T) = 0.1 / sqrt(199.5) = 0.0071, K² = 0.01 ± about 10% (400 steps)
    rng = np.random.default_rng(7)
    dates, log10 = _synthetic(rng, 0.2, 0.1, 400)
    for lag in (None, 2.0):
        walk = fit_walk(dates, log10, lag_years=lag)
        assert walk.drift_se == pytest.approx(math.sqrt(walk.k2_per_year / walk.window_years))
        assert abs(walk.drift_per_year - 0.2) < 3 * 0.1 / math.sqrt(walk.window_years)
        assert walk.k2_per_year == pytest.approx(0.01, rel=0.3)
        assert walk.start_year == dates[-1] and walk.start_log10 == log10[-1]


def test_the_drift_is_the_mean_step_per_year() -> None:
    # 1, 2, 4, 8 FLOP/s at 2000.46, 2000.87, 2001.46, 2001.87: log10 rises 3 × 0.30103 over
    # 1.41 years, 0.64049 a year; every step rises 0.30103 but they take 0.41 or 0.59 years
    walk = fit_walk([2000.46, 2000.87, 2001.46, 2001.87], np.log10([1, 2, 4, 8]), lag_years=None)
    assert walk.drift_per_year == pytest.approx(3 * LOG10_2 / 1.41)
    # K² = Σ (rise - drift × gap)² / gap / (n - 1) over the three steps
    d = 3 * LOG10_2 / 1.41
    by_hand = sum((LOG10_2 - d * g) ** 2 / g for g in (0.41, 0.59, 0.41)) / 2
    assert walk.k2_per_year == pytest.approx(by_hand)
    assert walk.doubling_years == pytest.approx(LOG10_2 / d)


@pytest.mark.parametrize("lag", [None, 2.0])
def test_walks_drawn_from_the_model_are_covered_at_nominal_rates(lag: float | None) -> None:
    """400 independent series from the model, each fitted on 13 years and forecast 1 and 10
    years ahead: the realised values fall in the 50% and 90% intervals at those rates,
    within three binomial standard errors (sqrt(0.09 / 400) = 0.015 for 90%)."""
    rng = np.random.default_rng(2015)
    window, ahead = 26, 20  # 13 years of lists, then 10 years
    inside = {1: [], 10: []}  # horizon: (in50, in90) per series
    for i in range(400):
        dates, log10 = _synthetic(rng, 0.15, 0.12, window + ahead)
        walk = fit_walk(dates[:window], log10[:window], lag_years=lag)
        future = dates[window:]
        paths = simulate(walk, future, PATHS, stream(i, "coverage"))
        for h, column in ((1, 1), (10, ahead - 1)):
            q = np.quantile(paths[:, column], (0.05, 0.25, 0.75, 0.95))
            real = log10[window + column]
            inside[h].append((q[1] <= real <= q[2], q[0] <= real <= q[3]))
    for h, hits in inside.items():
        cover50, cover90 = np.mean(hits, axis=0)
        assert abs(cover50 - 0.5) < 3 * math.sqrt(0.25 / 400), (h, cover50)
        assert abs(cover90 - 0.9) < 3 * math.sqrt(0.09 / 400), (h, cover90)


def test_the_backtest_scores_a_walk_from_its_own_model_as_calibrated() -> None:
    # one long series from the model (60 years of lists): pooled coverage near nominal
    rng = np.random.default_rng(11)
    dates, log10 = _synthetic(rng, 0.2, 0.1, 120)
    origins, walk, naive = hindcast(dates, 10**log10, window_years=13, lag_years=None)
    pooled = walk.table(scored=True).pooled
    assert len(origins) > 60 and pooled.cover90 is not None and pooled.cover50 is not None
    assert 0.8 <= pooled.cover90 <= 0.97 and 0.38 <= pooled.cover50 <= 0.62
    # a point forecast covers nothing: its intervals have no width
    assert naive.table(scored=True).pooled.cover90 == 0.0


def _still(start: float, log10: float, drift: float) -> Walk:
    """A walk with no noise and no drift error: its path is a line."""
    return Walk(start, log10, drift, 0.0, 0.0, 10.0, 10)


def _line(walk: Walk, shape: Shape, until: float = 2100.87) -> tuple[np.ndarray, np.ndarray]:
    dates = list_dates(walk.start_year, until)
    noise = np.zeros((1, dates.size), dtype=np.float32)
    return dates, shaped(
        walk, dates, wander(walk, dates, noise), np.array([walk.drift_per_year]), shape
    )[0]


def test_without_noise_a_path_is_its_line_bent_by_the_shape() -> None:
    walk = _still(2026.46, 18.0, 0.1)
    dates, free = _line(walk, Shape())
    # 18 + 0.1 × (t - 2026.46): 19.0 at 2036.46
    assert free[dates == 2036.46][0] == pytest.approx(19.0, abs=1e-5)
    # a fabrication limit in 2030, then 4 years per doubling: 18.354 at 2030, then
    # log10(2) / 4 = 0.07526 a year: 18.354 + 0.07526 × 20 = 19.859 at 2050
    slow = Shape(slow_after=2030.0, slow_drift_per_year=LOG10_2 / 4)
    dates, bent = _line(walk, slow)
    at_2050_46 = 18.0 + 0.1 * (2030.0 - 2026.46) + LOG10_2 / 4 * (2050.46 - 2030.0)
    assert bent[np.isclose(dates, 2050.46)][0] == pytest.approx(at_2050_46, abs=1e-5)
    # a cap of 10^18.5 flat: the line is held there from 2031.46 on (18 + 0.1 × 5 = 18.5)
    dates, capped = _line(walk, Shape(cap_max=18.5))
    assert capped.max() == pytest.approx(18.5, abs=1e-6)
    assert capped[dates < 2031.0].max() < 18.5


def test_the_cap_clips_each_step_like_a_loop_would() -> None:
    # Z_k = min(C_k, Z_{k-1} + step_k), step by step, against the vectorised form
    walk = Walk(2026.46, 18.0, 0.3, 0.05, 0.04, 10.0, 20)
    dates = list_dates(walk.start_year, 2060.0)
    rng = np.random.default_rng(3)
    noise = rng.standard_normal((5, dates.size)).astype(np.float32)
    drift = 0.3 + 0.05 * rng.standard_normal(5)
    shape = Shape(cap_at_0=18.2 - 0.05 * 2026.46, cap_growth_per_year=0.05, cap_max=19.5)
    got = shaped(walk, dates, wander(walk, dates, noise.copy()), drift, shape)
    gaps = np.diff(np.concatenate(([walk.start_year], dates)))
    cap = shape.cap(dates)
    for row in range(5):
        z = walk.start_log10
        for k in range(dates.size):
            step = drift[row] * gaps[k] + math.sqrt(walk.k2_per_year * gaps[k]) * noise[row, k]
            z = min(cap[k], z + step)
            assert got[row, k] == pytest.approx(z, abs=1e-4)


def _projection(name: str = "trend-2013") -> Any:
    return resolve(name, DEFAULT_PROJECTIONS[name], bundled_machines().green500)


def test_parity_years_of_a_line_are_its_first_list_at_or_above() -> None:
    p = _projection()
    still = replace(p, walk=_still(2026.46, 18.0, 0.1))
    # 10^19.05: 18 + 0.1 × (t - 2026.46) ≥ 19.05 from t = 2036.96: the June 2037 list
    years = parity_years(still, 10**19.05)
    assert years.year_median == years.year_p5 == years.year_p95 == 2037.46
    assert years.forecast == "random_walk"
    # a passed fabrication limit: 4 years per doubling from June 2026: 10^19 × 2 in 2030.46
    # (above every #1 so far: history does not reach it)
    spec = FabricationLimitProjection(
        model="fabrication_limit", scaling_ends=2020.0, after_doubling_years=4.0
    )
    limit = replace(resolve("f", spec), walk=_still(2026.46, 19.0, 0.1))
    assert parity_years(limit, 2e19 * 0.9999).year_median == 2030.46
    # past the horizon: None, beyond 2200; never only past a limit
    far = parity_years(still, 1e36)  # 18 decades at 0.1 a year: 2206
    assert far.year_median is None and far.beyond == 2200 and far.limit is None
    assert far.beyond_horizon == (True, True, True)


def test_a_percentile_between_a_year_and_past_the_horizon_is_past_the_horizon() -> None:
    """100 of 2,000 draws met in 2037, the rest past 2200: the 5th percentile sits at
    virtual index 1,999 × 0.05 = 99.95, between the 100th year (2037.46) and the first past
    the horizon. Interpolating with the sentinel gave 2037.46 + 0.95 × (1e8 - 2037.46),
    about 95 million, printed as a year; it is past 2200."""
    still = replace(_projection(), walk=_still(2026.46, 18.0, 0.1))
    draws = np.array([10**19.05] * 100 + [1e36] * 1_900)  # 2037.46, and 2206 (past 2200)
    years = parity_years(still, draws)
    assert years.year_p5 is None and years.year_median is None and years.year_p95 is None
    assert years.beyond_horizon == (True, True, True) and years.beyond == 2200
    # 101 met: index 99 and 100 are both 2037.46
    met = parity_years(still, np.array([10**19.05] * 101 + [1e36] * 1_899))
    assert met.year_p5 == 2037.46 and met.beyond_horizon == (False, True, True)


def test_a_point_brain_gets_probabilities_between_0_and_1() -> None:
    """dettmers-2015 (one number): every fitted projection whose median year lies in
    2030-2100 has some year with 0 < P < 1, and P never falls as the years pass."""
    doc = json.loads(invoke("compare", "dettmers-2015", "--json").stdout)
    assert doc["compute_flops"]["p5"] == doc["compute_flops"]["p95"]
    checked = 0
    for name, p in doc["projections"].items():
        shares = [p["p_by"][str(y)] for y in P_BY_YEARS]
        assert shares == sorted(shares), name
        if p["forecast"] == "random_walk" and 2030 <= (p["year_median"] or 0) <= 2100:
            assert any(0 < s < 1 for s in shares), name
            checked += 1
        if p["forecast"] == "assumption":
            assert set(shares) <= {0.0, 1.0}, name  # a fixed line: the brain's spread only
    assert checked >= 3  # trend-2013, fabrication-limit-2025, power-cap-100mw


def test_the_same_seed_gives_the_same_json_and_another_seed_other_paths() -> None:
    first = invoke("compare", "dettmers-2015", "--json", "-n", "20000").stdout
    again = invoke("compare", "dettmers-2015", "--json", "-n", "20000").stdout
    other = invoke("compare", "dettmers-2015", "--json", "-n", "20000", "--seed", "1").stdout
    assert first == again
    p, q = json.loads(first)["projections"], json.loads(other)["projections"]
    assert p["trend-2013"]["p_by"] != q["trend-2013"]["p_by"]


def test_the_top500_backtest_is_calibrated_and_no_worse_than_the_point_trend() -> None:
    result = backtest("top500")
    pooled, naive = result.walk.pooled, result.naive.pooled
    assert pooled.cover90 is not None and pooled.cover50 is not None
    assert 0.80 <= pooled.cover90 <= 0.995 and 0.40 <= pooled.cover50 <= 0.75
    assert pooled.median_abs_log10_error is not None
    assert naive.median_abs_log10_error is not None
    assert pooled.median_abs_log10_error <= 1.1 * naive.median_abs_log10_error
    assert result.origins[0] == "2000-06" and result.window_years == 13.0
    assert result.scored and result.calibrated
    # every horizon is scored, 1 to 15 years; n falls as the horizon grows past the data
    assert [h.h_years for h in result.walk.by_horizon] == list(range(1, 16))


def test_the_ai_series_is_too_short_to_score_and_says_so() -> None:
    doc = json.loads(invoke("backtest", "--series", "ai", "--json").stdout)
    assert doc["scored"] is False and doc["calibrated"] is None
    assert doc["pooled"]["n"] > 0 and doc["pooled"]["cover90"] is None
    assert doc["note"].startswith("too short to score")


def test_the_backtest_json_has_the_documented_keys() -> None:
    doc = json.loads(invoke("backtest", "--json").stdout)
    assert {"series", "method", "window_years", "origins", "by_horizon", "pooled"} <= set(doc)
    assert {"thresholds", "naive"} <= set(doc)
    row = doc["by_horizon"][0]
    assert set(row) == {
        "h_years",
        "n",
        "cover50",
        "cover90",
        "median_abs_log10_error",
        "mean_log10_error",
    }
    assert set(doc["naive"]) == {"by_horizon", "pooled", "thresholds"}
    assert doc["method"] == "random_walk" and doc["series"] == "top500"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--series", "nasdaq"], "unknown series 'nasdaq'"),
        (["--window", "0.5"], "a window of 0.5 years"),
        (["--variance", "daily"], "unknown 'daily'"),
    ],
)
def test_bad_backtest_options_are_refused_in_one_line(args: list[str], message: str) -> None:
    result = invoke("backtest", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_documented_backtest_table_is_what_the_code_prints() -> None:
    from tests.conftest import ROOT

    page = (ROOT / "docs" / "forecasts.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("*"): [c.strip().strip("*") for c in line.split("|")[2:]]
        for line in page.splitlines()
        if line.startswith("| top500") or line.startswith("| **top500")
    }
    for label, (series, window) in {
        "top500, 13 y, two-year (default)": ("top500", None),
        "top500-sum, 13 y, two-year": ("top500-sum", None),
        "top500, all since 1993, step": ("top500", 40.0),
    }.items():
        variance = "step" if label.endswith("step") else "two-year"
        result = backtest(series, window_years=window, variance=variance)  # type: ignore[arg-type]
        pooled = result.walk.pooled
        origins, n, cover50, cover90 = rows[label][:4]
        assert int(origins) == len(result.origins) and int(n.replace(",", "")) == pooled.n
        assert (cover50, cover90) == (f"{pooled.cover50:.2f}", f"{pooled.cover90:.2f}"), label
