"""The Domain: finding it in an agent file's body and checking each pattern.

The Domain is the first fenced block under a ``## Your Domain`` or ``## Domain`` heading (a
trailing note such as ``## Your Domain (Files You Own)`` is allowed), one gitignore-style
pattern per line, relative to the project root. Blank lines and ``#`` comments are ignored, and
so is a trailing ``  # note`` after a pattern, which real files use. Headings and fences inside
other fenced blocks (the seed's project tree, its PROGRESS.md examples) never count.

A pattern that could be read two ways or reaches outside the project is refused rather than
guessed at (THREATS T9): ``..``, home and drive paths, backslash separators, whole-repository
patterns, tree drawings, and the protected places no agent may write (T8, T38).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_DOMAIN_TITLE = re.compile(r"(?:your[ \t]+)?domain(?:[ \t]*[(\-:—–].*)?", re.IGNORECASE)
_FENCE_OPEN = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_INLINE_COMMENT = re.compile(r"[ \t]+#.*$")
_TREE_CHARS = re.compile("[\u2500-\u257f\u2190-\u21ff]")
_ESCAPABLE = set(" #!*?[]\\")
_WHOLE_REPO = {"", ".", "*", "**", "**/*", "**/", "*/"}
#: Places no agent may write whatever its Domain says (a PathGuard enforces it as well).
PROTECTED_TOP = (".git", ".agentdesk", ".claude")
PROTECTED_FILES = ("agentdesk.yaml",)


class DomainError(ValueError):
    """A Domain that cannot be used; ``line`` is 1-based in the file when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class BodyDomain:
    """What the body says about the Domain.

    ``patterns`` is ``None`` when there is no Domain heading at all, and an empty tuple when
    there is a heading but no usable fenced block (read-only, with a warning).
    """

    patterns: tuple[str, ...] | None
    heading_line: int | None
    warnings: tuple[str, ...] = ()


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be part of a Domain, or ``None`` when it is fine."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in pattern):
        return "contains a control character"
    if _TREE_CHARS.search(pattern):
        return "looks like a drawing of a directory tree, not a path pattern"
    if pattern.startswith(("- ", "* ", "+ ")):
        return "looks like a Markdown list item; write the pattern alone on its line"
    for i, char in enumerate(pattern):
        if char == "\\" and (i + 1 >= len(pattern) or pattern[i + 1] not in _ESCAPABLE):
            return "uses '\\'; separate directories with '/'"
    body = pattern[1:] if pattern.startswith("!") else pattern
    if body.startswith("~"):
        return "is a home-directory path; patterns are relative to the project root"
    if re.match(r"[A-Za-z]:[\\/]", body) or body.startswith("//"):
        return "is an absolute path; patterns are relative to the project root"
    parts = body.strip("/").split("/")
    if ".." in parts:
        return "contains '..'; a Domain stays inside the project"
    if body.strip("/") in _WHOLE_REPO or set(body) <= set("/*."):
        return "would cover the whole repository; list the directories and files instead"
    if "." in parts:
        return "contains a '.' component; write 'backend/' or '/backend/' instead of './backend/'"
    if "" in parts:
        return "contains an empty path component ('//')"
    first = parts[0]
    if first in PROTECTED_TOP or first.lower() in PROTECTED_TOP:
        return f"names '{first}/', a protected path no agent may write"
    if body.strip("/") in PROTECTED_FILES:
        return f"names '{body.strip('/')}', a protected file no agent may write"
    return None


def check_patterns(patterns: list[tuple[int | None, str]]) -> tuple[str, ...]:
    """Validate ``(line, pattern)`` pairs; return them deduplicated, in order.

    Raises :class:`DomainError` naming the first bad pattern and its line.
    """
    out: list[str] = []
    for line, pattern in patterns:
        problem = pattern_problem(pattern)
        if problem:
            raise DomainError(f"Domain pattern '{pattern}' {problem}", line)
        if pattern not in out:
            out.append(pattern)
    return tuple(out)


def parse_block_lines(lines: list[tuple[int, str]]) -> tuple[str, ...]:
    """Domain patterns from the lines of a fenced block (``(file line, text)`` pairs)."""
    found: list[tuple[int | None, str]] = []
    for lineno, raw in lines:
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        text = _INLINE_COMMENT.sub("", text)
        found.append((lineno, text))
    return check_patterns(found)


def find_body_domain(body: str, first_line: int) -> BodyDomain:
    """Find the Domain section in ``body`` (whose first line is file line ``first_line``)."""
    lines = body.split("\n")
    fence: tuple[str, int] | None = None  # (fence char, length) while inside a block
    heading: tuple[int, int] | None = None  # (level, index) of the Domain heading
    block_start: int | None = None
    block: list[tuple[int, str]] | None = None
    for index, line in enumerate(lines):
        lineno = first_line + index
        if fence is not None:
            char, size = fence
            closing = re.fullmatch(rf" {{0,3}}({re.escape(char)}{{{size},}})[ \t]*", line)
            if closing:
                fence = None
                if block is not None and block_start is not None:
                    return _finish(heading, first_line, block)
            elif block is not None:
                block.append((lineno, line))
            continue
        opening = _FENCE_OPEN.fullmatch(line)
        if opening and not (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            fence = (opening.group(2)[0], len(opening.group(2)))
            if heading is not None:
                block_start, block = lineno, []
            continue
        match = _HEADING.fullmatch(line)
        if match is None:
            continue
        level = len(match.group(1))
        if heading is not None and level <= heading[0]:
            break  # the Domain section ended without a fenced block
        if level in (2, 3) and _DOMAIN_TITLE.fullmatch(match.group(2).strip().rstrip(":")):
            heading = (level, index)
    if block is not None and block_start is not None:
        raise DomainError(
            f"the Domain block opened on line {block_start} is never closed", block_start
        )
    if heading is None:
        return BodyDomain(patterns=None, heading_line=None)
    return BodyDomain(
        patterns=(),
        heading_line=first_line + heading[1],
        warnings=(
            f"line {first_line + heading[1]}: the Domain section has no fenced block of paths; "
            "the agent gets no Domain (read-only)",
        ),
    )


def _finish(
    heading: tuple[int, int] | None, first_line: int, block: list[tuple[int, str]]
) -> BodyDomain:
    assert heading is not None
    heading_line = first_line + heading[1]
    patterns = parse_block_lines(block)
    warnings: tuple[str, ...] = ()
    if not patterns:
        warnings = (
            f"line {heading_line}: the Domain block is empty; the agent gets no Domain (read-only)",
        )
    return BodyDomain(patterns=patterns, heading_line=heading_line, warnings=warnings)
