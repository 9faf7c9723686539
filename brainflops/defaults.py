"""Defaults shared by the engine and the CLI (kept here so the CLI need not import numpy)."""

DEFAULT_SAMPLES = 100_000
DEFAULT_SEED = 20150727  # the day Dettmers' essay was published
