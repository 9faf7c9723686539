"""What a report knows of one scenario once it is analysed: the Markdown and the figures
are written from it (its own module, so that the writers and the report import it alike)."""

from __future__ import annotations

from dataclasses import dataclass, field

from brainflops.analysis.check import CheckResult
from brainflops.analysis.compare import Comparison
from brainflops.analysis.sensitivity import Sensitivity
from brainflops.analysis.sweep import Sweep
from brainflops.engine.evaluate import Estimate


@dataclass(frozen=True)
class ScenarioReport:
    path: str
    estimate: Estimate
    comparison: Comparison
    sensitivity: Sensitivity | None
    checks: list[CheckResult]
    sweeps: dict[str, Sweep] = field(default_factory=dict)
    log10_compute_quantiles: tuple[float, ...] = ()
    """log10 of compute at each of CDF_PROBS (empty for a point estimate)."""
    figures: tuple[tuple[str, str | None, str], ...] = ()
    """Its own figures, drawn where it was analysed: (file, caption in its section or None,
    SVG)."""
    ref: str = ""
    """What names it on the command line: a bundled scenario's name, else its path."""


__all__ = ["ScenarioReport"]
