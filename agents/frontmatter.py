"""Splitting an agent file into front matter and body, and reading the front matter.

Strict where it matters (THREATS T32): the opening ``---`` must be the first line, a missing
closing ``---`` is an error, and a file with a fence and no usable mapping never becomes "no
metadata". Lenient where real files demand it: a UTF-8 BOM and CRLF line endings are accepted,
a Markdown file without front matter is documentation (skipped, not an error), and front matter
that strict YAML rejects only because an unquoted value contains ``": "`` (which Claude Code
reads) is read again line by line as plain ``key: value`` pairs, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from agents.strict_yaml import (
    MAX_YAML_BYTES,
    StrictYAMLError,
    YAMLField,
    load_fields,
    load_value,
)

#: Agent files larger than this are refused outright.
MAX_FILE_BYTES = 512 * 1024

_FENCE = re.compile(r"---[ \t]*")
_LOOKS_LIKE_KEY = re.compile(r"(name|description|tools|model)\s*:", re.IGNORECASE)
_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*")
_ITEM = re.compile(r"[ \t]+-[ \t]+(.*?)[ \t]*")
_COMMENT = re.compile(r"[ \t]+#.*$")
_UNQUOTED_COLON_ERROR = "mapping values are not allowed here"


class FrontMatterError(ValueError):
    """A file whose front matter cannot be used; ``line`` is 1-based in the file."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class SplitFile:
    """A decoded agent file cut into its parts; line numbers are 1-based file lines."""

    fields: dict[str, YAMLField]
    body: str
    body_first_line: int
    warnings: tuple[str, ...] = field(default=())


class NoFrontMatter(Exception):
    """The file has no front matter at all: documentation, not an agent."""


def decode(data: bytes) -> str:
    """UTF-8 bytes to text with a BOM dropped and CRLF/CR turned into LF.

    Raises :class:`FrontMatterError` naming the line of the first invalid byte or NUL.
    """
    if len(data) > MAX_FILE_BYTES:
        raise FrontMatterError(
            f"file is {len(data):,} bytes; agent files are limited to {MAX_FILE_BYTES:,} bytes"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FrontMatterError(f"not valid UTF-8 (byte {exc.start})", line) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:
        raise FrontMatterError("contains a NUL byte (binary file?)", text.count("\n", 0, nul) + 1)
    return text


def split(text: str) -> SplitFile:
    """Cut decoded ``text`` into parsed front matter fields and the body.

    Raises :class:`NoFrontMatter` for plain Markdown and :class:`FrontMatterError` for a
    file that tries to have front matter and fails.
    """
    if not text.strip():
        raise FrontMatterError("empty file", None)
    lines = text.split("\n")
    if _FENCE.fullmatch(lines[0]) is None:
        first = next(i for i, line in enumerate(lines) if line.strip())
        if _FENCE.fullmatch(lines[first]):
            raise FrontMatterError(
                f"front matter must start on line 1; '---' is on line {first + 1}", first + 1
            )
        if _LOOKS_LIKE_KEY.match(lines[first]):
            raise FrontMatterError(
                "looks like front matter, but the opening '---' line is missing", first + 1
            )
        raise NoFrontMatter
    close = next((i for i in range(1, len(lines)) if _FENCE.fullmatch(lines[i])), None)
    if close is None:
        raise FrontMatterError("front matter opened on line 1 is never closed with '---'", 1)
    yaml_text = "\n".join(lines[1:close])
    if len(yaml_text.encode("utf-8")) > MAX_YAML_BYTES:
        raise FrontMatterError(
            f"front matter is larger than {MAX_YAML_BYTES:,} bytes", 2 if close > 1 else 1
        )
    if not yaml_text.strip():
        raise FrontMatterError("front matter is empty; 'name' and 'description' are required", 1)
    warnings: tuple[str, ...] = ()
    try:
        fields = {k: _shift(f) for k, f in load_fields(yaml_text).items()}
    except StrictYAMLError as exc:
        if exc.reason != f"invalid YAML: {_UNQUOTED_COLON_ERROR}":
            raise _at(exc, offset=1) from None
        fields, warnings = _read_pairs(lines[1:close], exc)
    body = "\n".join(lines[close + 1 :])
    return SplitFile(fields=fields, body=body, body_first_line=close + 2, warnings=warnings)


def _shift(fld: YAMLField) -> YAMLField:
    """YAML lines count from the line after the opening fence; make them file lines."""
    return replace(fld, line=fld.line + 1, item_lines=tuple(n + 1 for n in fld.item_lines))


def _at(exc: StrictYAMLError, offset: int) -> FrontMatterError:
    return FrontMatterError(exc.reason, None if exc.line is None else exc.line + offset)


def _read_pairs(
    lines: list[str], original: StrictYAMLError
) -> tuple[dict[str, YAMLField], tuple[str, ...]]:
    """Read front matter as flat ``key: value`` lines, as Claude Code does.

    Only top-level ``key: value`` lines, ``- item`` lines under a key with no value, blank
    lines and comments are understood; anything else re-raises the original YAML error.
    Every value except an unquoted one containing ``": "`` still goes through the strict
    loader, so duplicate keys, coercions, tags and aliases stay refused.
    """
    fields: dict[str, YAMLField] = {}
    warnings: list[str] = []
    items: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for index, line in enumerate(lines):
        lineno = index + 2  # file line: the opening '---' is line 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _ITEM.fullmatch(line)
        if item and current is not None and fields[current].raw == "":
            items[current].append((lineno, item.group(1)))
            continue
        pair = _PAIR.fullmatch(line)
        if pair is None:
            raise _at(original, offset=1)
        key, raw = pair.group(1), pair.group(2) or ""
        if key in fields:
            raise FrontMatterError(
                f"duplicate key '{key}' (first on line {fields[key].line})", lineno
            )
        value, warning = _pair_value(key, raw, lineno)
        if warning:
            warnings.append(warning)
        fields[key] = YAMLField(key=key, value=value, line=lineno, raw=raw, quoted=False)
        items[key] = []
        current = key
    for key, entries in items.items():
        if entries:
            values = [_pair_value(key, text, lineno)[0] for lineno, text in entries]
            fields[key] = YAMLField(
                key=key,
                value=values,
                line=fields[key].line,
                raw=None,
                item_lines=tuple(lineno for lineno, _ in entries),
            )
    return fields, tuple(warnings)


def _pair_value(key: str, raw: str, lineno: int) -> tuple[object, str | None]:
    text = raw.strip()
    plain = text and text[0] not in "\"'[{&*!|>%@`"
    if plain and ": " in _COMMENT.sub("", text):
        return _COMMENT.sub("", text), (
            f"line {lineno}: the value of '{key}' contains ': ' without quotes, which strict "
            "YAML rejects; read as plain text, as Claude Code does (quote it to be portable)"
        )
    try:
        return load_value(text), None
    except StrictYAMLError as exc:
        raise FrontMatterError(f"'{key}': {exc.reason}", lineno) from None
