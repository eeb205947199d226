"""A strict YAML reader for agent front matter and agentdesk's config files.

PyYAML's ``safe_load`` fails open in ways that matter for files that grant tools and paths
(THREATS T33-T36): duplicate keys silently keep the last value, anchors and aliases expand into
alias bombs, and YAML 1.1 turns ``yes`` into ``True`` and ``0123`` into ``83``. The
:class:`StrictLoader` here refuses duplicate keys, anchors, aliases, merge keys, explicit tags and
deep nesting, and :func:`load_fields` keeps, for every top-level key, its line and the exact
source text of its value, so a caller can say "``name: yes`` is read as a boolean; quote it"
instead of guessing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser

    _FAST = True
except ImportError:  # PyYAML built without libyaml: the pure-Python loader does it all
    _FAST = False

#: Front matter larger than this is refused before it is parsed (alias bombs, pasted blobs).
MAX_YAML_BYTES = 16 * 1024
#: Collections nested deeper than this are refused (the composer is recursive).
MAX_DEPTH = 24

_MERGE_TAG = "tag:yaml.org,2002:merge"
_SURROGATES = re.compile("[\ud800-\udfff]")
# What PyYAML's reader refuses (it raises before parsing, without a line): YAML 1.1 printable.
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class StrictYAMLError(ValueError):
    """YAML that is refused: ``line`` is 1-based within the YAML text, or ``None``."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class YAMLField:
    """One top-level key of a YAML mapping, with where it was and how it was written.

    ``raw`` is the source text of a scalar value (``None`` for lists and mappings) and
    ``quoted`` says whether that scalar was quoted or a block scalar, so a caller can tell a
    string the author meant from a YAML 1.1 coercion. ``item_lines`` gives the line of each
    item when the value is a list.
    """

    key: str
    value: Any
    line: int
    raw: str | None = None
    quoted: bool = False
    item_lines: tuple[int, ...] = ()


def _line_of(obj: Any) -> int | None:
    mark = getattr(obj, "start_mark", None) or getattr(obj, "problem_mark", None)
    return None if mark is None else int(mark.line) + 1


class _StrictRules(Composer, SafeConstructor):
    """The refusals, shared by the pure-Python loader and the libyaml-backed one."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = cast(Any, self).peek_event()
        if isinstance(event, AliasEvent):
            raise StrictYAMLError(
                f"YAML aliases ('*{event.anchor}') are not allowed", _line_of(event)
            )
        if isinstance(event, NodeEvent) and event.anchor is not None:
            raise StrictYAMLError(
                f"YAML anchors ('&{event.anchor}') are not allowed", _line_of(event)
            )
        tag = getattr(event, "tag", None)
        if isinstance(event, ScalarEvent | CollectionStartEvent) and tag is not None:
            raise StrictYAMLError(f"explicit YAML tags ('{tag}') are not allowed", _line_of(event))
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise StrictYAMLError(
                    f"YAML nested deeper than {MAX_DEPTH} levels", _line_of(event)
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_scalar(self, node: ScalarNode | MappingNode) -> Any:
        value = super().construct_scalar(node)
        if isinstance(value, str) and _SURROGATES.search(value):
            raise StrictYAMLError("a lone surrogate escape is not valid text", _line_of(node))
        return value

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int | None] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                raise StrictYAMLError("YAML merge keys ('<<') are not allowed", _line_of(key_node))
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise StrictYAMLError(
                    "a mapping key must be a plain value", _line_of(key_node)
                ) from None
            if key in seen:
                raise StrictYAMLError(
                    f"duplicate key '{key}' (first on line {seen[key]})", _line_of(key_node)
                )
            seen[key] = _line_of(key_node)
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return result


class StrictLoader(_StrictRules, yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses what an agent file or config never needs.

    Refused: aliases and anchors (alias bombs), explicit tags (``!!python/...``, ``!!binary``,
    ``!custom``), merge keys, duplicate mapping keys, and nesting deeper than
    :data:`MAX_DEPTH`. Everything else is the SafeLoader's YAML 1.1 behaviour, which
    :func:`describe_type` helps to report.
    """


if _FAST:

    class _FastStrictLoader(_StrictRules, Resolver, CParser):
        """The same rules over libyaml's event parser: about seven times faster to compose.

        Only events come from C; composing (where the refusals live) and constructing stay in
        Python. Used when PyYAML was built with libyaml; errors are re-read with
        :class:`StrictLoader` so that messages do not depend on the build.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)


def _problem(exc: yaml.MarkedYAMLError) -> str:
    if exc.problem and exc.context:
        return f"{exc.problem} ({exc.context})"
    return exc.problem or exc.context or "unreadable"


def _compose(text: str, max_bytes: int) -> Node | None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise StrictYAMLError(f"YAML block is {size:,} bytes; the limit is {max_bytes:,} bytes")
    bad = _UNPRINTABLE.search(text)
    if bad:
        raise StrictYAMLError(
            f"control character U+{ord(bad.group()):04X} is not allowed in YAML",
            text.count("\n", 0, bad.start()) + 1,
        )
    refused: yaml.YAMLError | None = None
    if _FAST:
        fast = _FastStrictLoader(text)
        try:
            node: Node | None = fast.get_single_node()
            return node
        except yaml.YAMLError as exc:
            refused = exc  # re-read below for a message that does not depend on libyaml
        finally:
            fast.dispose()
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
    except StrictYAMLError:
        raise
    except yaml.MarkedYAMLError as exc:
        raise StrictYAMLError(f"invalid YAML: {_problem(exc)}", _line_of(exc)) from None
    except yaml.YAMLError as exc:
        raise StrictYAMLError(f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    if isinstance(refused, yaml.MarkedYAMLError):  # libyaml refused what PyYAML accepts
        raise StrictYAMLError(f"invalid YAML: {_problem(refused)}", _line_of(refused))
    if refused is not None:
        raise StrictYAMLError(f"invalid YAML: {refused}")
    return node


def _construct(node: Node, loader: StrictLoader | None = None) -> Any:
    own = loader is None
    loader = loader or StrictLoader("")
    try:
        return loader.construct_document(node)
    except StrictYAMLError:
        raise
    except yaml.MarkedYAMLError as exc:
        raise StrictYAMLError(f"invalid YAML: {_problem(exc)}", _line_of(exc)) from None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise StrictYAMLError(f"invalid YAML value: {exc}", _line_of(node)) from None
    finally:
        if own:
            loader.dispose()


def kind_of(node: Node) -> str:
    """A reader's word for what a node is: "a list", "a mapping" or "a value"."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    return "a value"


def load_fields(text: str, *, max_bytes: int = MAX_YAML_BYTES) -> dict[str, YAMLField]:
    """Parse ``text`` as one YAML mapping and return its top-level keys with their lines.

    An empty document gives ``{}``. Raises :class:`StrictYAMLError` (with a 1-based line where
    one is known) for oversized input, invalid YAML, a top level that is not a mapping,
    non-string keys, and everything :class:`StrictLoader` refuses.
    """
    node = _compose(text, max_bytes)
    if node is None:
        return {}
    if not isinstance(node, MappingNode):
        raise StrictYAMLError(
            f"expected a mapping of 'key: value' lines, found {kind_of(node)}", _line_of(node)
        )
    loader = StrictLoader("")
    mapping = _construct(node, loader)  # duplicates and merge keys are checked here
    fields: dict[str, YAMLField] = {}
    for key_node, value_node in node.value:
        key = _construct(key_node, loader)
        if not isinstance(key, str):
            raise StrictYAMLError(
                f"key '{key_node.value}' must be a string, but YAML reads it as "
                f"{describe_type(key)}",
                _line_of(key_node),
            )
        raw = value_node.value if isinstance(value_node, ScalarNode) else None
        quoted = isinstance(value_node, ScalarNode) and bool(value_node.style)  # '' when plain
        items: tuple[int, ...] = ()
        if isinstance(value_node, SequenceNode):
            items = tuple(_line_of(item) or 0 for item in value_node.value)
        fields[key] = YAMLField(
            key=key,
            value=mapping[key],
            line=_line_of(key_node) or 1,
            raw=raw,
            quoted=quoted,
            item_lines=items,
        )
    return fields


def load_value(text: str) -> Any:
    """Parse ``text`` as a single YAML value with the same strict rules (``None`` if empty)."""
    node = _compose(text, MAX_YAML_BYTES)
    return None if node is None else _construct(node)


def describe_type(value: Any) -> str:
    """How YAML 1.1 read a value, for error messages: "a boolean", "an integer"..."""
    if value is None:
        return "null (empty)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, datetime.datetime | datetime.date):
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__
