"""A safe YAML loader that keeps positions.

PyYAML's SafeLoader implements YAML 1.1: `86e9` is a string, `no` is False, `010` is 8 and
aliases can expand exponentially. Scenario files are written by people and reviewed in pull
requests, so this loader reads scalars by the YAML 1.2 core rules (plus `_` in numbers),
refuses anchors, aliases, duplicate keys, non-standard tags, deep nesting, huge and non-UTF-8
files, and records the line and column of every key and value so that any later error can
point at the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from brainflops.errors import InputError
from brainflops.io.files import read_limited

MAX_DEPTH = 64
MAX_KEY_CHARS = 1000
MAX_NUMBER_CHARS = 100
"""No number needs more characters; a longer one (a 3,600-digit hex) is refused, not parsed."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters except tab and newline: escapes in quoted YAML strings can
write them ("\\e]0;"), and they must never reach a terminal or a report."""

Key = str | int
Path_ = tuple[Key, ...]

_INT = re.compile(r"[-+]?[0-9][0-9_]*")
_HEX = re.compile(r"0x[0-9a-fA-F_]+")
_OCT = re.compile(r"0o[0-7_]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}


@dataclass(frozen=True)
class Position:
    """Where a node came from: a file (or a `--set` option) and a 1-based line and column."""

    file: str
    line: int | None = None
    col: int | None = None


@dataclass(frozen=True)
class Document:
    """A loaded YAML mapping with the position of every key and value, by dotted path."""

    path: str
    data: dict[str, Any]
    values: dict[Path_, Position] = field(default_factory=dict)
    keys: dict[Path_, Position] = field(default_factory=dict)

    def locate(self, loc: tuple[Key, ...], *, key: bool = False) -> tuple[Path_, Position | None]:
        """The longest prefix of `loc` that exists in the document, and its position.

        Segments that are not in the data (pydantic adds union tags such as 'range') are
        skipped, so a validation error's `loc` maps to the node the user wrote.
        """
        node: Any = self.data
        found: list[Key] = []
        for seg in loc:
            in_map = isinstance(node, dict) and isinstance(seg, str) and seg in node
            in_list = isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)
            if in_map or in_list:
                node = node[seg]
                found.append(seg)
        where = tuple(found)
        table = self.keys if key and where in self.keys else self.values
        return where, table.get(where) or self.values.get(where)


def _pos(node: Node, file: str) -> Position:
    return Position(file, node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass(frozen=True)
class Limits:
    """How large a document may grow, checked while it is parsed: an oversized file stops
    at its first entry too many instead of being parsed whole (~30,000 values a second)."""

    entries: Mapping[Path_, int] = field(default_factory=dict)
    """The most entries the mapping or list at each path may hold."""
    other_entries: int | None = None
    """The most entries of any other mapping or list."""
    nodes: int | None = None
    """The most keys and values in the whole document."""


NO_LIMITS = Limits()


class _Limited:
    """Refuses anchors, aliases, deep nesting and collections over their limits while the
    nodes are composed, so an oversized file stops at its first entry too many."""

    def __init__(self, limits: Limits) -> None:
        self._depth = 0
        self._limits = limits
        self._nodes = 0
        self._paths: list[Path_] = []  # the path of each collection being composed

    def _enter(self, event: Any, parent: Node | None, index: Any) -> None:
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(mark, "YAML aliases (*name) are not allowed")
        if getattr(event, "anchor", None) is not None:
            raise _Refused(mark, "YAML anchors (&name) are not allowed")
        path = self._path_of(parent, index, mark)
        self._nodes += 1
        if self._limits.nodes is not None and self._nodes > self._limits.nodes:
            limit = self._limits.nodes
            raise _Refused(mark, f"more than {limit:,} keys and values (the limit is {limit:,})")
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused(mark, f"nesting deeper than {MAX_DEPTH} levels")
        self._paths.append(path)

    def _leave(self, node: Node | None) -> None:
        self._paths.pop()
        if isinstance(node, SequenceNode | MappingNode):
            self._depth -= 1

    def _path_of(self, parent: Node | None, index: Any, mark: Any) -> Path_:
        """This node's path (a key's: its mapping's), refusing an entry over its limit."""
        if parent is None:
            return ()
        where = self._paths[-1]
        if isinstance(parent, MappingNode) and index is None:  # a key: one more entry?
            entries = len(parent.value)
        elif isinstance(parent, SequenceNode):
            entries = index
        else:
            return (*where, index.value if isinstance(index, ScalarNode) else "?")
        limit = self._limits.entries.get(where, self._limits.other_entries)
        if limit is not None and entries >= limit:
            shown = ".".join(str(k) for k in where) or "the document"
            raise _Refused(mark, f"{shown}: more than {limit:,} entries (the limit is {limit:,})")
        return where if index is None else (*where, index)


def _tag(kind: type, value: str | None, implicit: tuple[bool, bool] | bool) -> str:
    """The tag of an untagged node: YAML 1.2 core rules for plain scalars."""
    if kind is ScalarNode and isinstance(implicit, tuple) and implicit[0] and value is not None:
        return resolve_plain(value)
    if kind is ScalarNode:
        return _STD + "str"
    return _STD + ("seq" if kind is SequenceNode else "map")


class _Loader(_Limited, yaml.SafeLoader):
    """PyYAML's own parser and composer (Python), checked as they compose: the reference
    whose errors the user sees."""

    def __init__(self, stream: str, limits: Limits) -> None:
        yaml.SafeLoader.__init__(self, stream)
        _Limited.__init__(self, limits)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._enter(self.peek_event(), parent, index)  # type: ignore[no-untyped-call]
        node = super().compose_node(parent, index)
        self._leave(node)
        return node

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        return _tag(kind, value, implicit)


class _Composer(_Limited):
    """The nodes PyYAML's composer makes, from libyaml's events (C: a scenario file parses
    about 5 times faster than with PyYAML's Python parser), checked the same way as they
    come.

    Where the two parsers differ (found by a property test over random text), the text goes
    to PyYAML's parser: `_Diverges` is raised at an explicit tag, an empty scalar (the two
    place its position differently), a block scalar whose header PyYAML would refuse, or a
    "?" in a plain scalar inside [...] or {...}.
    """

    def __init__(self, text: str, limits: Limits) -> None:
        super().__init__(limits)
        self._text = text
        self._lines: list[int] | None = None  # where each line starts, once needed
        self._flow = 0  # how many [...] or {...} the current node is in
        self._events: Any = yaml.cyaml.CParser(text)  # type: ignore[attr-defined]

    def single_node(self) -> Node | None:
        events = self._events
        try:
            events.get_event()  # the stream's start
            node = None
            if not events.check_event(yaml.StreamEndEvent):
                events.get_event()  # the document's start
                node = self._node(None, None)
                events.get_event()  # the document's end
            if not events.check_event(yaml.StreamEndEvent):
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream",
                    None if node is None else node.start_mark,
                    "but found another document",
                    events.get_event().start_mark,
                )
            return node
        finally:
            events.dispose()

    def _node(self, parent: Node | None, index: Any) -> Node:
        events = self._events
        event: Any = events.peek_event()
        self._enter(event, parent, index)
        tag = event.tag
        node: Node
        if tag is not None:
            raise _Diverges
        kind = type(event)  # (not isinstance: the stubs' marks are not libyaml's)
        if kind is yaml.ScalarEvent:
            events.get_event()
            if event.start_mark.index == event.end_mark.index or event.style in ("|", ">"):
                self._check_scalar(event)
            if self._flow and not event.style and "?" in event.value:
                raise _Diverges  # in [...] and {...}, PyYAML ends a plain scalar at "?"
            tag = _tag(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        elif kind is yaml.SequenceStartEvent:
            events.get_event()
            tag = _tag(SequenceNode, None, event.implicit)
            node = SequenceNode(tag, [], event.start_mark, None, event.flow_style)
            self._flow += bool(event.flow_style)
            items = node.value
            while not events.check_event(yaml.SequenceEndEvent):
                items.append(self._node(node, len(items)))
            node.end_mark = events.get_event().end_mark
            self._flow -= bool(event.flow_style)
        else:
            events.get_event()
            tag = _tag(MappingNode, None, event.implicit)
            node = MappingNode(tag, [], event.start_mark, None, event.flow_style)
            self._flow += bool(event.flow_style)
            pairs = node.value
            while not events.check_event(yaml.MappingEndEvent):
                key = self._node(node, None)
                pairs.append((key, self._node(node, key)))
            node.end_mark = events.get_event().end_mark
            self._flow -= bool(event.flow_style)
        self._leave(node)
        return node

    def _check_scalar(self, event: Any) -> None:
        """An empty scalar, or a block scalar whose header is not as PyYAML wants it."""
        if event.start_mark.index == event.end_mark.index:
            raise _Diverges
        if self._lines is None:
            self._lines = [0, *(m.end() for m in re.finditer("\n", self._text))]
        start = self._lines[event.start_mark.line] + event.start_mark.column
        if not _BLOCK_HEADER.match(self._text, start):
            raise _Diverges


_BLOCK_HEADER = re.compile(r"[|>](?:[-+][1-9]?|[1-9][-+]?)?(?: +#[^\n]*| *)(?:\n|$)")
"""A block scalar's header as PyYAML reads it: indicators, then spaces, a comment or the
end of the line."""


class _Diverges(Exception):
    """libyaml would read this text where PyYAML refuses it, or place a node elsewhere."""


class _Refused(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else None
        self.col = mark.column + 1 if mark is not None else None
        self.message = message


def resolve_plain(value: str) -> str:
    """The YAML 1.2 core tag of an unquoted scalar (plus `_` in numbers)."""
    if value in _NULL:
        return _STD + "null"
    if value in _TRUE or value in _FALSE:
        return _STD + "bool"
    if _INT.fullmatch(value) or _HEX.fullmatch(value) or _OCT.fullmatch(value):
        return _STD + "int"
    if _FLOAT.fullmatch(value) or _INF.fullmatch(value) or _NAN.fullmatch(value):
        return _STD + "float"
    return _STD + "str"


def _scalar(node: ScalarNode, path: str) -> Any:
    tag, text = node.tag, node.value
    _refuse_control(text, node, path)
    numeric = tag in (_STD + "int", _STD + "float")
    if numeric and len(text) > MAX_NUMBER_CHARS:
        message = f"a number of {len(text):,} characters; the limit is {MAX_NUMBER_CHARS}"
        raise InputError.at(path, message, *_lc(node))
    try:
        if tag == _STD + "null":
            return None
        if tag == _STD + "bool":
            return text in _TRUE
        if tag == _STD + "int":
            clean = text.replace("_", "")
            if _HEX.fullmatch(clean.lower()):
                return int(clean[2:], 16)
            if _OCT.fullmatch(clean.lower()):
                return int(clean[2:], 8)
            return int(clean, 10)
        if tag == _STD + "float":
            clean = text.replace("_", "").lower()
            if clean.endswith("inf") or clean.endswith("nan"):
                return float(clean.replace(".", ""))
            return float(clean)
    except ValueError as exc:
        message = f"cannot read {text[:40]!r} as a number ({exc})"
        raise InputError.at(path, message, *_lc(node)) from None
    return text


def _refuse_control(text: str, node: Node, path: str) -> None:
    found = _CONTROL.search(text)
    if found:
        message = f"control character U+{ord(found[0]):04X} is not allowed"
        raise InputError.at(path, message, *_lc(node))


def _lc(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(node: Node, where: Path_, doc: Document) -> Any:
    if node.tag not in _ALLOWED_TAGS:
        tag = node.tag.replace(_STD, "!!")
        raise InputError.at(doc.path, f"YAML tag {tag} is not allowed", *_lc(node))
    doc.values[where] = _pos(node, doc.path)
    if isinstance(node, ScalarNode):
        return _scalar(node, doc.path)
    if isinstance(node, SequenceNode):
        return [_build(item, (*where, i), doc) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise InputError.at(doc.path, "mapping keys must be plain names", *_lc(key_node))
        key = key_node.value
        _refuse_control(key, key_node, doc.path)
        if len(key) > MAX_KEY_CHARS:
            raise InputError.at(
                doc.path, f"key longer than {MAX_KEY_CHARS} characters", *_lc(key_node)
            )
        if key == "<<":
            raise InputError.at(doc.path, "YAML merge keys (<<) are not allowed", *_lc(key_node))
        if key in out:
            first = doc.keys[(*where, key)]
            raise InputError.at(
                doc.path,
                f"duplicate key {key!r} (first defined at line {first.line})",
                *_lc(key_node),
            )
        doc.keys[(*where, key)] = _pos(key_node, doc.path)
        out[key] = _build(value_node, (*where, key), doc)
    return out


_LIBYAML = getattr(yaml, "__with_libyaml__", False)
_PYYAML_ONLY = re.compile(r"\t|^%", re.MULTILINE)
"""Text that goes to PyYAML's parser: a tab or a directive (libyaml reads more of both)."""


def _libyaml_root(text: str, limits: Limits) -> Node | None:
    """The root node from libyaml's events; None when PyYAML must say what is wrong (or
    libyaml is missing). Control characters are refused by PyYAML's own reader, and text
    that libyaml reads otherwise (`_PYYAML_ONLY`) goes there too."""
    if not _LIBYAML or _PYYAML_ONLY.search(text) or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    try:
        return _Composer(text, limits).single_node()
    except (yaml.YAMLError, _Refused, _Diverges):
        return None


def _python_root(text: str, path: str, limits: Limits) -> Node:
    try:
        loader = _Loader(text, limits)
    except yaml.reader.ReaderError as exc:  # a control character, found before parsing
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        code = (
            exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        )
        message = f"control character U+{code:04X} is not allowed in YAML"
        raise InputError.at(path, message, line, col) from None
    try:
        root = loader.get_single_node()
    except _Refused as exc:
        raise InputError.at(path, exc.message, exc.line, exc.col) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(s) for s in (exc.context, exc.problem) if s) or "invalid YAML"
        if mark is None:
            raise InputError.at(path, f"YAML error: {message}") from None
        raise InputError.at(
            path, f"YAML error: {message}", mark.line + 1, mark.column + 1
        ) from None
    except yaml.YAMLError as exc:  # ReaderError: control characters and the like
        raise InputError.at(path, f"YAML error: {exc}") from None
    except RecursionError:
        raise InputError.at(path, f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    if root is None:
        raise InputError.at(path, "the file is empty; expected a mapping (key: value lines)", 1, 1)
    return root


def parse_yaml(
    text: str, path: str = "<string>", limits: Limits = NO_LIMITS, *, python: bool = False
) -> Document:
    """Parse one YAML document whose top level must be a mapping.

    libyaml (C) parses when PyYAML has it and the text parses; any refusal is PyYAML's own
    parser's (`python=True`: always that one), so an error reads and points as it always has.
    """
    root = None if python else _libyaml_root(text, limits)
    if root is None:
        root = _python_root(text, path, limits)
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise InputError.at(path, f"the document is {kind}; expected a mapping", *_lc(root))
    doc = Document(path=path, data={})
    data = _build(root, (), doc)
    return Document(path=path, data=data, values=doc.values, keys=doc.keys)


def read_text(path: Path, display: str | None = None) -> str:
    """Read a UTF-8 file under the size limit (see `read_limited`), with errors that name it."""
    shown = display or str(path)
    raw = read_limited(path, shown)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError.at(
            shown, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line, col
        ) from None


def load_yaml(path: Path, display: str | None = None, limits: Limits = NO_LIMITS) -> Document:
    """Read and parse a YAML file (see `parse_yaml`)."""
    shown = display or str(path)
    return parse_yaml(read_text(path, shown), shown, limits)


def parse_value(text: str, origin: str) -> Any:
    """Parse one YAML value given on the command line (`--set key=VALUE`)."""
    if "\n" in text or "\r" in text:
        raise InputError.at(origin, "the value must be on one line")
    try:
        return parse_yaml(f"value: {text}", origin).data.get("value")
    except InputError as exc:
        message = exc.problems[0].message
        raise InputError.at(origin, message) from None
