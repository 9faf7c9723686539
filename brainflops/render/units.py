"""SI formatting of quantities: `1.08 ZFLOP/s`, `8.00 PB`."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from brainflops.analysis.projections import ParityYears
    from brainflops.model.machines import Machine

_PREFIXES = {
    -9: "n",
    -6: "µ",
    -3: "m",
    0: "",
    3: "k",
    6: "M",
    9: "G",
    12: "T",
    15: "P",
    18: "E",
    21: "Z",
    24: "Y",
    27: "R",
    30: "Q",
}

UNITS = {
    "compute_flops": "FLOP/s",
    "memory_bytes": "B",
    "events_per_s": "events/s",
    "communication_bytes_per_s": "B/s",
    "memory_traffic_bytes_per_s": "B/s",
    "flops_per_joule": "FLOP/J",
    "lifetime_flop": "FLOP",
}

LABELS = {
    "compute_flops": "compute",
    "memory_bytes": "memory",
    "events_per_s": "synaptic events",
    "communication_bytes_per_s": "communication",
    "memory_traffic_bytes_per_s": "memory traffic",
    "flops_per_joule": "energy efficiency",
    "lifetime_flop": "one lifetime",
}


def si(value: float | None, unit: str = "", digits: int = 3) -> str:
    """Significant digits (half-up, as people round) with an SI prefix; else scientific."""
    if value is None:
        return "unknown"
    if value == 0 or not math.isfinite(value):
        return f"{value:g} {unit}".strip()
    exact = Decimal(repr(float(value)))
    step = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    rounded = exact.quantize(step, rounding=ROUND_HALF_UP)
    exp3 = math.floor(rounded.adjusted() / 3) * 3
    mantissa = rounded.scaleb(-exp3)
    decimals = max(0, digits - 1 - mantissa.adjusted())
    mantissa = mantissa.quantize(Decimal(1).scaleb(-decimals))
    if exp3 not in _PREFIXES:
        return f"{value:.{digits - 1}e} {unit}".strip()
    return f"{mantissa} {_PREFIXES[exp3]}{unit}".rstrip()


def sci(value: float | None, digits: int = 3) -> str:
    """Scientific notation with fixed digits, for tables that compare magnitudes."""
    if value is None:
        return "unknown"
    return f"{value:.{digits - 1}e}"


def year(value: float | None, censored: bool = False) -> str:
    """The calendar year a decimal year falls in: 2011.87 (the November 2011 list) is 2011;
    "≤1993" when the date is only an upper bound (reached by the series' first data point)."""
    if value is None:
        return "never"
    return f"{'≤' if censored else ''}{math.floor(value)}"


_WHICH = {"p5": 0, "median": 1, "p95": 2}


def parity_year(p: ParityYears, which: Literal["p5", "median", "p95"] = "median") -> str:
    """One percentile of a parity year as text: "2043", "≤2017" (history's first point, an
    upper bound), ">2200" (past the forecasts' horizon) or "never"."""
    value: float | None = getattr(p, f"year_{which}")
    if value is None and p.beyond_horizon[_WHICH[which]]:
        return f">{p.beyond}"
    return year(value, p.censored(value))


def share(p: float) -> str:
    """A probability as a percentage that never rounds to a certainty it is not: "<1%",
    ">99%"; "0%" and "100%" only when exact."""
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return f"{p:.0%}"


def _exp(text: str) -> str:
    """'4.55e+24' -> '4.55e24', '1e-05' -> '1e-5'."""
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def ratio(value: float) -> str:
    """Ratios people can read: 0.0525×, 489×, 3,070×, 4.55e24×."""
    if 1e-3 <= value < 100:
        return f"{value:.3g}×"
    if 100 <= value < 1e5:
        return f"{round(float(f'{value:.3g}')):,}×"
    return f"{_exp(f'{value:.2e}')}×"


def plain(value: float, digits: int = 6) -> str:
    """A number as a scenario file would spell it: 1e8, 100000, 0.25."""
    return _exp(f"{value:.{digits}g}")


def duration(seconds: float) -> str:
    """A time span a reader grasps: seconds, hours, days or years."""
    for size, unit in ((3.156e7, "years"), (86400, "days"), (3600, "hours"), (60, "minutes")):
        if seconds >= size:
            return f"{si(seconds / size)} {unit}"
    return f"{si(seconds)} s"


def machine_needs(
    power_w: float | None, cost_usd: float | None, lifetime_s: float | None
) -> list[str]:
    """What brain-equivalent compute takes on one machine: power, hardware, time."""
    needs = []
    if power_w is not None:
        needs.append(f"power {si(power_w, 'W')}")
    if cost_usd is not None:
        needs.append(f"hardware ${si(cost_usd)}")
    if lifetime_s is not None:
        needs.append(f"one lifetime of compute takes {duration(lifetime_s)}")
    return needs


_WORDS = {"flops": "FLOP", "flop": "FLOP"}
_UNIT_WORDS = {"hz": "Hz", "bytes": "bytes", "s": "s", "w": "W"}
_PLACES = {
    "stated": "stated",
    "conversion": "conversion",
    "factors": "factor",
    "training": "training",
    "memory": "memory",
    "vars": "shared",
}


def readable(path: str) -> str:
    """An input's dotted path as a reader says it, for figures.

    `populations.cortex.cost.flops_per_event` -> "FLOP per event (cortex)";
    `factors.dendritic_spikes` -> "dendritic spikes (factor)". The path itself stays in
    tables and JSON, where it is what a user types into `--set`.
    """
    if " " in path:  # a mixture's "component choice" or "within NAME" (NAME may be a file)
        return path
    parts = path.split(".")
    words = parts[-1].split("_")
    unit = f", {_UNIT_WORDS[words[-1]]}" if len(words) > 1 and words[-1] in _UNIT_WORDS else ""
    words = words[:-1] if unit else words
    leaf = " ".join(_WORDS.get(w, w) for w in words) + unit
    if parts[0] == "populations" and len(parts) > 2:
        where = parts[1]
    elif parts[0] in _PLACES and len(parts) > 1:
        where = _PLACES[parts[0]]
    else:
        return leaf if len(parts) == 1 else f"{leaf} ({'.'.join(parts[:-1])})"
    return f"{leaf} ({where})"


_FIGURE_NAMES = {
    "bf16_dense_flops": "BF16",
    "fp8_dense_flops": "FP8",
    "int8_dense_ops": "INT8",
    "power_w": "power",
    "hardware_cost_usd": "cost",
}


def estimated_figures(machine: Machine) -> list[str]:
    """The figures of an AI system that are estimates derived by brainflops from a reported
    chip count (not Epoch AI's), by key."""
    return machine.estimated_figures


def estimate_note(machine: Machine) -> str:
    """What of an AI system's figures is an estimate, in one line ("" for a TOP500 system)."""
    if machine.kind != "ai":
        return ""
    derived = [_FIGURE_NAMES.get(k, k) for k in estimated_figures(machine)]
    if derived:
        chips = f"{machine.chips:,}" if machine.chips else "its"
        return (
            f"Estimates: {' and '.join(derived)} of {machine.name} are derived by brainflops "
            f"from {chips} chips x each chip's dense peak (a reported count, not a measurement)."
        )
    return (
        f"{machine.name}: peaks are Epoch AI's, calculated from chip counts (theoretical, "
        "not measured)."
    )


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def month_name(month: str) -> str:
    """ "2025-07" as "July 2025"."""
    year, number = month.split("-")[:2]
    return f"{_MONTHS[int(number) - 1]} {year}"


_DATA_NAMES = {"top500": "TOP500", "ai-systems": "AI systems", "training-runs": "training runs"}


def as_of_line(dates: dict[str, str]) -> str:
    """ "Data as of: TOP500 June 2026; AI systems June 2026; training runs August 2025"."""

    def month(date: str) -> str:
        return month_name(date) if "-" in date else date

    shown = [f"{_DATA_NAMES.get(k, k)} {month(v)}" for k, v in dates.items()]
    return "Data as of: " + "; ".join(shown) + " (brainflops data status)." if shown else ""
