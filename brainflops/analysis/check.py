"""`brainflops check`: does every scenario still reproduce what its source published?"""

from __future__ import annotations

import math
from dataclasses import dataclass

from brainflops.analysis.compare import compare
from brainflops.analysis.projections import projection_set
from brainflops.engine.evaluate import Estimate
from brainflops.model.machines import MachinesFile
from brainflops.model.scenario import OUTPUTS, ExpectOutput


@dataclass(frozen=True)
class CheckResult:
    scenario: str
    check: str
    found: float | None
    published: str
    passed: bool


def _close(found: float, expect: ExpectOutput) -> bool:
    if expect.rel_tol is not None:
        return abs(found - expect.value) <= expect.rel_tol * abs(expect.value)
    assert expect.log10_tol is not None
    return found > 0 and abs(math.log10(found) - math.log10(expect.value)) <= expect.log10_tol


def _tolerance(expect: ExpectOutput) -> str:
    if expect.rel_tol is not None:
        return f"± {expect.rel_tol:.2%}"
    return f"± {expect.log10_tol:g} decades"


def check_estimate(est: Estimate, machines: MachinesFile) -> list[CheckResult]:
    """Every `expect` of the scenario against its estimate (and projections, if named)."""
    s = est.scenario
    results: list[CheckResult] = []
    for output in OUTPUTS:
        expect = getattr(s.expect, output)
        if expect is None:
            continue
        stats = est.stats[output]
        found = None if stats is None else stats.median
        published = f"{expect.value:.4g} {_tolerance(expect)}"
        passed = found is not None and _close(found, expect)
        results.append(CheckResult(s.name, output, found, published, passed))
        if expect.within is not None:
            low, high = expect.within
            slack = 1e-9
            inside = stats is not None and (
                stats.p5 >= low * (1 - slack) and stats.p95 <= high * (1 + slack)
            )
            results.append(
                CheckResult(
                    s.name,
                    f"{output} 90%",
                    None if stats is None else stats.p5,
                    f"within {low:.3g} – {high:.3g}",
                    inside,
                )
            )
    if s.expect.projections:
        known = projection_set(s.projections)
        names = [n for n in s.expect.projections if n in known]
        years = {p.name: p for p in compare(est, machines, (), names).projections} if names else {}
        for name, expect in s.expect.projections.items():
            if name not in years:
                published = f"{expect.year:g} (no projection named {name!r})"
                results.append(CheckResult(s.name, f"projection {name}", None, published, False))
                continue
            found = years[name].year_median
            passed = found is not None and abs(found - expect.year) <= expect.abs_tol
            published = f"{expect.year:g} ± {expect.abs_tol:g}"
            results.append(CheckResult(s.name, f"projection {name}", found, published, passed))
    return results
