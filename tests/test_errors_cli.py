"""Every refusal: exit code 2, `path:line:col: message` on stderr, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, assert_input_error, invoke

INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
NO_COMMENT = {  # fixtures that cannot carry a comment
    "empty.yaml": "1:1: the file is empty; expected a mapping",
    "latin1.yaml": "2:10: not UTF-8 text (byte 0xe9)",
    "binary.yaml": "not UTF-8 text (byte 0xff)",
}


def expectation(path: Path) -> str:
    if path.name in NO_COMMENT:
        return NO_COMMENT[path.name]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# expect(?:-estimate)?: (.*)", first)
    assert match, f"{path.name} needs a '# expect: ...' first line"
    return match[1]


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
@pytest.mark.parametrize("command", ["estimate", "validate"])
def test_invalid_fixture(path: Path, command: str) -> None:
    expected = expectation(path)
    if command == "validate" and path.read_text(encoding="latin-1").startswith("# expect-estimate"):
        pytest.skip("found only by evaluating; validate does not evaluate")
    result = invoke(command, str(path))
    located = f"{path}:{expected}" if re.match(r"\d+:", expected) else expected
    assert_input_error(result, located)


def test_validate_reports_every_file(tmp_path: Path) -> None:
    a, b = FIXTURES / "invalid" / "unknown-key.yaml", FIXTURES / "invalid" / "nan.yaml"
    result = invoke("validate", str(a), str(b), "dettmers-2015")
    assert_input_error(result, f"{a}:8:5:")
    assert f"{b}:5:31:" in result.stderr


def test_missing_and_directory_scenarios(tmp_path: Path) -> None:
    assert_input_error(invoke("estimate", str(tmp_path / "nope.yaml")), "nope.yaml: No such file")
    assert_input_error(invoke("estimate", f"{tmp_path}/"), "is a directory")


def test_unknown_bundled_name_suggests() -> None:
    result = invoke("estimate", "dettmers-2016")
    assert_input_error(result, "dettmers-2016: unknown scenario (did you mean dettmers-2015")


def test_usage_errors_exit_2() -> None:
    result = invoke("estimate")
    assert result.exit_code == 2
    result = invoke("estimate", "dettmers-2015", "--samples", "many")
    assert result.exit_code == 2
