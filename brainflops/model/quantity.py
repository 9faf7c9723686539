"""Quantities: a number or a distribution (docs/format.md, "Quantities")."""

from __future__ import annotations

import math
import re
from statistics import NormalDist
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Strict,
    Tag,
    model_serializer,
    model_validator,
)

MAX_LOG_SD = 20.0
"""A lognormal wider than this has a mean past float64 (e^(σ²/2)); 90% of "1e13 to 1e25"
is σ = 8.4."""

Number = Annotated[float, Strict()]
"""A float that refuses true/false and text (lax pydantic would read true as 1)."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _one_line(value: str) -> str:
    found = _CONTROL.search(value)
    if found:
        what = "a line break" if found[0] in "\r\n" else f"control character U+{ord(found[0]):04X}"
        raise ValueError(f"must be a single line of text (found {what})")
    return value


OneLine = Annotated[str, AfterValidator(_one_line)]
"""A name or title: shown in table cells and headings, so never more than one line."""


class Frozen(BaseModel):
    """Every model: unknown keys are errors, values are immutable, NaN and inf are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


DistKind = Literal["lognormal", "loguniform", "uniform", "normal"]


class Range(Frozen):
    """An uncertain quantity.

    For lognormal and normal, `low` and `high` are the bounds of the central `ci` percent
    interval (5th and 95th percentiles by default); for uniform and loguniform they are the
    bounds of the support.
    """

    low: Number
    high: Number
    dist: DistKind = "lognormal"
    ci: Number = Field(
        default=90.0, ge=1, le=99.9, description="central interval in percent (1 to 99.9)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.dist in ("lognormal", "loguniform") and not self.low > 0:
            raise ValueError(f"{self.dist} needs 0 < low (got low={self.low:g})")
        if not self.low < self.high:
            raise ValueError(f"needs low < high (got low={self.low:g}, high={self.high:g})")
        if self.dist in ("uniform", "loguniform") and "ci" in self.model_fields_set:
            raise ValueError(f"ci has no meaning for {self.dist} (low and high are bounds)")
        if self.dist == "lognormal":
            z = NormalDist().inv_cdf(0.5 + self.ci / 200)
            log_sd = math.log(self.high / self.low) / (2 * z)
            if log_sd > MAX_LOG_SD:
                raise ValueError(
                    f"{self.low:g} to {self.high:g} as a {self.ci:g}% interval is a lognormal "
                    f"with log-sd {log_sd:.3g} (limit {MAX_LOG_SD:g}): its mean overflows; "
                    "widen ci or narrow the range"
                )
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A dump validates again: bounded ranges leave out the `ci` they refuse."""
        data: dict[str, Any] = handler(self)
        if self.dist in ("uniform", "loguniform"):
            data.pop("ci", None)
        return data

    def describe(self) -> str:
        kind = "" if self.dist == "lognormal" else f" {self.dist}"
        ci = "" if self.ci == 90 else f" ({self.ci:g}% CI)"
        return f"{self.low:g} to {self.high:g}{kind}{ci}"


_NUM = r"[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
"""Unambiguous (each digit can be matched one way only), so a refusal takes linear time."""
MAX_QUANTITY_CHARS = 200
_TO = re.compile(rf"\s*({_NUM})\s+to\s+({_NUM})\s*")
_PLAIN = re.compile(rf"\s*{_NUM}\s*")


def _parse_string(value: Any) -> Any:
    """`"1 to 10"` means `{low: 1, high: 10}`; a numeric string stays a number."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if not isinstance(value, str):
        return value
    if len(value) > MAX_QUANTITY_CHARS:
        raise ValueError(
            f"a quantity string of {len(value):,} characters; the limit is {MAX_QUANTITY_CHARS}"
        )
    match = _TO.fullmatch(value)
    if match:
        return {"low": float(match[1].replace("_", "")), "high": float(match[2].replace("_", ""))}
    if _PLAIN.fullmatch(value):
        return float(value.replace("_", ""))
    raise ValueError(f"expected a number, a range 'a to b' or {{low, high}}; got {value!r}")


def _kind(value: Any) -> str:
    return "range" if isinstance(value, dict | Range) else "number"


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number (got {value})")
    return value


def _positive(value: float) -> float:
    if not _finite(value) > 0:
        raise ValueError(f"must be > 0 (got {value:g})")
    return value


def _non_negative(value: float) -> float:
    if not _finite(value) >= 0:
        raise ValueError(f"must be >= 0 (got {value:g})")
    return value


def _range_positive(value: Range) -> Range:
    if value.dist in ("uniform", "normal") and value.low <= 0:
        raise ValueError(f"must be > 0: a {value.dist} range needs low > 0 (got {value.low:g})")
    return value


def _range_non_negative(value: Range) -> Range:
    if value.dist == "uniform" and value.low < 0:
        raise ValueError(f"must be >= 0: a uniform range needs low >= 0 (got {value.low:g})")
    return value


Quantity = Annotated[
    Annotated[float, Tag("number")] | Annotated[Range, Tag("range")],
    Discriminator(_kind),
    BeforeValidator(_parse_string),
]
"""A number, a `{low, high, dist, ci}` range or an `"a to b"` string."""


def _check_positive(value: float | Range) -> float | Range:
    return _range_positive(value) if isinstance(value, Range) else _positive(value)


def _check_non_negative(value: float | Range) -> float | Range:
    return _range_non_negative(value) if isinstance(value, Range) else _non_negative(value)


Positive = Annotated[Quantity, AfterValidator(_check_positive)]
"""A count, a rate or a size: must be > 0."""
NonNegative = Annotated[Quantity, AfterValidator(_check_non_negative)]
"""A factor or an optional cost: may be 0."""


def point(value: float | Range) -> float:
    """The median of a quantity: the number itself, or the centre of its range."""
    if not isinstance(value, Range):
        return value
    if value.dist in ("lognormal", "loguniform"):
        return math.sqrt(value.low * value.high)
    return (value.low + value.high) / 2
