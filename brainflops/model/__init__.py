"""Layer 2: pydantic models of scenarios, distributions, machines and projections."""
