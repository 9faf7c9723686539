"""The scenario's validator, built by pydantic once and kept beside the bytecode.

pydantic builds a model's validator in every process, on first use: for a scenario (140
fields, most of them quantities) that is ~10 ms of each command, more than the file takes
to read and validate. The validator is a pydantic-core object that pickles as its schema and
config, so the first process keeps it in `__pycache__` beside the model's bytecode, as
Python keeps .pyc files (and, like them, not when bytecode writing is off); later processes
load it in 2 to 4 ms (measured side by side: 4 to 6 ms of `validate` saved).

A kept validator is used only when it was built from the same sources by the same Python,
pydantic and pydantic-core: its first line is a key of their versions and of each model
module's size and time. Any other key, or a file that cannot be read, builds it afresh.
It is used only while pydantic's plugins are off (the command line turns them off): a
plugin instruments the validators pydantic builds, and would miss a kept one.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic
import pydantic_core
from pydantic_core import SchemaValidator

from brainflops.io.files import replace_atomically
from brainflops.model import scenario
from brainflops.model.scenario import Scenario

if TYPE_CHECKING:
    from pydantic.plugin._schema_validator import PluggableSchemaValidator

MODEL_SOURCES = Path(scenario.__file__).resolve().parent
"""The scenario's schema is defined in these modules alone (brainflops.model)."""


def scenario_from(data: Any, context: dict[str, Any] | None = None) -> Scenario:
    """`Scenario.model_validate(data, context=context)`, with the kept validator."""
    found: Scenario = scenario_validator().validate_python(data, context=context)
    return found


@cache
def scenario_validator() -> SchemaValidator | PluggableSchemaValidator:
    """The kept validator if there is one for these sources, else pydantic's own (kept)."""
    if not _plugins_off():
        Scenario.model_rebuild()
        return Scenario.__pydantic_validator__
    path = kept_path()
    kept = None if path is None else read_kept(path)
    if kept is not None:
        return kept
    Scenario.model_rebuild()  # pydantic builds it here (the models defer it to first use)
    built = Scenario.__pydantic_validator__
    if path is not None and isinstance(built, SchemaValidator) and not sys.dont_write_bytecode:
        keep(path, built)
    return built


def _plugins_off() -> bool:
    # pydantic's own test (pydantic.plugin._loader.get_plugins)
    return os.environ.get("PYDANTIC_DISABLE_PLUGINS") in ("__all__", "1", "true")


def kept_path() -> Path | None:
    """Where the validator is kept: `__pycache__/scenario.<python tag>.validator`."""
    try:
        pyc = importlib.util.cache_from_source(scenario.__file__)
    except NotImplementedError:  # an interpreter without a bytecode cache
        return None
    return Path(pyc).with_suffix(".validator")


@cache
def _key() -> bytes:
    parts = [sys.version, pydantic.VERSION, pydantic_core.__version__]
    try:
        with os.scandir(MODEL_SOURCES) as entries:  # a quarter of pathlib's glob's time
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    found = entry.stat()
                    parts.append(f"{entry.name} {found.st_size} {found.st_mtime_ns}")
    except OSError:
        parts.append(os.urandom(8).hex())  # sources that cannot be listed match nothing kept
    return hashlib.sha256("\n".join(parts).encode()).hexdigest().encode()


def read_kept(path: Path) -> SchemaValidator | None:
    try:
        with path.open("rb") as kept:
            if kept.readline(len(_key()) + 1) != _key() + b"\n":
                return None
            found = pickle.load(kept)  # noqa: S301 (written by this module, as .pyc files are)
    except Exception:  # missing, stale or damaged: it is built again
        return None
    return found if isinstance(found, SchemaValidator) else None


def keep(path: Path, validator: SchemaValidator) -> None:
    """Keep a validator at `path`, if it pickles and the folder is writable; else nothing."""
    try:
        body = pickle.dumps(validator, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a validator that holds a lambda, say: it is built in every process
        return
    with contextlib.suppress(OSError):  # a read-only install: the same
        path.parent.mkdir(exist_ok=True)
        replace_atomically(path, _key() + b"\n" + body)


if __name__ == "__main__":  # `python -m brainflops.model.prebuilt`: keep it now (make does)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    scenario_validator()
