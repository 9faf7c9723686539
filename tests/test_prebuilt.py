"""Issue 30: the scenario's validator is built once and kept beside the bytecode.

The kept validator must accept and refuse exactly what pydantic's own does, be used only
when it was built from these sources, and never stop a command when it cannot be kept.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from brainflops.errors import InputError
from brainflops.io.yaml import load_yaml
from brainflops.model import prebuilt
from brainflops.model.load import validation_context
from brainflops.model.scenario import Scenario
from tests.conftest import FIXTURES, ROOT, fresh_prefix


def _readable(path: Path) -> bool:
    try:
        load_yaml(path)
    except InputError:  # not YAML a scenario can be read from: nothing to validate
        return False
    return True


DOCUMENTS = [
    p
    for p in sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(FIXTURES.glob("*/*.yaml"))
    if _readable(p)
]


def pydantics_validator() -> Any:
    """The validator pydantic builds for a scenario."""
    Scenario.model_rebuild()
    return Scenario.__pydantic_validator__


def outcome(validator: Any, data: Any) -> tuple[str, Any]:
    """What a validator makes of the data: the scenario, or its errors."""
    try:
        return "valid", validator.validate_python(data, context=validation_context(data))
    except ValidationError as exc:  # a check's ValueError compares by identity: by its words
        return "invalid", [
            {**e, "ctx": {k: repr(v) for k, v in e.get("ctx", {}).items()}}
            for e in exc.errors(include_url=False)
        ]


@cache
def kept_validator() -> Any:
    """The validator as a later process finds it: kept by `keep`, read back by `read_kept`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.validator"
        prebuilt.keep(path, pydantics_validator())
        found = prebuilt.read_kept(path)
    assert found is not None, "the scenario's validator no longer pickles (a lambda in it?)"
    return found


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_kept_validator_accepts_and_refuses_as_pydantics_own(path: Path) -> None:
    data = load_yaml(path).data
    ours, theirs = outcome(kept_validator(), data), outcome(pydantics_validator(), data)
    assert ours == theirs
    if ours[0] == "valid":  # the same classes: a kept validator makes real Scenarios
        assert type(ours[1]) is Scenario


def test_there_are_valid_and_invalid_documents_among_them() -> None:
    kinds = {outcome(kept_validator(), load_yaml(path).data)[0] for path in DOCUMENTS}
    assert kinds == {"valid", "invalid"}


def test_a_kept_validator_of_other_sources_or_damaged_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "scenario.validator"
    prebuilt.keep(path, pydantics_validator())
    body = path.read_bytes()
    key, _, pickled = body.partition(b"\n")
    assert prebuilt.read_kept(path) is not None
    path.write_bytes(b"0" * len(key) + b"\n" + pickled)  # built from other sources
    assert prebuilt.read_kept(path) is None
    path.write_bytes(key + b"\n" + pickled[: len(pickled) // 2])  # cut short
    assert prebuilt.read_kept(path) is None
    path.write_bytes(key + b"\n" + b"\x80\x05K\x01.")  # the pickle of 1: not a validator
    assert prebuilt.read_kept(path) is None
    assert prebuilt.read_kept(tmp_path / "missing") is None


def test_a_validator_that_cannot_be_kept_is_left_unkept(tmp_path: Path) -> None:
    (tmp_path / "brainflops").write_text("")  # a file where its __pycache__ folder would go
    blocked = tmp_path / "brainflops" / "__pycache__" / "scenario.validator"
    prebuilt.keep(blocked, pydantics_validator())
    prebuilt.keep(tmp_path / "lambda.validator", lambda: None)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == ["brainflops"]  # nor a temporary file


RUN = (
    "import sys\nfrom brainflops.cli import main\nsys.argv = ['brainflops', 'validate', "
    "'dettmers-2015']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
    "from brainflops.model.scenario import Scenario\n"
    "print('built' if Scenario.__pydantic_complete__ else 'kept', file=sys.stderr)"
)


def _validate(prefix: Path, **env: str) -> str:
    """Run `validate` as the console script does, with the bytecode cache under `prefix`:
    'built' if the process built the validator, 'kept' if it loaded a kept one."""
    out = subprocess.run(
        [sys.executable, "-c", RUN],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": ""} | env,
    )
    assert "1 scenario(s) valid" in out.stdout + out.stderr
    return out.stderr.splitlines()[-1]


def _kept_files(prefix: Path) -> list[Path]:
    return list(prefix.rglob("scenario.*.validator"))


def test_the_first_command_keeps_the_validator_and_the_next_uses_it(
    bytecode_prefix: Path, tmp_path: Path
) -> None:
    prefix = fresh_prefix(bytecode_prefix, tmp_path, kept=False)
    assert _validate(prefix) == "built"
    (kept,) = _kept_files(prefix)
    assert kept.parent.name == "model"  # the prefix mirrors brainflops/model/__pycache__
    assert _validate(prefix) == "kept"
    # pydantic's plugins on: the validator is pydantic's own, which a plugin can instrument
    assert _validate(prefix, PYDANTIC_DISABLE_PLUGINS="some-plugin") == "built"


def test_no_validator_is_kept_where_no_bytecode_is_written(
    bytecode_prefix: Path, tmp_path: Path
) -> None:
    prefix = fresh_prefix(bytecode_prefix, tmp_path, kept=False)
    assert _validate(prefix, PYTHONDONTWRITEBYTECODE="1") == "built"
    assert _kept_files(prefix) == []
