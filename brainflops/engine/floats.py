"""Float arithmetic that overflows to inf, as numpy's does, where Python's raises.

A scenario may hold any positive finite number, 5e-324 and 1.7e308 included: a power or an
exponential of such numbers can pass float64's range. Python raises OverflowError there
and numpy gives inf; the engine and the analyses use these so that both paths agree, and
report an infinite result as an input error or as "no figure" instead of crashing.
"""

from __future__ import annotations

import math
import sys

LARGEST_EXP = math.log(sys.float_info.max)
"""ln of float64's largest number (~709.78): exp of anything larger is past float64."""


def power(value: float, exp: float) -> float:
    """value**exp on a float, overflowing to inf (Python raises) as numpy does."""
    try:
        return float(value**exp)
    except OverflowError:
        return math.inf
    except ZeroDivisionError:  # 0 to a negative power
        return math.inf


def exponential(x: float) -> float:
    """e**x, overflowing to inf (Python raises) as numpy does."""
    return math.exp(x) if x <= LARGEST_EXP else math.inf
