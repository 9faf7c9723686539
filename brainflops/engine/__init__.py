"""Layer 3: pure functions from a validated scenario to samples and summaries of every output."""

from brainflops.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from brainflops.engine.core import Estimate, Stats
from brainflops.engine.run import estimate

__all__ = ["DEFAULT_SAMPLES", "DEFAULT_SEED", "Estimate", "Stats", "estimate"]
