"""The safe loader: numbers in every YAML spelling, refusals, positions."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.errors import InputError
from brainflops.io.files import MAX_FILE_BYTES
from brainflops.io.yaml import MAX_DEPTH, Limits, load_yaml, parse_yaml


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("86e9", 86e9),  # PyYAML's SafeLoader reads this as the string '86e9'
        ("8.6e+10", 86e9),
        ("8.6e10", 86e9),
        ("86_000_000_000", 86_000_000_000),
        (".5", 0.5),
        ("-1.5E-3", -0.0015),
        ("1_000.5", 1000.5),
        ("0x10", 16),
        ("0o17", 15),
        ("010", 10),  # YAML 1.2: decimal, not octal
    ],
)
def test_numbers_in_every_spelling(text: str, value: float) -> None:
    assert parse_yaml(f"x: {text}").data["x"] == value


def test_yaml_12_scalars() -> None:
    data = parse_yaml("a: no\nb: true\nc: ~\nd: 1:30\ne: 2015-07-27\nf: '86e9'\ng: .inf").data
    assert data["a"] == "no"  # not False (the Norway problem)
    assert data["b"] is True
    assert data["c"] is None
    assert data["d"] == "1:30"  # not sexagesimal 90
    assert data["e"] == "2015-07-27"  # not a date object
    assert data["f"] == "86e9"  # quoted stays a string
    assert math.isinf(data["g"])


def test_positions_of_keys_and_values() -> None:
    doc = parse_yaml("a:\n  b: [1, 2]\n  c: x\n", "f.yaml")
    assert (doc.values[("a", "b", 1)].line, doc.values[("a", "b", 1)].col) == (2, 10)
    assert (doc.keys[("a", "c")].line, doc.keys[("a", "c")].col) == (3, 3)
    assert doc.values[("a", "c")].file == "f.yaml"


def test_locate_skips_union_tags() -> None:
    doc = parse_yaml("p:\n  q: {low: 2, high: 1}\n")
    where, pos = doc.locate(("p", "q", "range", "low"))
    assert where == ("p", "q", "low")
    assert pos is not None and (pos.line, pos.col) == (2, 12)


def _refusal(text: str) -> str:
    with pytest.raises(InputError) as info:
        parse_yaml(text, "f.yaml")
    return str(info.value)


def test_refuses_deep_nesting_quickly() -> None:
    message = _refusal("a: " + "[" * 100_000 + "]" * 100_000)
    assert f"nesting deeper than {MAX_DEPTH}" in message
    assert message.startswith("f.yaml:1:")


def test_refuses_long_keys() -> None:
    assert "f.yaml:1:1: key longer than 1000 characters" in _refusal("k" * 1010 + ": 1")
    # PyYAML itself stops reading a simple key after 1024 characters
    assert _refusal("k" * 100_000 + ": 1").startswith("f.yaml:1:100001: YAML error")


def test_refuses_merge_keys() -> None:
    assert "merge keys" in _refusal("a:\n  <<: {b: 1}\n")


def test_refuses_non_string_keys() -> None:
    assert "mapping keys must be plain names" in _refusal("? [a]\n: 1\n")


def test_refuses_huge_files(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (MAX_FILE_BYTES + 10))
    with pytest.raises(InputError, match="the limit is"):
        load_yaml(path)


def test_refuses_non_utf8_with_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"a: 1\nname: caf\xe9\n")
    with pytest.raises(InputError) as info:
        load_yaml(path)
    assert str(info.value) == f"{path}:2:10: not UTF-8 text (byte 0xe9)"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file"):
        load_yaml(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_yaml(tmp_path)


LIMITS = Limits(entries={("items",): 3, ("a", "b"): 2}, other_entries=5, nodes=40)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        # the fourth entry of `items` (a list), at the item: line 5, after "  - "
        ("items:\n  - 1\n  - 2\n  - 3\n  - 4\n", (5, 5), "items: more than 3 entries"),
        # the third key of a.b, at the key: "  b: {x: 1, y: 2, " is 18 characters
        ("a:\n  b: {x: 1, y: 2, z: 3}\n", (2, 19), "a.b: more than 2 entries (the limit is 2)"),
        # any other mapping: at most 5
        ("c: {k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6}\n", (1, 40), "c: more than 5 entries"),
        ("k1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\n", (6, 1), "the document: more than 5"),
    ],
)
def test_limits_stop_the_parse_at_the_first_entry_too_many(
    text: str, where: tuple[int, int], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml(text, "f.yaml", LIMITS)
    (problem,) = caught.value.problems
    assert message in problem.message
    assert (problem.line, problem.col) == where


def test_limits_stop_the_parse_at_the_first_node_too_many() -> None:
    # the mapping, the key `a`, the list, then items 1 to 7 make 10 nodes; item 8 is the
    # 11th, at column 5 + 3 x 7 = 26
    with pytest.raises(InputError) as caught:
        parse_yaml("a: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n", "f.yaml", Limits(nodes=10))
    (problem,) = caught.value.problems
    assert problem.message == "more than 10 keys and values (the limit is 10)"
    assert (problem.line, problem.col) == (1, 26)


def test_limits_allow_collections_at_their_limit() -> None:
    text = "items: [1, 2, 3]\na: {b: {x: 1, y: 2}}\nc: {k1: 1, k2: 2, k3: 3, k4: 4, k5: 5}\n"
    assert parse_yaml(text, "f.yaml", LIMITS).data["items"] == [1, 2, 3]
    # without limits, nothing is counted
    assert len(parse_yaml("".join(f"k{i}: 1\n" for i in range(100))).data) == 100


def test_scenario_limits_are_the_models_own() -> None:
    from annotated_types import MaxLen

    from brainflops.model.load import SCENARIO_LIMITS
    from brainflops.model.scenario import Factors, Scenario

    def max_length(model: type, name: str) -> int:
        found = [m.max_length for m in model.model_fields[name].metadata if isinstance(m, MaxLen)]  # type: ignore[attr-defined]
        return found[0]

    for path, limit in SCENARIO_LIMITS.entries.items():
        model = Factors if path[0] == "factors" else Scenario
        assert max_length(model, str(path[-1])) == limit, path


def _outcome(text: str, *, python: bool) -> object:
    """What parse_yaml makes of `text`: its data and positions, or its error's words."""
    try:
        doc = parse_yaml(text, "f.yaml", Limits(other_entries=6, nodes=40), python=python)
    except InputError as exc:
        return str(exc)
    return repr(doc.data), doc.values, doc.keys  # repr: NaN equals NaN


YAMLISH = st.text(alphabet="ab:-[]{},'\"#&*!|>?% \n\t.0123456789e+_~\\", max_size=80)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_libyaml_and_pyyaml_give_the_same_document_or_the_same_error(text: str) -> None:
    # libyaml parses; PyYAML's parser is the reference whose errors the user reads
    assert _outcome(text, python=False) == _outcome(text, python=True)


NESTED = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(NESTED, st.sampled_from([None, True, False]), st.integers(1, 6))
def test_the_same_document_in_every_style_pyyaml_writes(
    data: object, flow: bool | None, indent: int
) -> None:
    text = yaml.safe_dump({"root": data}, default_flow_style=flow, indent=max(indent, 2))
    assert _outcome(text, python=False) == _outcome(text, python=True)
