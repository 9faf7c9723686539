"""Layer 4: comparisons with machines, projections, diff and attribution, sensitivity, checks."""
