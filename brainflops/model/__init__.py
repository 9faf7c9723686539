"""Layer 2: pydantic models of scenarios, distributions, machines and projections."""

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
"""The package's bundled data (tables of machines, chips and training runs)."""
