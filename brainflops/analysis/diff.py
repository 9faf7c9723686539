"""`brainflops diff A B`: which assumptions differ, and how much each one moves each output.

Ratios B/A use common random numbers: both scenarios are drawn with the same seed, and a
quantity at the same path draws the same numbers in both, so shared uncertainty cancels.
Attribution: multiplicative Shapley values on the point (median) evaluation. Each differing
parameter is a player; f(S) is scenario A with the parameters in S switched to B's values.
The factors multiply to f(all)/f(none), the point ratio. Exact for up to 12 players, sampled
permutations beyond.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from brainflops.engine.core import evaluate_numbers
from brainflops.engine.evaluate import Estimate, Stats, mc_stats
from brainflops.engine.floats import exponential
from brainflops.engine.point import point_outputs
from brainflops.model.load import validation_context
from brainflops.model.prebuilt import scenario_from
from brainflops.model.quantity import describe_written, point
from brainflops.model.scenario import OUTPUTS, Scenario

EXACT_PLAYERS = 12
SAMPLED_PERMUTATIONS = 2000
NOT_COMPARED = (
    "brainflops",
    "name",
    "title",
    "description",
    "source",
    "extends",
    "expect",
    "published",
    "sweeps",
)
NOT_PLAYERS = ("projections", "vars")
"""Projections differ between scenarios but do not change any output; nor does the sharing
of one draw between places (`vars`), which changes only the spread of the ratio."""

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class ParameterDiff:
    path: str
    a: Any
    b: Any


@dataclass(frozen=True)
class Attribution:
    parameter: str
    factor: float


@dataclass(frozen=True)
class OutputDiff:
    output: str
    ratio: Stats | None
    """B ÷ A over common random numbers; None when either side is unknown."""
    point_ratio: float | None
    attribution: tuple[Attribution, ...]
    method: str


@dataclass(frozen=True)
class Diff:
    a: str
    b: str
    samples: int
    seed: int
    parameters: tuple[ParameterDiff, ...]
    outputs: dict[str, OutputDiff]


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, dict) or {"low", "high"} <= set(value)


def _players(a: Any, b: Any, where: Path_ = ()) -> list[Path_]:
    """The smallest paths at which A and B differ and can be swapped independently."""
    if a == b:
        return []
    if _is_leaf(a) or _is_leaf(b) or not isinstance(a, dict) or not isinstance(b, dict):
        return [where]
    if "model" in a and a.get("model") != b.get("model"):
        return [where]  # a different cost or projection model: swap it whole
    out: list[Path_] = []
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            out.append((*where, key))
        else:
            out.extend(_players(a[key], b[key], (*where, key)))
    return out


_NEEDS_RATE_AND_SYNAPSES = ("synapses_per_neuron", "firing_rate_hz")


def _population_players(a: dict[str, Any], b: dict[str, Any]) -> list[Path_]:
    """Like `_players`, with the swaps kept valid.

    A population whose cost model changes swaps its cost whole, and the whole population
    when the other cost model lacks inputs the new one needs; different methods are one
    player that swaps everything.
    """
    out: list[Path_] = []
    for found in _players(a, b):
        path = found
        if path[0] == "method":
            return [("method",)]
        if len(path) >= 3 and path[0] == "populations" and path[2] == "cost":
            pa, pb = _get(a, path[:2]), _get(b, path[:2])
            incomplete = any(
                (pa or {}).get(f) is None or (pb or {}).get(f) is None
                for f in _NEEDS_RATE_AND_SYNAPSES
            )
            path = path[:2] if incomplete else path[:3]
        if path[:2] in out or path in out:
            continue
        out = [p for p in out if p[: len(path)] != path]  # a wider swap replaces narrower ones
        out.append(path)
    return out


def _align(a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """B with its unmatched populations renamed to A's unmatched ones, largest with largest.

    So that `diff dettmers-2015 carlsmith-2020` compares Purkinje cells with Carlsmith's
    neurons parameter by parameter, instead of removing one brain and adding another.
    """
    pa, pb = a.get("populations") or {}, b.get("populations") or {}
    only_a = [k for k in pa if k not in pb]
    only_b = [k for k in pb if k not in pa]
    if not only_a or not only_b:
        return b, {}

    def size(pop: dict[str, Any]) -> float:
        data = {"brainflops": 1, "name": "x", "title": "x", "populations": {"p": pop}}
        try:
            return point_outputs(scenario_from(data)).get("compute_flops") or 0.0
        except ValidationError:
            return 0.0

    only_a.sort(key=lambda k: -size(pa[k]))
    only_b.sort(key=lambda k: -size(pb[k]))
    renamed = dict(zip(only_b, only_a, strict=False))
    aligned = {renamed.get(k, k): v for k, v in pb.items()}
    return {**b, "populations": aligned}, {v: f"{v}/{k}" for k, v in renamed.items()}


def _get(data: dict[str, Any], path: Path_) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _with(data: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    """`data` with `path` set to `value` (None: removed), copying only the dicts on the path.

    The rest is shared with `data`: validation reads its input and never changes it, so a
    mix of A and B is built in the time of its path, not of A's whole tree.
    """
    key, rest = path[0], path[1:]
    out = dict(data)
    if rest:
        child = data.get(key)
        out[key] = _with(child if isinstance(child, dict) else {}, rest, value)
    elif value is None:
        out.pop(key, None)
    else:
        out[key] = value
    return out


def _dump(s: Scenario) -> dict[str, Any]:
    data = s.model_dump(mode="python", by_alias=True, exclude_none=True)
    return {k: v for k, v in data.items() if k not in NOT_COMPARED}


def _resolved(s: Scenario) -> dict[str, Any]:
    """The scenario as compared: what each quantity is, not how it is written.

    Every `{var: NAME}` becomes the quantity NAME holds, so a var used once is the same
    parameter as that range written inline. A var used in more than one place is also the
    parameter `vars.NAME`, which says where its one draw is used: sharing leaves every
    median as it is and changes only the spread.
    """
    data = _dump(s)
    declared = data.pop("vars", None) or {}
    uses: dict[str, list[str]] = {}

    def walk(node: Any, path: Path_) -> Any:
        if isinstance(node, dict) and set(node) == {"var"} and node["var"] in declared:
            uses.setdefault(node["var"], []).append(".".join(path))
            return _deepcopy(declared[node["var"]])
        if isinstance(node, dict):
            return {k: walk(v, (*path, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*path, str(i))) for i, v in enumerate(node)]
        return node

    resolved: dict[str, Any] = walk(data, ())
    resolved["vars"] = {
        name: "one draw for " + ", ".join(paths) for name, paths in uses.items() if len(paths) > 1
    }
    return resolved


def _hybrid(
    a: Scenario, b_data: dict[str, Any], a_data: dict[str, Any], swap: Sequence[Path_]
) -> Scenario | None:
    if list(swap) == [("method",)]:
        data = {**a_data, **{k: v for k, v in b_data.items() if k not in NOT_PLAYERS}}
        for key in set(a_data) - set(b_data) - set(NOT_PLAYERS):
            data.pop(key, None)
    else:
        data = dict(a_data)
        for path in swap:
            data = _with(data, path, _get(b_data, path))
    data.update(brainflops=1, name=a.name, title=a.title)
    data.pop("vars", None)  # resolved: every quantity is written where it stands
    try:
        return scenario_from(data, validation_context(data))
    except ValidationError:
        return None


def _substitution(
    a: Estimate, b: Estimate, names: Sequence[str]
) -> Callable[[frozenset[str]], dict[str, float | None]] | None:
    """The outputs of a coalition by putting B's numbers into A's model, when that is the
    same as validating the mixed scenario: both models have the same expressions and every
    differing parameter is one of their quantities. Else None (build each mix instead).
    """
    model_a, model_b = a.model, b.model
    if (
        not names
        or model_a.outputs != model_b.outputs
        or set(model_a.quantities) != set(model_b.quantities)
    ):
        return None
    # a parameter is its quantities: itself, or those inside it (`cost` holds flops_per_event);
    # with the same expressions on both sides, nothing else inside it can differ
    inside = {n: [k for k in model_a.quantities if k == n or k.startswith(n + ".")] for n in names}
    if not all(inside.values()):
        return None
    values_a = {k: point(q) for k, q in model_a.quantities.items()}
    values_b = {k: point(q) for k, q in model_b.quantities.items()}
    expressions = {k: e for k, e in model_a.outputs.items() if e is not None}

    def outputs(coalition: frozenset[str]) -> dict[str, float | None]:
        values = {**values_a, **{k: values_b[k] for n in coalition for k in inside[n]}}
        found: dict[str, float | None] = dict.fromkeys(OUTPUTS)
        found.update({k: evaluate_numbers(e, values) for k, e in expressions.items()})
        return found

    return outputs


def _deepcopy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deepcopy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deepcopy(v) for v in value]
    return value


def shapley_factors(
    players: Sequence[str],
    value: Callable[[frozenset[str]], float | None],
    *,
    exact_limit: int = EXACT_PLAYERS,
    permutations: int = SAMPLED_PERMUTATIONS,
    seed: int = 0,
) -> tuple[dict[str, float] | None, str]:
    """Multiplicative Shapley values: exp of the Shapley values of ln f.

    Returns None when some coalition has no positive value (ln is undefined there).
    """
    n = len(players)
    cache: dict[frozenset[str], float | None] = {}

    def ln(coalition: frozenset[str]) -> float | None:
        if coalition not in cache:
            v = value(coalition)
            cache[coalition] = math.log(v) if v is not None and v > 0 else None
        return cache[coalition]

    phi = dict.fromkeys(players, 0.0)
    if n <= exact_limit:
        weights = [
            math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)
        ]
        for player in players:
            others = [p for p in players if p != player]
            for k in range(n):
                for subset in itertools.combinations(others, k):
                    without = frozenset(subset)
                    lo, hi = ln(without), ln(without | {player})
                    if lo is None or hi is None:
                        return None, "undefined (an output is zero or unknown in a mix)"
                    phi[player] += weights[k] * (hi - lo)
        method = "exact Shapley"
    else:
        rng = random.Random(seed)  # noqa: S311 (sampling, not cryptography)
        order = list(players)
        squares = dict.fromkeys(players, 0.0)
        for _ in range(permutations):
            rng.shuffle(order)
            coalition: frozenset[str] = frozenset()
            before = ln(coalition)
            for player in order:
                after_coalition = coalition | {player}
                after = ln(after_coalition)
                if before is None or after is None:
                    return None, "undefined (an output is zero or unknown in a mix)"
                phi[player] += (after - before) / permutations
                squares[player] += (after - before) ** 2 / permutations
                coalition, before = after_coalition, after
        # the standard error of each mean of ln-contributions, as a multiplicative factor
        error = max(math.sqrt(max(squares[p] - phi[p] ** 2, 0.0) / permutations) for p in players)
        method = (
            f"sampled Shapley ({permutations} permutations; standard error "
            f"at most {math.exp(error) - 1:.2%})"
        )
    factors = {p: exponential(v) for p, v in phi.items()}
    if not all(0 < f < math.inf for f in factors.values()):
        return None, "undefined (a factor is past float64's range)"
    return factors, method


def _ratio(a: Estimate, b: Estimate, output: str) -> Stats | None:
    da, db = a.draws.get(output), b.draws.get(output)
    if da is None or db is None:
        return None
    below = np.asarray(da, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.asarray(db, dtype=np.float64) / below
    if ratio.ndim == 0:
        r = float(ratio)
        return Stats(r, r, r, r, exact=True) if math.isfinite(r) else None
    if np.any(np.isinf(ratio) & (below != 0)):
        return None  # a draw's ratio is past float64: no percentile of them is known
    ratio = ratio[np.isfinite(ratio)]  # draws where A is zero have no ratio
    return mc_stats(ratio) if ratio.size else None


def _is_quantity(value: Any) -> bool:
    """A mapping that is one quantity as written: a range, three points or a var."""
    keys = set(value) if isinstance(value, dict) else set()
    return {"low", "high"} <= keys or "p50" in keys or keys == {"var"}


def _describe(value: Any) -> Any:
    """Ranges as the "a to b" text users write; everything else as it is."""
    if _is_quantity(value):
        return describe_written(value)
    if isinstance(value, dict):
        return {k: _describe(v) for k, v in value.items()}
    return value


def diff(a: Estimate, b: Estimate) -> Diff:
    """Parameters, ratios and attribution of B against A (both estimated with one seed)."""
    a_data, raw_b = _resolved(a.scenario), _resolved(b.scenario)
    b_data, labels = _align(a_data, raw_b)

    def label(path: Path_) -> str:
        if len(path) >= 2 and path[0] == "populations" and path[1] in labels:
            path = (path[0], labels[path[1]], *path[2:])
        return ".".join(path)

    parameters = tuple(
        ParameterDiff(label(p), _describe(_get(a_data, p)), _describe(_get(b_data, p)))
        for p in _players(a_data, b_data)
    )
    swappable = [p for p in _population_players(a_data, b_data) if p[0] not in NOT_PLAYERS]
    names = [label(p) for p in swappable]
    by_name = dict(zip(names, swappable, strict=True))
    points: dict[frozenset[str], dict[str, float | None]] = {}
    substitute = None if labels else _substitution(a, b, names)

    def outputs_of(coalition: frozenset[str]) -> dict[str, float | None]:
        if coalition not in points:
            if substitute is not None:
                points[coalition] = substitute(coalition)
            else:
                swap = [by_name[n] for n in sorted(coalition)]
                mix = _hybrid(a.scenario, b_data, a_data, swap)
                points[coalition] = dict.fromkeys(OUTPUTS) if mix is None else point_outputs(mix)
        return points[coalition]

    result: dict[str, OutputDiff] = {}
    if "mixture" in (a.scenario.method, b.scenario.method):
        # a mixture has no single set of parameters to swap one at a time: ratios only
        for output in OUTPUTS:
            method = "none (a mixture: ratios only)"
            result[output] = OutputDiff(output, _ratio(a, b, output), None, (), method)
        return Diff(a.scenario.name, b.scenario.name, a.samples, a.seed, parameters, result)
    # sharing one draw changes no median: each such parameter moves every output by 1×
    shared_a, shared_b = a_data.get("vars") or {}, b_data.get("vars") or {}
    sharing = [
        f"vars.{n}" for n in sorted({*shared_a, *shared_b}) if shared_a.get(n) != shared_b.get(n)
    ]
    for output in OUTPUTS:
        lo, hi = outputs_of(frozenset()).get(output), outputs_of(frozenset(names)).get(output)
        point_ratio = _point_ratio(lo, hi)
        factors: dict[str, float] | None = None
        method = _unattributed(lo, hi, a.scenario.name, b.scenario.name, bool(names or sharing))
        if point_ratio is not None and names:

            def value(coalition: frozenset[str], name: str = output) -> float | None:
                return outputs_of(coalition).get(name)

            factors, method = shapley_factors(names, value, seed=a.seed)
        if point_ratio is not None and sharing:
            factors = {**(factors or {}), **dict.fromkeys(sharing, 1.0)}
            method = method if names else "exact (sharing a draw moves no median)"
        attribution = tuple(
            sorted(
                (Attribution(k, v) for k, v in (factors or {}).items()),
                key=lambda x: (-abs(math.log(x.factor)), x.parameter),
            )
        )
        result[output] = OutputDiff(output, _ratio(a, b, output), point_ratio, attribution, method)
    return Diff(a.scenario.name, b.scenario.name, a.samples, a.seed, parameters, result)


PAST_FLOAT64 = "none (the ratio is past float64's range)"
"""The method of an output whose ratio no float64 holds (a stated 5e-324 FLOP/s)."""


def _point_ratio(lo: float | None, hi: float | None) -> float | None:
    """B ÷ A at the medians' points; None where it is undefined or past float64."""
    if lo is None or hi is None or lo <= 0:
        return None
    ratio = hi / lo
    return ratio if math.isfinite(ratio) else None


def _unattributed(lo: float | None, hi: float | None, a: str, b: str, differ: bool) -> str:
    """Why an output has no attribution (before any is computed)."""
    if lo is None and hi is None:
        return "unknown in both"
    if lo is None or hi is None:
        return f"unknown in {a if lo is None else b}"
    if lo <= 0:
        return f"none ({a}'s value is zero)"
    if _point_ratio(lo, hi) is None:
        return PAST_FLOAT64
    return "none" if differ else "none (no parameter differs)"


def parameters(scenario: Scenario) -> list[tuple[str, Any]]:
    """Every resolved parameter of a scenario as (dotted path, value); ranges as "a to b"."""
    rows: list[tuple[str, Any]] = []

    def walk(node: Any, path: str) -> None:
        if node == []:
            return  # an empty list (no correlations) is no assumption
        if isinstance(node, dict) and not _is_quantity(node):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else key)
        else:
            rows.append((path, _describe(node)))

    walk({k: v for k, v in _dump(scenario).items() if k not in NOT_PLAYERS}, "")
    return rows
