"""From a file (or a bundled name) to a validated model, with `extends` and `--set`.

Every validation error is mapped back to the file, line and column of the node that caused
it, including nodes inherited from a parent scenario and values given with `--set`.
"""

from __future__ import annotations

import copy
import difflib
import filecmp
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from brainflops.errors import InputError, Problem
from brainflops.io.files import path_errors
from brainflops.io.yaml import Document, Limits, Position, load_yaml, parse_value
from brainflops.model.prebuilt import scenario_from
from brainflops.model.projections import ProjectionSpec
from brainflops.model.scenario import Scenario


@cache
def _projection_adapter() -> TypeAdapter[ProjectionSpec]:
    """Built on first use: only `--projection` needs it, and building costs milliseconds."""
    return TypeAdapter(ProjectionSpec)


M = TypeVar("M", bound=BaseModel)

MAX_EXTENDS_DEPTH = 10
NOT_INHERITED = ("name", "title", "expect", "extends", "published", "sweeps")


def bundled_dir() -> Path:
    """The bundled scenarios: inside an installed wheel, or `scenarios/` of a checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "scenarios"
    return installed if installed.is_dir() else package.parent / "scenarios"


def bundled_names() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.yaml"))


def resolve_ref(ref: str, relative_to: Path | None = None) -> Path:
    """A scenario argument is a path (if it looks like one) or a bundled name."""
    with path_errors(ref):
        return _resolve_ref(ref, relative_to)


def _resolve_ref(ref: str, relative_to: Path | None) -> Path:
    looks_like_path = "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml"))
    if looks_like_path or os.path.lexists(ref):
        path = Path(ref)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
        return path
    candidate = bundled_dir() / f"{ref}.yaml"
    if candidate.is_file():
        return candidate
    names = bundled_names()
    close = difflib.get_close_matches(ref, names, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise InputError.at(ref, f"unknown scenario{hint}; `brainflops list` shows the bundled ones")


def display_path(path: Path) -> str:
    """Paths inside the bundled folder are shown by name, so messages do not depend on cwd."""
    try:
        rel = Path(os.path.normpath(path.absolute())).relative_to(bundled_dir())
    except ValueError:
        return str(path)
    return f"scenarios/{rel.as_posix()}"


def is_bundled(path: Path, name: str) -> bool:
    """Whether a scenario file says what the bundled scenario of that name says (so that
    the name runs it anywhere brainflops is installed), wherever the file is."""
    bundled = bundled_dir() / f"{name}.yaml"
    try:
        return bundled.is_file() and filecmp.cmp(path, bundled, shallow=False)
    except OSError:
        return False


@cache
def _vocabulary(model: type[BaseModel]) -> tuple[str, ...]:
    words: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                words.update(props)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(model.model_json_schema())
    return tuple(sorted(words))


MAX_SUGGESTIONS = 50
""""Did you mean" costs a fuzzy match per unknown key: only the first ones get one."""


def _message(
    err: Any, where: tuple[Any, ...], model: type[BaseModel], suggest: bool, full: bool = False
) -> str:
    """The message of one validation error; `full` suggests whole paths (for `--set`)."""
    dotted = ".".join(str(s) for s in where)
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        key = str(where[-1]) if where else "?"
        vocabulary = _vocabulary(model) if suggest else ()
        close = difflib.get_close_matches(key, vocabulary, n=1, cutoff=0.6)
        if close and full:
            close = [".".join([*(str(s) for s in where[:-1]), close[0]])]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{dotted}: unknown key{hint}"
    if kind == "missing":
        missing = err["loc"][-1]
        return f"{dotted + ': ' if dotted else ''}missing required key {missing!r}"
    if "input" in err and kind not in ("value_error",) and not isinstance(err["input"], dict):
        try:
            shown = repr(err["input"])
        except ValueError:  # an int past Python's 4,300-digit limit for text
            shown = "a number too long to show"
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        msg = f"{msg} (got {shown})"
    return f"{dotted or '(top level)'}: {msg}"


_NAMED_PATH = re.compile(r"^([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)+): ")
"""A model-level message that starts with the dotted path it is about: located there."""


def validation_context(data: Any) -> dict[str, set[str]]:
    """What validators are told: the vars the document declares ("vars"), and a set they
    fill with the vars it uses ("used"), so that no one walks the scenario for them."""
    declared = data.get("vars") if isinstance(data, dict) else None
    return {"vars": set(declared) if isinstance(declared, dict) else set(), "used": set()}


def validate(doc: Document, model: type[M], data: dict[str, Any] | None = None) -> M:
    """Validate a document's data against a model, with located errors."""
    raw = doc.data if data is None else data
    context = validation_context(raw)
    try:
        if model is Scenario:  # built once, not in every process
            return scenario_from(raw, context)  # type: ignore[return-value]
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        problems: dict[Problem, None] = {}  # ordered and de-duplicated in linear time
        for count, raw_err in enumerate(exc.errors(include_url=False)):
            err = raw_err
            loc = tuple(err["loc"])
            if err["type"] == "union_tag_invalid":
                loc = (*loc, "model")
            named = _NAMED_PATH.match(str(err["msg"]).removeprefix("Value error, "))
            if not loc and named:  # a whole-model check that names the field it is about
                loc = tuple(int(p) if p.isdigit() else p for p in named[1].split("."))
                err = {**err, "msg": str(err["msg"]).replace(f"{named[1]}: ", "", 1)}
            where, pos = doc.locate(loc, key=err["type"] == "extra_forbidden")
            pos = pos or (Position(doc.path, 1, 1) if doc.values else Position(doc.path))
            from_set = (pos.file or "").startswith("--set")
            message = _message(err, where, model, count < MAX_SUGGESTIONS, full=from_set)
            problems[Problem(pos.file, message, pos.line, pos.col)] = None
        ordered = sorted(problems, key=lambda p: (p.path, p.line or 0, p.col or 0))
        raise InputError(ordered) from None


def _merge(parent: Any, child: Any) -> Any:
    if isinstance(parent, dict) and isinstance(child, dict):
        merged = dict(parent)
        for key, value in child.items():
            merged[key] = _merge(parent[key], value) if key in parent else value
        return merged
    return child


def _positions(data: Any, docs: Sequence[Document], keys: bool) -> dict[Any, Position]:
    out: dict[Any, Position] = {}

    def walk(node: Any, where: tuple[Any, ...]) -> None:
        for doc in docs:  # the child first: it wins
            table = doc.keys if keys else doc.values
            if where in table:
                out[where] = table[where]
                break
        items: Iterable[tuple[Any, Any]] = ()
        if isinstance(node, dict):
            items = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        for k, v in items:
            walk(v, (*where, k))

    walk(data, ())
    return out


def merged_document(child: Document, parent: Document) -> Document:
    """`child` extends `parent`: mappings deep-merge, the child wins, lists replace."""
    inherited = {k: v for k, v in parent.data.items() if k not in NOT_INHERITED}
    data = _merge(inherited, child.data)
    return Document(
        path=child.path,
        data=data,
        values=_positions(data, (child, parent), keys=False),
        keys=_positions(data, (child, parent), keys=True),
    )


SCENARIO_LIMITS = Limits(
    entries={
        ("populations",): 100,
        ("vars",): 100,
        ("correlations",): 100,
        ("components",): 50,
        ("factors", "other"): 100,
        ("sweeps",): 10,
    },
    other_entries=1_000,
    nodes=50_000,
)
"""The scenario format's limits on its collections (as its models state them), any other
collection's (no part of the format needs 1,000 entries) and the whole file's (100
populations with every quantity written as a full range have about 7,000 keys and values):
checked while a file is parsed, so that a file of 30,000 populations stops at the 101st
instead of taking 14 s to be refused."""

_PARSED: dict[tuple[str, int, int, str], Document] = {}
_PARSED_LIMIT = 64


def _parsed(path: Path, shown: str) -> Document:
    """A file's document, parsed once per process while the file stays the same.

    Hundreds of variants in a report extend the same parent: each would parse it again.
    Every caller gets its own copy of the data (merging and `--set` change it).
    """
    with path_errors(shown):
        info = path.stat()
        key = (str(path.resolve()), info.st_mtime_ns, info.st_size, shown)
    doc = _PARSED.get(key)
    if doc is None:
        doc = load_yaml(path, shown, SCENARIO_LIMITS)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = doc
    return Document(doc.path, copy.deepcopy(doc.data), dict(doc.values), dict(doc.keys))


def resolve_extends(path: Path, chain: tuple[Path, ...] = ()) -> Document:
    """Load a scenario file and, recursively, the scenarios it extends."""
    shown = display_path(path)
    doc = _parsed(path, shown)
    ref = doc.data.get("extends")
    if ref is None:
        return doc
    pos = doc.values.get(("extends",)) or Position(shown, 1, 1)
    if not isinstance(ref, str):
        raise InputError.at(shown, "extends: expected a scenario name or path", pos.line, pos.col)
    with path_errors(shown):
        here = (*chain, path.resolve())
    if len(here) > MAX_EXTENDS_DEPTH:
        names = " → ".join(display_path(p) for p in here)
        raise InputError.at(
            shown, f"extends chain deeper than {MAX_EXTENDS_DEPTH}: {names}", pos.line, pos.col
        )
    try:
        parent_path = resolve_ref(ref, relative_to=path.parent)
    except InputError as exc:
        raise InputError.at(
            shown, f"extends: {exc.problems[0].message} ({ref!r})", pos.line, pos.col
        ) from None
    with path_errors(shown, f"extends: {ref!r}"):
        cycle = parent_path.resolve() in here
        is_file = parent_path.is_file()
    if cycle:
        names = " → ".join(display_path(p) for p in (*here, parent_path))
        raise InputError.at(shown, f"extends cycle: {names}", pos.line, pos.col)
    if not is_file:
        raise InputError.at(
            shown, f"extends: parent {ref!r} not found ({parent_path})", pos.line, pos.col
        )
    parent = resolve_extends(parent_path, here)
    return merged_document(doc, parent)


_NEW_KEYS_REFUSED = ("populations", "projections")
NOT_SETTABLE = ("extends",)
MAX_SET_CHARS = 10_000
MAX_SET_DEPTH = 16


def apply_set(doc: Document, assignment: str) -> Document:
    """Apply one `--set key.path=value` to a document (after `extends`)."""
    origin = f"--set {assignment[:80]}{'…' if len(assignment) > 80 else ''}"
    if len(assignment) > MAX_SET_CHARS:
        raise InputError.at(
            origin, f"{len(assignment):,} characters; the limit is {MAX_SET_CHARS:,}"
        )
    key, sep, raw = assignment.partition("=")
    parts = key.strip().split(".")
    if not sep or not all(parts):
        raise InputError.at(origin, "expected key.path=value, e.g. factors.neural_backprop=2")
    if len(parts) > MAX_SET_DEPTH:
        raise InputError.at(origin, f"a path of {len(parts):,} keys; the limit is {MAX_SET_DEPTH}")
    if parts[0] in NOT_SETTABLE:
        raise InputError.at(
            origin,
            f"{parts[0]} cannot be changed with --set (it is read before overrides apply); "
            "write a scenario file that extends the one you want",
        )
    return set_value(doc, ".".join(parts), parse_value(raw, origin), origin)


def set_value(doc: Document, path: str, value: Any, origin: str) -> Document:
    """The document with the (parsed) value at a dotted path; the value is marked `origin`.

    A number in the path indexes a list: `components.1.weight` is the second component's.
    """
    parts = path.split(".")
    if not all(parts) or len(parts) > MAX_SET_DEPTH or parts[0] in NOT_SETTABLE:
        raise InputError.at(origin, f"{path!r} cannot be set")
    data = dict(doc.data)  # copied along the path below, so the document stays as it was
    node: Any = data
    where: list[str | int] = []
    for depth, part in enumerate(parts):
        above = ".".join(parts[:depth])
        key: str | int
        if isinstance(node, list):
            key = _index(node, part, above, origin)
        elif isinstance(node, dict):
            key = part
            if part not in node and depth == 1 and parts[0] in _NEW_KEYS_REFUSED:
                _refuse_new(origin, parts[0], part, node)
        else:
            raise InputError.at(origin, f"{above} is a value, not a mapping")
        where.append(key)
        if depth == len(parts) - 1:
            node[key] = value
        elif isinstance(node, dict) and key not in node:
            node[key] = {}
        elif isinstance(node[key], dict | list):
            node[key] = type(node[key])(node[key])
        node = node[key]
    at = tuple(where)
    values = {p: v for p, v in doc.values.items() if p[: len(at)] != at}
    keys = {p: v for p, v in doc.keys.items() if p[: len(at)] != at}
    marked = Position(origin)

    def mark(sub: Any, here: tuple[Any, ...]) -> None:
        values[here] = marked
        keys[here] = marked
        if isinstance(sub, dict):
            for k, v in sub.items():
                mark(v, (*here, k))
        elif isinstance(sub, list):
            for i, v in enumerate(sub):
                mark(v, (*here, i))

    mark(value, at)
    for depth in range(1, len(at)):
        values.setdefault(at[:depth], marked)
    return Document(path=doc.path, data=data, values=values, keys=keys)


def _index(items: list[Any], part: str, above: str, origin: str) -> int:
    """A list item's index from a path part: 0 to len - 1, written in plain digits."""
    if not items:
        raise InputError.at(origin, f"{above} is an empty list: no item to set")
    if not part.isascii() or not part.isdigit():
        raise InputError.at(
            origin, f"{above} is a list: {part!r} is not an index (0 to {len(items) - 1})"
        )
    index = int(part)
    if index >= len(items):
        raise InputError.at(
            origin, f"{above} has {len(items)} items: index {index} is not 0 to {len(items) - 1}"
        )
    return index


def _refuse_new(origin: str, section: str, name: str, node: dict[str, Any]) -> None:
    close = difflib.get_close_matches(name, list(node), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(node) or 'none'}"
    raise InputError.at(origin, f"{section}.{name}: no such entry{hint}")


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the document it came from (for positions)."""

    scenario: Scenario
    document: Document
    path: Path


def load_document(ref: str, overrides: Sequence[str] = ()) -> tuple[Document, Path]:
    path = resolve_ref(ref)
    doc = resolve_extends(path)
    for assignment in overrides:
        doc = apply_set(doc, assignment)
    return doc, path


def load_scenario(ref: str, overrides: Sequence[str] = ()) -> LoadedScenario:
    """Load, resolve `extends`, apply `--set` and validate a scenario."""
    doc, path = load_document(ref, overrides)
    return LoadedScenario(validated(doc), doc, path)


MAX_MIXTURE_DEPTH = 5


def validated(doc: Document, chain: tuple[Path, ...] = ()) -> Scenario:
    """A validated scenario; a mixture's components are read too (relative to its file)."""
    scenario = validate(doc, Scenario)
    if scenario.method != "mixture":
        return scenario
    here = Path(doc.path)
    if len(chain) >= MAX_MIXTURE_DEPTH:
        raise InputError.at(doc.path, f"mixtures nest more than {MAX_MIXTURE_DEPTH} deep")
    loaded: list[Scenario] = []
    for i, component in enumerate(scenario.components):
        _, pos = doc.locate(("components", i, "scenario"))
        at = pos or Position(doc.path, 1, 1)
        path = resolve_ref(component.scenario, here.parent)
        with path_errors(component.scenario):
            seen = {p.resolve() for p in (*chain, here)}
            cycle = path.resolve() in seen
            found = path.is_file()
            exists = path.exists()
        if not found:
            what = "is not a regular file" if exists else "not found"
            message = f"components.{i}: {component.scenario!r} {what} ({path})"
            raise InputError.at(at.file, message, at.line, at.col)
        if cycle:
            message = f"components.{i}: a mixture cycle through {component.scenario!r}"
            raise InputError.at(at.file, message, at.line, at.col)
        loaded.append(validated(resolve_extends(path), (*chain, here)))
    scenario._loaded = tuple(loaded)
    return scenario


def parse_projection_option(text: str) -> tuple[str, ProjectionSpec | None]:
    """`--projection NAME` selects one; `--projection NAME=SPEC` (YAML) adds or replaces one."""
    origin = f"--projection {text}"
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not name:
        raise InputError.at(origin, "expected NAME or NAME={model: ..., ...}")
    if not sep:
        return name, None
    value = parse_value(raw, origin)
    try:
        return name, _projection_adapter().validate_python(value)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(s) for s in err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        raise InputError.at(origin, f"{where + ': ' if where else ''}{message}") from None


def expand_refs(refs: Sequence[str]) -> list[str]:
    """Directories stand for the `*.yaml` files in them (sorted); other refs pass through."""
    out: list[str] = []
    for ref in refs:
        path = Path(ref)
        with path_errors(ref):
            is_dir = path.is_dir()
            found = sorted(str(p) for p in path.glob("*.yaml")) if is_dir else []
        if is_dir:
            if not found:
                raise InputError.at(ref, "directory has no *.yaml scenario files")
            out.extend(found)
        else:
            out.append(ref)
    return out
