"""`brainflops check`: does every scenario still reproduce what its source published?"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from brainflops.analysis.compare import compare
from brainflops.analysis.projections import projection_set
from brainflops.engine.evaluate import Estimate, Stats
from brainflops.model.machines import MachinesFile
from brainflops.model.scenario import OUTPUTS, ExpectOutput, Scenario


@dataclass(frozen=True)
class CheckResult:
    scenario: str
    check: str
    found: float | None
    published: str
    passed: bool
    derived: bool = False
    where: str | None = None
    found_high: float | None = None
    """The 95th percentile, for an interval (then `found` is the 5th)."""

    @property
    def found_text(self) -> str:
        if self.found is None:
            return "–"
        if self.found_high is None:
            return f"{self.found:.4g}"
        return f"{self.found:.3g} – {self.found_high:.3g}"

    @property
    def origin(self) -> str:
        """`derived` (brainflops' arithmetic) or `printed` (a figure in the source)."""
        return "derived" if self.derived else "printed"


SLACK = 1e-9
"""Relative slack on bounds, so a median that equals a bound by arithmetic passes it."""


def _within_decades(found: float, published: float, decades: float) -> bool:
    return found > 0 and abs(math.log10(found) - math.log10(published)) <= decades


def _point(found: float, expect: ExpectOutput) -> bool:
    assert expect.value is not None
    if expect.rel_tol is not None:
        return abs(found - expect.value) <= expect.rel_tol * abs(expect.value)
    assert expect.log10_tol is not None
    return _within_decades(found, expect.value, expect.log10_tol)


def _bound_text(expect: ExpectOutput) -> str:
    if expect.at_least is not None:
        return f"at least {expect.at_least:.4g}"
    return f"at most {expect.at_most:.4g}"


def _bound_holds(median: float, expect: ExpectOutput) -> bool:
    if expect.at_least is not None:
        return median >= expect.at_least * (1 - SLACK)
    assert expect.at_most is not None
    return median <= expect.at_most * (1 + SLACK)


def check_output(
    scenario: str, output: str, stats: Stats | None, expect: ExpectOutput
) -> list[CheckResult]:
    """One `expect` entry against the summary of its output: one row per statement."""
    rows: list[tuple[str, float | None, float | None, str, bool]] = []
    median = None if stats is None else stats.median
    if expect.value is not None:
        if expect.rel_tol is not None:
            published = f"{expect.value:.4g} ± {expect.rel_tol:.2%}"
        else:
            published = f"{expect.value:.4g} ± {expect.log10_tol:g} decades"
        rows.append(
            (output, median, None, published, median is not None and _point(median, expect))
        )
    if expect.p5 is not None and expect.p95 is not None:
        assert expect.log10_tol is not None
        tol = expect.log10_tol
        published = f"{expect.p5:.3g} – {expect.p95:.3g} ± {tol:g} decades"
        holds = stats is not None and (
            _within_decades(stats.p5, expect.p5, tol)
            and _within_decades(stats.p95, expect.p95, tol)
        )
        low, high = (None, None) if stats is None else (stats.p5, stats.p95)
        rows.append((f"{output} 90%", low, high, published, holds))
    if expect.bounded:
        holds = median is not None and _bound_holds(median, expect)
        rows.append((output, median, None, _bound_text(expect), holds))
    if expect.within is not None:
        lo, hi = expect.within
        inside = (
            stats is not None and stats.p5 >= lo * (1 - SLACK) and stats.p95 <= hi * (1 + SLACK)
        )
        low, high = (None, None) if stats is None else (stats.p5, stats.p95)
        rows.append((f"{output} 90%", low, high, f"within {lo:.3g} – {hi:.3g}", inside))
    return [
        CheckResult(scenario, label, found, published, passed, expect.derived, expect.where, high)
        for label, found, high, published, passed in rows
    ]


def check_estimate(est: Estimate, machines: MachinesFile) -> list[CheckResult]:
    """Every `expect` of the scenario against its estimate (and projections, if named)."""
    s = est.scenario
    results: list[CheckResult] = []
    for output in OUTPUTS:
        expect = getattr(s.expect, output)
        if expect is not None:
            results += check_output(s.name, output, est.stats[output], expect)
    if s.expect.projections:
        known = projection_set(s.projections)
        names = [n for n in s.expect.projections if n in known]
        years = {p.name: p for p in compare(est, machines, (), names).projections} if names else {}
        for name, expect in s.expect.projections.items():
            found = years[name].year_median if name in years else None
            if name in years:
                published = f"{expect.year:g} ± {expect.abs_tol:g}"
            else:
                published = f"{expect.year:g} (no projection named {name!r})"
            passed = found is not None and abs(found - expect.year) <= expect.abs_tol
            results.append(
                CheckResult(
                    s.name,
                    f"projection {name}",
                    found,
                    published,
                    passed,
                    expect.derived,
                    expect.where,
                )
            )
    return results


Verdict = Literal["reproduced", "derived", "bound", "not reproduced", "no published figure"]


def verdict(scenario: Scenario, results: Sequence[CheckResult]) -> Verdict:
    """What the check says of a scenario's compute: does it say what its source said?"""
    expect = scenario.expect.compute_flops
    if expect is None:
        return "no published figure"
    if not all(r.passed for r in results if r.check.startswith("compute_flops")):
        return "not reproduced"
    if expect.derived:
        return "derived"
    published = scenario.published
    if expect.kind == "bound" or (published is not None and published.kind == "bound"):
        return "bound"
    return "reproduced"
