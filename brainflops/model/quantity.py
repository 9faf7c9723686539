"""Quantities: a number or a distribution (docs/format.md, "Quantities")."""

# The models' annotations are evaluated as each class is defined (no `from __future__
# import annotations`): pydantic would compile and evaluate each from its text, at every
# start of the command line. Forward references are quoted.

import difflib
import math
import re
from statistics import NormalDist
from typing import Annotated, Any, Literal, Self

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
    ValidationInfo,
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

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)


DistKind = Literal["lognormal", "loguniform", "uniform", "normal", "split_lognormal"]


class Range(Frozen):
    """An uncertain quantity.

    For lognormal and normal, `low` and `high` are the bounds of the central `ci` percent
    interval (5th and 95th percentiles by default); for uniform and loguniform they are the
    bounds of the support. A three-point range `{p5, p50, p95}` is a split lognormal through
    the three: lognormal below the median with one spread, above it with another.
    """

    low: Number
    high: Number
    dist: DistKind = "lognormal"
    ci: Number = Field(
        default=90.0, ge=1, le=99.9, description="central interval in percent (1 to 99.9)"
    )
    p50: Number | None = Field(default=None, description="the median of a three-point range")

    @model_validator(mode="before")
    @classmethod
    def _three_points(cls, data: Any) -> Any:
        """`{p5, p50, p95}` is `{low: p5, p50, high: p95, dist: split_lognormal}`."""
        if isinstance(data, dict) and {"p5", "p50", "p95"} & data.keys():
            missing = [k for k in ("p5", "p50", "p95") if k not in data]
            if missing:
                raise ValueError(
                    f"a three-point range needs p5, p50 and p95 (missing {missing[0]})"
                )
            out = {k: v for k, v in data.items() if k not in ("p5", "p50", "p95")}
            return {
                **out,
                "low": data["p5"],
                "p50": data["p50"],
                "high": data["p95"],
                "dist": "split_lognormal",
            }
        return data

    @model_validator(mode="after")
    def _split(self) -> Self:
        if (self.dist == "split_lognormal") != (self.p50 is not None):
            raise ValueError("p50 and dist: split_lognormal go together: write {p5, p50, p95}")
        if self.p50 is not None:
            if "ci" in self.model_fields_set:
                raise ValueError("a three-point range is its 5th, 50th and 95th percentiles: no ci")
            if not 0 < self.low < self.p50 < self.high:
                raise ValueError(
                    f"needs 0 < p5 < p50 < p95 (got {self.low:g}, {self.p50:g}, {self.high:g})"
                )
            z = NormalDist().inv_cdf(0.95)
            widest = max(math.log(self.p50 / self.low), math.log(self.high / self.p50)) / z
            if widest > MAX_LOG_SD:
                raise ValueError(f"a three-point range with log-sd {widest:.3g} overflows")
        return self

    @model_validator(mode="after")
    def _ordered(self) -> Self:
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
        if self.p50 is None:
            data.pop("p50", None)
        else:
            return {"p5": self.low, "p50": self.p50, "p95": self.high}
        return data

    def describe(self) -> str:
        if self.p50 is not None:
            return f"p5 {self.low:g}, p50 {self.p50:g}, p95 {self.high:g}"
        kind = "" if self.dist == "lognormal" else f" {self.dist}"
        ci = "" if self.ci == 90 else f" ({self.ci:g}% CI)"
        return f"{self.low:g} to {self.high:g}{kind}{ci}"


class VarRef(Frozen):
    """`{var: NAME}`: the shared quantity NAME of the scenario's `vars` (one draw, everywhere)."""

    var: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)

    @model_validator(mode="after")
    def _declared(self, info: ValidationInfo) -> Self:
        context = info.context or {}
        used = context.get("used")
        if isinstance(used, set):  # the loader asks which vars are used: told as they come
            used.add(self.var)
        declared = context.get("vars")
        if declared is not None and self.var not in declared:
            close = difflib.get_close_matches(self.var, sorted(declared), n=1)
            hint = (
                f"; did you mean {close[0]!r}?"
                if close
                else (
                    f"; declared: {', '.join(sorted(declared))}" if declared else "; vars: is empty"
                )
            )
            raise ValueError(f"unknown var {self.var!r}{hint}")
        return self


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
    if isinstance(value, VarRef) or (isinstance(value, dict) and "var" in value):
        return "var"
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
    Annotated[float, Tag("number")]
    | Annotated[Range, Tag("range")]
    | Annotated[VarRef, Tag("var")],
    Discriminator(_kind),
    BeforeValidator(_parse_string),
]
"""A number, a `{low, high, dist, ci}` range, an `"a to b"` string or a `{var: NAME}`."""


def _check_positive(value: float | Range | VarRef) -> float | Range | VarRef:
    if isinstance(value, VarRef):
        return value  # a var is checked where it is declared (vars are positive)
    return _range_positive(value) if isinstance(value, Range) else _positive(value)


def _check_non_negative(value: float | Range | VarRef) -> float | Range | VarRef:
    if isinstance(value, VarRef):
        return value
    return _range_non_negative(value) if isinstance(value, Range) else _non_negative(value)


Positive = Annotated[Quantity, AfterValidator(_check_positive)]
"""A count, a rate or a size: must be > 0."""
NonNegative = Annotated[Quantity, AfterValidator(_check_non_negative)]
"""A factor or an optional cost: may be 0."""


def _range_or_number(value: Any) -> str:
    return "range" if isinstance(value, dict | Range) else "number"


PositiveValue = Annotated[
    Annotated[float, Tag("number")] | Annotated[Range, Tag("range")],
    Discriminator(_range_or_number),  # named, not a lambda: the validator is pickled
    BeforeValidator(_parse_string),
    AfterValidator(_check_positive),
]
"""A positive number or range, never a var: what a var itself is."""


def describe(value: float | Range | VarRef) -> str:
    """A quantity as a reader writes it: `0.303`, `1 to 100`, `var rate`."""
    if isinstance(value, VarRef):
        return f"var {value.var}"
    return value.describe() if isinstance(value, Range) else f"{value:g}"


def describe_written(value: Any) -> str:
    """A quantity as the user wrote it (a parsed YAML value): `3`, `0.1 to 1`, `var rate`."""
    if isinstance(value, dict):
        if set(value) == {"var"}:
            return f"var {value['var']}"
        try:
            return Range.model_validate(value).describe()
        except ValueError:
            pass
    return f"{value:g}" if isinstance(value, float) else str(value)


def point(value: float | Range) -> float:
    """The median of a quantity: the number itself, or the centre of its range."""
    if not isinstance(value, Range):
        return value
    if value.p50 is not None:
        return value.p50
    low, high = value.low, value.high
    if value.dist in ("lognormal", "loguniform"):
        product = low * high  # past float64 (1e-300 × 1e-290 is 0.0): the roots' product
        return math.sqrt(product) if 0 < product < math.inf else math.sqrt(low) * math.sqrt(high)
    return midpoint(low, high)


def midpoint(low: float, high: float) -> float:
    """(low + high) / 2, also where the sum passes float64 (1.5e308 + 1.7e308)."""
    total = low + high
    return total / 2 if total < math.inf else low / 2 + high / 2
