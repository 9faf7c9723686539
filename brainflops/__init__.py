"""brainflops: auditable estimates of the brain's compute, memory and bandwidth.

The package root stays light (no numpy, no pydantic) so that `brainflops --help` starts fast.
"""

__version__ = "0.1.0"
