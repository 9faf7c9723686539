"""Layer 1: reading files safely, keeping the position of every node."""

from brainflops.io.yaml import Document, Position, load_yaml, parse_yaml

__all__ = ["Document", "Position", "load_yaml", "parse_yaml"]
