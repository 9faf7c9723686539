"""Property-based tests: whatever the document, the CLI exits 0, 1 or 2 without a traceback.

A bounded number of examples runs in `make test`; for a long run:
    BRAINFLOPS_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from brainflops.errors import InputError
from brainflops.io.yaml import parse_yaml, resolve_plain
from tests.conftest import ROOT, invoke

EXAMPLES = int(os.environ.get("BRAINFLOPS_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))


def number(low: float, high: float) -> st.SearchStrategy[float]:
    """Log-uniform-ish positive numbers between low and high."""
    return st.floats(math.log10(low), math.log10(high)).map(lambda e: float(f"{10**e:.4g}"))


def quantity(low: float, high: float) -> st.SearchStrategy[Any]:
    """Every kind of quantity: a number, a text range, and ranges of every distribution."""
    ranged = st.tuples(number(low, high), st.floats(1.01, 100)).map(
        lambda t: {"low": t[0], "high": float(f"{t[0] * t[1]:.4g}") * 1.0001}
    )
    as_text = ranged.map(lambda r: f"{r['low']} to {r['high']}")
    # ci of 50 or more: a narrower interval on the same bounds is a lognormal too wide to hold
    with_ci = st.tuples(ranged, st.floats(50, 99.9)).map(lambda t: {**t[0], "ci": t[1]})
    bounded = st.tuples(ranged, st.sampled_from(["uniform", "loguniform"])).map(
        lambda t: {**t[0], "dist": t[1]}
    )
    # a narrow normal (high <= 1.5 low) keeps its draws positive: P(x <= 0) < 1e-15
    normal = st.tuples(number(low, high), st.floats(1.01, 1.5)).map(
        lambda t: {"low": t[0], "high": t[0] * t[1], "dist": "normal"}
    )
    three = st.tuples(number(low, high), st.floats(1.01, 30), st.floats(1.01, 30)).map(
        lambda t: {
            "p5": t[0],
            "p50": float(f"{t[0] * t[1]:.4g}") * 1.0001,
            "p95": float(f"{t[0] * t[1] * t[2]:.4g}") * 1.0002,
        }
    )
    return st.one_of(number(low, high), ranged, as_text, with_ci, bounded, normal, three)


def cost() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.fixed_dictionaries(
            {"model": st.just("synaptic"), "flops_per_event": quantity(0.1, 1e3)},
            optional={"flops_per_neuron_s": quantity(1, 1e6)},
        ),
        st.fixed_dictionaries(
            {
                "model": st.just("convolution"),
                "kernel": st.lists(st.integers(1, 50), min_size=1, max_size=4),
                "time_steps": quantity(1, 10),
            }
        ),
        st.fixed_dictionaries(
            {
                "model": st.just("timestep"),
                "steps_per_s": quantity(100, 1e4),
                "flops_per_neuron_step": quantity(1, 100),
                "flops_per_synapse_step": quantity(1, 100),
            }
        ),
        st.fixed_dictionaries(
            {
                "model": st.just("event"),
                "flops_per_spike": quantity(1, 100),
                "flops_per_event": quantity(1, 100),
            }
        ),
        st.fixed_dictionaries(
            {"model": st.just("per_neuron"), "flops_per_neuron_s": quantity(1, 1e8)}
        ),
    )


population = st.fixed_dictionaries(
    {
        "neurons": quantity(1, 1e11),
        "synapses_per_neuron": quantity(1, 1e5),
        "firing_rate_hz": quantity(0.01, 1000),
        "cost": cost(),
    }
)

scenario = st.fixed_dictionaries(
    {
        "brainflops": st.just(1),
        "name": st.from_regex(r"[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,5}){0,2}", fullmatch=True),
        "title": st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40),
        "populations": st.dictionaries(
            st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
            population,
            min_size=1,
            max_size=3,
        ),
    },
    optional={
        "factors": st.fixed_dictionaries(
            {},
            optional={
                "dendritic_spikes": quantity(0.5, 10),
                "spine_dynamics": st.fixed_dictionaries(
                    {"compute": quantity(0.5, 10), "memory": quantity(0.5, 10)}
                ),
                "other": st.dictionaries(
                    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
                    quantity(0.5, 10),
                    max_size=2,
                ),
            },
        ),
        "memory": st.fixed_dictionaries({"bytes_per_synapse": quantity(0.5, 16)}),
        "communication": st.fixed_dictionaries({"bytes_per_spike": quantity(1, 16)}),
        "energy": st.fixed_dictionaries({"brain_power_w": quantity(10, 30)}),
        "conversion": st.fixed_dictionaries(
            {"flop_per_unit": quantity(0.01, 1e3), "source": st.just("a fuzzed factor")}
        ),
        "published": st.one_of(
            st.fixed_dictionaries({"value": number(1, 1e30)}),
            st.tuples(number(1, 1e20), number(1.1, 1e5)).map(
                lambda t: {"low": t[0], "high": float(f"{t[0] * t[1]:.4g}")}
            ),
            st.fixed_dictionaries(
                {"at_most": number(1, 1e30)}, optional={"where": st.just("p. 1")}
            ),
        ),
    },
).flatmap(
    # a unit other than FLOP exactly when there is a conversion (else it is refused)
    lambda doc: (
        st.sampled_from(["instructions", "operations", "calculations", "teps"]).map(
            lambda unit: {**doc, "source_unit": unit}
        )
        if "conversion" in doc
        else st.just(doc)
    )
)

bound = st.sampled_from(["at_least", "at_most"])
expectation = st.one_of(
    st.fixed_dictionaries(
        {"value": number(1, 1e30), "log10_tol": st.floats(0.01, 3)},
        optional={"derived": st.booleans(), "where": st.just("table 1")},
    ),
    st.tuples(number(1, 1e20), number(1.1, 1e5), st.floats(0.01, 2)).map(
        lambda t: {"p5": t[0], "p95": float(f"{t[0] * t[1]:.4g}"), "log10_tol": t[2]}
    ),
    st.tuples(bound, number(1, 1e30), st.booleans()).map(lambda t: {t[0]: t[1], "derived": t[2]}),
)
"""Every form of expectation: a point, a two-sided interval, a bound."""


class Yaml12Dumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1: it leaves `0E0` unquoted, which YAML 1.2 (and brainflops)
    reads as a number. Quote every string that would not read back as a string."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = None if resolve_plain(text).endswith(":str") else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


Yaml12Dumper.add_representer(str, _represent_str)


def no_traceback(result: Any) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.slow
@FUZZ
@given(doc=scenario)
def test_valid_documents_give_finite_positive_outputs(
    tmp_path_factory: Any, doc: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(yaml.dump(doc, Dumper=Yaml12Dumper, allow_unicode=True), encoding="utf-8")
    result = invoke("estimate", str(path), "--json", "--samples", "2000")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    for name in ("compute_flops", "events_per_s"):
        stats = out[name]
        assert all(math.isfinite(v) and v > 0 for v in stats.values()), (name, stats)
    for command in (
        ["compare", str(path), "--json"],
        ["sensitivity", str(path), "--json"],
        ["diff", str(path), "dettmers-2015", "--json"],
        ["check", str(path)],
    ):
        result = invoke(*command, "--samples", "2000")
        no_traceback(result)
        assert result.exit_code == 0, (command, result.stderr)


@FUZZ
@given(
    rate=quantity(0.01, 100),
    other=quantity(0.01, 100),
    rho=st.one_of(st.none(), st.floats(-0.99, 0.99)),
    shared=st.booleans(),
)
def test_shared_and_correlated_quantities_always_evaluate(
    tmp_path_factory: Any, rate: Any, other: Any, rho: float | None, shared: bool
) -> None:
    doc: dict[str, Any] = {
        "brainflops": 1,
        "name": "fuzz",
        "title": "fuzz",
        "vars": {"rate": rate, "other": other},
        "populations": {
            name: {
                "neurons": 1e9,
                "synapses_per_neuron": 1e3,
                "firing_rate_hz": {"var": "rate"},
                "cost": {"model": "synaptic", "flops_per_event": {"var": "other"}},
            }
            for name in (("a", "b") if shared else ("a",))
        },
    }
    if rho is not None:
        doc["correlations"] = [["vars.rate", "vars.other", rho]]
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(yaml.dump(doc, Dumper=Yaml12Dumper), encoding="utf-8")
    for command in ("estimate", "sensitivity", "compare"):
        result = invoke(command, str(path), "--json", "--samples", "2000")
        no_traceback(result)
        # a correlation with a point (not uncertain) quantity is refused; else it runs
        assert result.exit_code in (0, 2), result.stderr
        if result.exit_code == 2:
            assert "not an uncertain quantity" in result.stderr


@FUZZ
@given(
    doc=scenario,
    expect=st.dictionaries(
        st.sampled_from(["compute_flops", "memory_bytes", "events_per_s"]), expectation
    ),
)
def test_every_expectation_form_passes_or_fails_cleanly(
    tmp_path_factory: Any, doc: dict[str, Any], expect: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    text = yaml.dump({**doc, "expect": expect}, Dumper=Yaml12Dumper, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    result = invoke("check", str(path), "--json", "--samples", "2000")
    no_traceback(result)
    assert result.exit_code in (0, 1), result.stderr
    rows = json.loads(result.stdout)["checks"]
    assert {r["check"].split()[0] for r in rows} == set(expect)
    assert all(isinstance(r["derived"], bool) for r in rows)


TOKENS = [
    "-1", "0", "1e400", ".nan", "-.inf", "'1 to 0'", "{low: 5}", "[]", "{}", "~", "&a x", "*a",
    "!!python/name:os.system", "true", "'x'", "1e-400", "{low: 1e-300, high: 1e300}",
    # sizes and strings that once hung, overflowed or crashed (issue 10)
    "'" + "1" * 5000 + "x'", "0x" + "f" * 3000, "9" * 400, "5e-324", "1e-300", "1e300",
    # float64's ends that passed validation and crashed an analysis (issue 30's fuzz run)
    "1.7e308", "{low: 1e-300, high: 1e-290}", "{low: 1.5e308, high: 1.7e308, dist: normal}",
    '"\\e]0;title\\a"', '"a | b\\n# heading"', "{low: true, high: 2}",
    "{low: 1, high: 2, ci: 1e-300}", "{low: 1, high: 2, ci: 99.99999999999999999}",
    "{low: 1, high: 2, dist: uniform}", "{low: 1, high: 2, dist: loguniform}",
    "{low: 0.1, high: 10, dist: normal}", "{low: -2, high: -1, dist: normal}",
    "/dev/zero", "'a\\0b.yaml'",
    # round 2 (issue 12): expectation forms and units, mixed up
    "{p5: 1, p95: 10}", "{p5: 10, p95: 1, log10_tol: 1}", "{value: 1, at_most: 2, rel_tol: 1}",
    "{at_least: 1, at_most: 2}", "{at_most: 1, log10_tol: 1}", "teps", "bit_erasures",
    "{flop_per_unit: 0, source: x}", "{low: 1}", "stated",
    # issue 14: shared quantities, correlations, three-point ranges
    "{var: rate}", "{var: 1}", "{p5: 1, p50: 2, p95: 3}", "{p5: 3, p50: 2, p95: 1}",
    "[[a, b, 0.5]]", "[[vars.x, vars.x, 0.5]]", "{rate: 1}",
]  # fmt: skip
"""Values that break scenarios in the ways people and attackers do."""


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines()
    kind = data.draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "token"]))
    i = data.draw(st.integers(0, max(0, len(lines) - 1)))
    if kind == "delete" and lines:
        del lines[i]
    elif kind == "duplicate" and lines:
        lines.insert(i, lines[i])
    elif kind == "insert":
        lines.insert(i, data.draw(st.text(max_size=30)))
    elif kind == "replace" and lines:
        line = lines[i]
        j = data.draw(st.integers(0, len(line)))
        lines[i] = line[:j] + data.draw(st.text(max_size=8)) + line[j + 1 :]
    else:
        token = data.draw(st.sampled_from(TOKENS))
        numbers = [
            k for k, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")
        ]
        if numbers:
            k = data.draw(st.sampled_from(numbers))
            key = lines[k].split(": ", 1)[0]
            lines[k] = f"{key}: {token}"
    return "\n".join(lines) + "\n"


@FUZZ
@given(source=st.sampled_from(BUNDLED), data=st.data())
def test_mutated_bundled_scenarios_never_crash(
    tmp_path_factory: Any, source: Path, data: st.DataObject
) -> None:
    text = source.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        text = _mutate(text, data)
    folder = tmp_path_factory.mktemp("mut")
    path = folder / source.name
    path.write_text(text, encoding="utf-8")
    no_traceback(invoke("validate", str(path)))
    command = data.draw(
        st.sampled_from(
            [
                ["estimate", str(path)],
                ["compare", str(path), "--json"],
                ["check", str(path)],
                ["diff", str(path), "dettmers-2015"],
                ["sensitivity", str(path)],
            ]
        )
    )
    no_traceback(invoke(*command, "--samples", "2000"))


@FUZZ
@given(doc=scenario, source=st.sampled_from(BUNDLED), data=st.data())
def test_the_kept_validator_agrees_with_pydantics_own(
    doc: dict[str, Any], source: Path, data: st.DataObject
) -> None:
    """Issue 30: commands validate with a kept copy of the scenario's validator; whatever
    the document, it must accept and refuse exactly as the one pydantic builds."""
    from tests.test_prebuilt import kept_validator, outcome, pydantics_validator

    text = source.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        text = _mutate(text, data)
    try:
        mutated = parse_yaml(text, "mutated.yaml").data
    except InputError:
        mutated = None
    for candidate in (doc, mutated):
        assert outcome(kept_validator(), candidate) == outcome(pydantics_validator(), candidate)


SLOTS = ("neurons", "synapses_per_neuron", "firing_rate_hz", "flops_per_event")


@FUZZ
@given(
    declared=st.sets(st.sampled_from(["a", "b", "c"])),
    refs=st.lists(st.tuples(st.sampled_from(SLOTS), st.sampled_from(["a", "b", "c", "d"]))),
)
def test_the_vars_told_while_validating_are_the_vars_walked(
    declared: set[str], refs: list[tuple[str, str]]
) -> None:
    """Validators tell the loader which vars a scenario uses (`validation_context`); it
    must accept and refuse exactly as walking the validated scenario for them."""
    from tests.test_prebuilt import outcome, pydantics_validator

    population: dict[str, Any] = {
        "neurons": 1e9,
        "synapses_per_neuron": 1e3,
        "firing_rate_hz": 1,
        "cost": {"model": "synaptic", "flops_per_event": 2},
    }
    for slot, name in refs:
        where = population["cost"] if slot == "flops_per_event" else population
        where[slot] = {"var": name}
    doc = {
        "brainflops": 1,
        "name": "v",
        "title": "v",
        "vars": {name: {"low": 1, "high": 3} for name in sorted(declared)},
        "populations": {"p": population},
    }
    told = outcome(pydantics_validator(), doc)
    declared_only = {"vars": set(declared)}  # no "used": the validator walks the scenario
    try:
        walked: tuple[str, Any] = (
            "valid",
            pydantics_validator().validate_python(doc, context=declared_only),
        )
    except ValidationError as exc:
        walked = ("invalid", [e["msg"] for e in exc.errors()])
    assert told[0] == walked[0]
    if told[0] == "invalid":
        assert [e["msg"] for e in told[1]] == walked[1]
    else:
        assert told[1] == walked[1]


def _utf8_or_none(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


@FUZZ
@given(text=st.one_of(st.text(max_size=200), st.binary(max_size=300).map(_utf8_or_none)))
def test_random_input_only_raises_input_errors(text: str | None) -> None:
    if text is None:
        return  # not UTF-8: refused before parsing (tests/test_yaml_loader.py)
    try:
        parse_yaml(text, "fuzz.yaml")
    except InputError as exc:
        assert str(exc).startswith("fuzz.yaml")


@FUZZ
@given(assignment=st.text(max_size=40))
def test_random_set_options_never_crash(assignment: str) -> None:
    no_traceback(invoke("estimate", "moravec-1998", "--set", assignment))


SET_PATHS = [
    "populations.purkinje.firing_rate_hz", "populations.granule.neurons",
    "populations.purkinje.cost.time_steps", "factors.neural_backprop", "factors.other.x",
    "memory.bytes_per_synapse", "communication.fanout", "energy.brain_power_w", "extends",
    "title", "name", "method", "expect.compute_flops.value",
    # round 2 (issue 13)
    "training.seconds", "precision_bits", "training",
]  # fmt: skip


@FUZZ
@given(
    path=st.one_of(
        st.sampled_from(SET_PATHS),
        st.integers(1, 40).map(lambda n: ".".join(["a"] * n)),
    ),
    value=st.sampled_from(TOKENS),
    command=st.sampled_from(["estimate", "compare", "sensitivity", "check", "export-model"]),
)
def test_structured_set_options_never_crash(path: str, value: str, command: str) -> None:
    samples = [] if command == "export-model" else ["-n", "2000"]
    no_traceback(invoke(command, "dettmers-2015", "--set", f"{path}={value}", *samples))


@FUZZ
@given(
    index=st.one_of(st.integers(-2, 7).map(str), st.sampled_from(["", "x", "01", "٣", "1e0"])),
    field=st.sampled_from(["weight", "scenario", "weight.x", ""]),
    value=st.sampled_from(TOKENS),
)
def test_set_on_list_items_never_crashes(index: str, field: str, value: str) -> None:
    """Round 3: a number in a --set path indexes a list (a mixture's components)."""
    path = ".".join(p for p in ("components", index, field) if p)
    no_traceback(
        invoke("estimate", "aiimpacts-2015-survey", "--set", f"{path}={value}", "-n", "2000")
    )


FIGURES = [
    "hpl_rmax_flops", "hpcg_flops", "memory_bytes", "power_w", "graph500_teps",
    "bf16_dense_flops", "fp8_dense_flops", "fp64_peak_flops", "hardware_cost_usd",
]  # fmt: skip


@FUZZ
@given(
    figures=st.dictionaries(
        st.sampled_from(FIGURES),
        st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(TOKENS)),
        min_size=1,
    ),
    list_date=st.sampled_from(["'2030-06'", "'1990-11'", "2025", "'2025-13'", "'2026-03'"]),
    name=st.text(max_size=20),
    chips=st.one_of(
        st.just(""),
        st.tuples(
            st.sampled_from(["h100-sxm", "tpu-v5p", "h100", "x"]),
            st.sampled_from(["1", "100000", "0", "1e9", "true", "-5"]),
        ).map(lambda t: f", chip: {t[0]}, chips: {t[1]}"),
    ),
    kind=st.sampled_from(["", ", kind: ai", ", kind: hpc", ", kind: tpu", ", status: planned"]),
)
def test_random_machines_files_never_crash(
    tmp_path_factory: Any,
    *,
    figures: dict[str, Any],
    list_date: str,
    name: str,
    chips: str,
    kind: str,
) -> None:
    cells = ", ".join(f"{k}: {v}" for k, v in figures.items()) + chips + kind
    sources = ", ".join(f"{k}: x" for k in figures)
    text = (
        f"machines:\n  - {{name: {json.dumps(name)}, list_date: {list_date}, {cells}, "
        f"sources: {{{sources}}}}}\n"
    )
    path = tmp_path_factory.mktemp("machines") / "m.yaml"
    path.write_text(text, encoding="utf-8")
    for command in (["machines"], ["compare", "dettmers-2015"]):
        no_traceback(
            invoke(*command, "--machines", str(path), "-n", "2000")
            if command[0] == "compare"
            else invoke(*command, "--machines", str(path))
        )


@FUZZ
@given(
    low=number(1, 1e20),
    high=number(1, 1e20),
    weights=st.tuples(st.floats(1e-3, 1e3), st.floats(1e-3, 1e3)),
)
def test_mixtures_stay_within_their_components(
    tmp_path_factory: Any, low: float, high: float, weights: tuple[float, float]
) -> None:
    folder = tmp_path_factory.mktemp("mix")
    for name, flops in (("a", low), ("b", high)):
        (folder / f"{name}.yaml").write_text(
            f"brainflops: 1\nname: {name}\ntitle: {name}\nmethod: stated\n"
            f"stated: {{compute: {flops}}}\n",
            encoding="utf-8",
        )
    path = folder / "mix.yaml"
    path.write_text(
        "brainflops: 1\nname: mix\ntitle: mix\nmethod: mixture\ncomponents:\n"
        f"  - {{scenario: a.yaml, weight: {weights[0]}}}\n"
        f"  - {{scenario: b.yaml, weight: {weights[1]}}}\n",
        encoding="utf-8",
    )
    for command in ("estimate", "compare", "sensitivity"):
        result = invoke(command, str(path), "--json", "--samples", "2000")
        no_traceback(result)
        assert result.exit_code == 0, result.stderr
    compute = json.loads(invoke("estimate", str(path), "--json", "-n", "2000").stdout)
    stats = compute["compute_flops"]
    assert min(low, high) * 0.999 <= stats["p5"] <= stats["p95"] <= max(low, high) * 1.001


MARKUP = st.lists(
    st.sampled_from(
        [*"<>&\"'`*_[]()|#\\-: \n/=!", "script", "javascript:", "onerror", "https://", "a", "x"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(markdown=MARKUP)
def test_any_markdown_becomes_a_harmless_page(markdown: str) -> None:
    """Whatever text reaches the page (a description is free text), it stays text."""
    from brainflops.render.html import page
    from tests.test_html import parse

    text = page(markdown, {})
    body = text[text.index("<main>") :]
    parsed = parse(text)  # balanced tags: user text opened or closed none
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= {"html", "head", "meta", "title", "style", "body", "main", "a", "h1", "h2",
                    "h3", "h4", "h5", "h6", "p", "ul", "li", "code", "strong", "div", "table",
                    "thead", "tbody", "tr", "th", "td"}  # fmt: skip
    assert "<script" not in body
    for tag, attrs in parsed.tags:
        assert all(not k.startswith("on") for k in attrs), (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith(("https://", "http://", "#")), href


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=True, width=64),
            st.sampled_from([0.0, 1.0, 2.0, 1e9]),  # ties, and the "never" year a report caps to
        ),
        min_size=1,
        max_size=60,
    ),
    st.lists(st.floats(0, 1), min_size=1, max_size=8),
)
def test_quantiles_of_sorted_equal_numpys_bit_for_bit(values: list[float], q: list[float]) -> None:
    import numpy as np

    from brainflops.engine.sampling import median_of_sorted, quantiles_of_sorted

    ordered = np.sort(np.array(values, dtype=np.float64))
    fractions = [*q, 0.0, 0.05, 0.5, 0.95, 1.0]
    with np.errstate(invalid="ignore"):  # inf - inf is NaN for numpy and for us
        expected = np.quantile(ordered, fractions)
    got = np.array(quantiles_of_sorted(ordered, fractions))
    assert np.array_equal(got, expected, equal_nan=True)  # same bits, NaN where numpy's is
    with np.errstate(invalid="ignore"):
        median = float(np.median(ordered))
    mine = median_of_sorted(ordered)
    assert mine == median or (math.isnan(mine) and math.isnan(median))


@FUZZ
@given(st.integers(0, 5), st.integers(-2, 2), st.booleans())
def test_collections_are_refused_exactly_past_their_limit(
    which: int, extra: int, flow: bool
) -> None:
    from brainflops.model.load import SCENARIO_LIMITS

    paths = [*SCENARIO_LIMITS.entries, ("unknown_key",)]
    path = paths[which]
    limit = SCENARIO_LIMITS.entries.get(path, SCENARIO_LIMITS.other_entries or 0)
    count = limit + extra
    as_list = path[-1] in ("correlations", "components")
    if flow:
        items = ", ".join("1" if as_list else f"k{i}: 1" for i in range(count))
        body = f"[{items}]" if as_list else f"{{{items}}}"
    else:
        indent = "  " * len(path)
        body = "".join(f"\n{indent}- 1" if as_list else f"\n{indent}k{i}: 1" for i in range(count))
        body = body or ("[]" if as_list else "{}")
    nested = "".join(f"{'  ' * depth}{key}:\n" for depth, key in enumerate(path[:-1]))
    text = f"brainflops: 1\n{nested}{'  ' * (len(path) - 1)}{path[-1]}: {body}\n"
    try:
        parse_yaml(text, "f.yaml", SCENARIO_LIMITS)
    except InputError as exc:
        assert count > limit, exc
        assert f"more than {limit:,} entries" in str(exc)
    else:
        assert count <= limit


@FUZZ
@given(rate=quantity(0.01, 100), cost=quantity(0.1, 1000), where=st.sampled_from(["rate", "cost"]))
def test_a_var_used_once_and_the_same_quantity_inline_diff_to_exactly_one(
    rate: Any, cost: Any, where: str
) -> None:
    """Two spellings of one model: every ratio is exactly 1 at every percentile."""
    from brainflops.analysis.diff import diff
    from brainflops.api import load
    from brainflops.engine import estimate

    def spelled(shared: bool) -> Any:
        values = {"rate": rate, "cost": cost}
        ref = {where: {"var": "v"}} if shared else {}
        doc: dict[str, Any] = {
            "brainflops": 1,
            "name": "s" if shared else "i",
            "title": "t",
            "populations": {
                "a": {
                    "neurons": 1e9,
                    "synapses_per_neuron": 1e3,
                    "firing_rate_hz": ref.get("rate", values["rate"]),
                    "cost": {"model": "synaptic", "flops_per_event": ref.get("cost", cost)},
                }
            },
        }
        if shared:
            doc["vars"] = {"v": values[where]}
        return load(doc)

    a, b = (estimate(spelled(s), 500, 3) for s in (False, True))
    d = diff(a, b)
    assert d.parameters == ()
    for output in ("compute_flops", "events_per_s", "lifetime_flop"):
        ratio = d.outputs[output].ratio
        assert ratio is not None, output
        assert (ratio.p5, ratio.median, ratio.p95) == (1.0, 1.0, 1.0), output


@FUZZ
@given(
    exponents=st.lists(st.floats(5, 25), min_size=1, max_size=300),
    at_points=st.integers(0, 20),
    series=st.sampled_from(["top500", "ai"]),
)
def test_a_sorted_samples_history_equals_the_one_searched_sample_by_sample(
    exponents: list[float], at_points: int, series: str
) -> None:
    """history_of finds a sorted sample's dates with one search per point of the series
    (compare sorts compute first); it must equal the search per sample, ties included."""
    import dataclasses

    import numpy as np

    from brainflops.analysis.projections import ai_points, history_of, top500_points

    points = top500_points() if series == "top500" else ai_points()
    exact = [points[i % len(points)].value for i in range(at_points)]  # ties with the points
    values = np.sort(np.array([10.0**e for e in exponents] + exact + [math.inf]))
    fast = history_of(points, values, series)  # type: ignore[arg-type]
    searched = history_of(points, values, series, ascending=False)  # type: ignore[arg-type]
    assert fast.years.tolist() == searched.years.tolist()
    assert dataclasses.replace(fast, years=searched.years) == searched


@FUZZ
@given(
    start=st.floats(10, 30),
    drift=st.floats(-0.5, 0.5),
    k=st.floats(0, 0.5),
    cap_max=st.floats(10, 40),
    targets=st.lists(st.floats(0, 45), min_size=1, max_size=20),
    seed=st.integers(0, 2**32 - 1),
)
def test_first_passages_match_a_loop_over_every_path(
    *, start: float, drift: float, k: float, cap_max: float, targets: list[float], seed: int
) -> None:
    """Any walk, cap and targets: the vectorised first passage is the first list at which a
    step-by-step loop over the path (held at the cap) is at or above the target."""
    import numpy as np

    from brainflops.analysis.forecast import PathSet, Shape, Walk, list_dates, simulate, stream

    walk = Walk(2026.46, start, drift, abs(drift) / 4, k * k, 10.0, 20)
    dates = list_dates(walk.start_year, 2060.0)
    values = simulate(walk, dates, 7, stream(seed, "fuzz"), Shape(cap_max=cap_max))
    paths = PathSet.of(values, dates)
    rows = np.arange(len(targets)) % 7
    got = paths.first_passage(np.array(targets), rows)
    for j, target in enumerate(targets):
        path = values[rows[j]]
        assert float(path.max()) <= cap_max + 1e-4  # held at the cap, from the first step
        hits = [i for i, v in enumerate(path.tolist()) if v >= target]  # in float64
        assert got[j] == (hits[0] if hits else dates.size)


@FUZZ
@given(
    compute=st.lists(st.floats(1, 1e40), min_size=1, max_size=50),
    name=st.sampled_from(["trend-2013", "fabrication-limit-2025", "power-cap-100mw"]),
)
def test_parity_probabilities_never_fall_and_percentiles_are_ordered(
    compute: list[float], name: str
) -> None:
    import numpy as np

    from brainflops.analysis.projections import DEFAULT_PROJECTIONS, parity_years, resolve
    from brainflops.model.data import bundled_machines

    p = resolve(name, DEFAULT_PROJECTIONS[name], bundled_machines().green500)
    years = parity_years(p, np.sort(np.array(compute)))
    shares = list(years.p_by.values())
    assert shares == sorted(shares) and all(0 <= s <= 1 for s in shares)
    assert list(years.curve) == sorted(years.curve)
    shown = [y for y in (years.year_p5, years.year_median, years.year_p95) if y is not None]
    assert shown == sorted(shown) and all(1993.46 <= y <= 2200.87 for y in shown)


@FUZZ
@given(
    first=st.integers(0, 5000),
    size=st.integers(1, 3000),
    seed=st.integers(0, 2**32 - 1),
)
def test_passage_counts_row_by_row_equal_the_counts_pair_by_pair(
    first: int, size: int, seed: int
) -> None:
    import numpy as np

    from brainflops.analysis.forecast import PathSet, Walk, list_dates, simulate, stream

    walk = Walk(2026.46, 18.0, 0.15, 0.04, 0.02, 13.0, 27)
    dates = list_dates(walk.start_year, 2080.0)
    paths = PathSet.of(simulate(walk, dates, 64, stream(seed, "counts")), dates)
    targets = np.sort(np.random.default_rng(seed).uniform(17, 25, size))
    pairs = np.arange(first, first + size)
    expected = np.bincount(paths.first_passage(targets, pairs % 64), minlength=dates.size + 1)
    assert (paths.passage_counts(targets, first) == expected).all()


@FUZZ
@given(doc=scenario, scale=st.floats(0.2, 5))
def test_the_exported_model_is_the_engine_at_any_point(doc: dict[str, Any], scale: float) -> None:
    """Round 3 (the explorer): every input of any valid scenario, moved by one factor, gives
    the same outputs through the exported model as through the engine with those --set."""
    import brainflops as bf
    from tests import explorer_ref

    model = bf.export_model(doc)
    values = {path: value * scale for path, value in explorer_ref.medians(model).items()}
    try:
        est = bf.estimate(doc, set=values, samples=2000)
    except InputError:
        return  # overflows float64 at this point: refused, as the page says
    if est.uncertain:
        return  # an input with no positive median has no slider and stays a range
    for name, figure in explorer_ref.point_outputs(model, values).items():
        stats = est.stats[name]
        assert (figure is None) == (stats is None), name
        if figure is not None and stats is not None:
            assert math.isclose(figure, stats.median, rel_tol=1e-9), (name, figure, stats.median)


@FUZZ
@given(
    st.integers(1, 30_000),
    st.sampled_from(["lognormal", "ties", "sorted", "reversed", "infinite", "nan"]),
    st.lists(st.floats(0, 1), min_size=1, max_size=6),
    st.integers(0, 2**32),
)
def test_quantiles_of_unsorted_samples_equal_numpys_bit_for_bit(
    n: int, shape: str, q: list[float], seed: int
) -> None:
    """`quantiles` selects order statistics through a pilot sample (past 4,096 values):
    whatever the sample's order, ties or a pilot that misses, numpy's numbers exactly."""
    import numpy as np

    from brainflops.engine.sampling import quantiles

    rng = np.random.default_rng(seed)
    normal = rng.normal(size=n)
    values = {
        "lognormal": np.exp(3 * normal),
        "ties": np.floor(np.abs(normal) * 2),  # a pilot's bracket is a tie
        "sorted": np.sort(normal),  # a strided pilot sees a pattern
        "reversed": np.sort(normal)[::-1].copy(),
        "infinite": np.where(rng.random(n) < 0.1, np.inf, normal),
        "nan": np.where(rng.random(n) < 0.01, np.nan, normal),
    }[shape]
    fractions = [*q, 0.0, 0.05, 0.5, 0.95, 1.0]
    with np.errstate(invalid="ignore"):
        expected = np.quantile(values, fractions)
        got = np.array(quantiles(values, fractions))
    assert np.array_equal(got, expected, equal_nan=True)


@FUZZ
@given(st.integers(1, 10_000), st.sampled_from(["normal", "ties", "nan"]), st.integers(0, 2**32))
def test_the_median_of_unsorted_samples_equals_numpys(n: int, shape: str, seed: int) -> None:
    import numpy as np

    from brainflops.engine.sampling import median

    rng = np.random.default_rng(seed)
    values = {
        "normal": rng.normal(size=n),
        "ties": np.floor(rng.normal(size=n)),
        "nan": np.where(rng.random(n) < 0.01, np.nan, rng.normal(size=n)),
    }[shape]
    expected = float(np.median(values))
    got = median(values)
    assert got == expected or (math.isnan(got) and math.isnan(expected))
