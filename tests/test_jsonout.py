"""`jsonout.dumps`: json.dumps(sort_keys=True, indent=2, allow_nan=False)'s text, byte for byte."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.render.jsonout import dumps

KEYS = st.text(max_size=6) | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()  # any Unicode: escaped to ASCII as json.dumps escapes it
)
DOCUMENTS = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=40,
)


def _reference(document: object) -> str:
    return json.dumps(document, sort_keys=True, indent=2, allow_nan=False) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), DOCUMENTS, max_size=6))
def test_the_same_text_as_json_dumps(document: dict[str, object]) -> None:
    assert dumps(document) == _reference(document)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(KEYS, LEAVES, max_size=4))
def test_keys_of_every_kind_json_takes(document: dict[object, object]) -> None:
    try:
        expected = _reference(document)
    except (TypeError, ValueError) as exc:  # keys that do not sort, or an infinite key
        with pytest.raises(type(exc)):
            dumps(document)  # type: ignore[arg-type]
        return
    assert dumps(document) == expected  # type: ignore[arg-type]


def test_numpy_floats_and_nested_empties() -> None:
    document = {"x": np.float64(0.1), "y": [np.float64(2.5e-300)], "e": [[], {}], "t": ()}
    assert dumps(document) == _reference(document)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_no_nan_or_infinity(bad: float) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        dumps({"a": [bad]})


def test_what_json_cannot_write_is_refused() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": object()})
