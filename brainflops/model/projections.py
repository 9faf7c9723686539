"""Projection specs: how the #1 supercomputer is extrapolated forward in time (docs/machines.md)."""

# The models' annotations are evaluated as each class is defined (no `from __future__
# import annotations`): pydantic would compile and evaluate each from its text, at every
# start of the command line. Forward references are quoted.

from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, model_validator

from brainflops.model.quantity import Frozen, Number

LIST_DATE = r"^(19|20)\d\d-(06|11)$"


Series = Literal["top500", "ai"]
"""Which machines a projection extends: the TOP500 #1 (HPL FP64) or the leading AI systems
(BF16 dense peak, Epoch AI)."""


class _Window(Frozen):
    model_config = ConfigDict(populate_by_name=True)

    from_list: str = Field(default="2013-06", alias="from", pattern=LIST_DATE)
    to_list: str | None = Field(default=None, alias="to", pattern=LIST_DATE)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.to_list is not None and self.to_list <= self.from_list:
            raise ValueError(f"'to' ({self.to_list}) must come after 'from' ({self.from_list})")
        return self


class TrendProjection(_Window):
    """Least-squares fit of log2(compute) over a window of the series, extended."""

    model: Literal["trend"]
    series: Series = "top500"


class DoublingProjection(Frozen):
    """A fixed doubling time from a base value and date (Dettmers: 0.58 PFLOP/s in 2015.57)."""

    model: Literal["doubling"]
    base_flops: Number = Field(gt=0)
    base_date: Number = Field(ge=1940, le=2200, description="decimal year")
    doubling_years: Number = Field(gt=0, le=1000)


class FabricationLimitProjection(_Window):
    """The fitted trend until transistor scaling ends, then a slower doubling time."""

    model: Literal["fabrication_limit"]
    series: Series = "top500"
    scaling_ends: Number = Field(ge=1990, le=2200, description="decimal year")
    after_doubling_years: Number = Field(gt=0, le=1000)


class PowerCapProjection(_Window):
    """The fitted trend, capped at power_budget_w × efficiency(t).

    Efficiency follows the Green500 leaders' fitted trend up to `max_flops_per_joule`
    (default: the Landauer bound k_B·T·ln 2 per erased bit, at `temperature_k`, with
    `bits_per_flop` bits erased per FLOP).
    """

    model: Literal["power_cap"]
    series: Series = "top500"
    # bounded so that k_B·T·ln 2·bits (about 1e-23 J at 1 K) can neither underflow nor vanish
    power_budget_w: Number = Field(ge=1e-3, le=1e15)
    max_flops_per_joule: Number | None = Field(default=None, ge=1, le=1e40)
    bits_per_flop: Number = Field(default=1.0, ge=1e-6, le=1e6)
    temperature_k: Number = Field(default=300.0, ge=1e-3, le=1e9)


class SpendCapProjection(_Window):
    """The leading AI systems' trend, capped at budget_usd × (FLOP/s per dollar)(t).

    FLOP/s per dollar of hardware follows the AI systems' own fitted trend (Epoch AI costs).
    """

    model: Literal["spend_cap"]
    series: Literal["ai"] = "ai"
    budget_usd: Number = Field(ge=1, le=1e15)


ProjectionSpec = Annotated[
    TrendProjection
    | DoublingProjection
    | FabricationLimitProjection
    | PowerCapProjection
    | SpendCapProjection,
    Field(discriminator="model"),
]
