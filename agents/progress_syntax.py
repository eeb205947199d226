"""The line grammar of PROGRESS.md, shared by the parser and the minimal-diff writer.

Everything here works on one line at a time (without its line ending) and never raises. The
forms are the seed's (``## Phase N: Name``, ``- [x] @agent - COMPLETE (YYYY-MM-DD HH:MM)``,
``## Blockers`` / ``- @agent: text``) widened to what people really write: any heading level,
``*``/``+``/numbered bullets, emoji before a heading's words, ``**@agent**:``.

The resolved form of a blocker, written by :func:`agents.progress_edit.resolve_blocker` and read
back by the parser, is::

    - ~~@agent: the blocker text~~ RESOLVED (2026-11-26 14:02): the answer's first line
      > the answer's further lines, one per line

Inside ``~~...~~`` a ``~`` is written ``\\~`` and a backslash ``\\\\``, so no blocker text can end
the strikethrough early. Any line under ``## Blockers`` wholly struck through, or ticked
``- [x]``, also counts as resolved.
"""

from __future__ import annotations

import hashlib
import re

from agents.diffs import split_lines as split_lines  # the one splitter, re-exported

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
BULLET = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
CHECKBOX = re.compile(r"^\[([^\]]?)\](?:[ \t]+(.*))?$")
MENTION = re.compile(r"^(\*\*|__)?@([A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)(\*\*|__)?(.*)$")
AGENT_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$")
TIMESTAMP = re.compile(r"\((\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)\)")
PHASE_TITLE = re.compile(r"^\W*phase\s*#?\s*\d", re.IGNORECASE)
BLOCKERS_TITLE = re.compile(
    r"^\W*(?:open |current |active )?blockers?(?:\s*\(\d*\))?\s*:?\s*$", re.IGNORECASE
)
RESOLVED_TAIL = re.compile(
    r"^\s*RESOLVED\b(?:\s*\((?P<ts>[^)]*)\))?\s*(?::\s?(?P<answer>.*))?$", re.DOTALL
)
PLACEHOLDER = re.compile(
    r"^(?:none|n a|na|nothing|nenhum|nenhuma|tbd|no (?:current |open )?blockers?)"
    r"(?: yet| so far| currently| at the moment| right now| for now)?$"
)
TABLE_SEPARATOR = re.compile(r"^\s*\|?(?:\s*:?-+:?\s*\|)*\s*:?-+:?\s*\|?\s*$")
ANSWER_CONTINUATION = re.compile(r"^  > ?(.*)$")

#: ``@word:`` tags people use under ``## Blockers`` that are not agents.
NOT_AGENTS = frozenset(
    {
        "all",
        "blocked",
        "blocked-by",
        "blocker",
        "depends-on",
        "dependency",
        "dependencies",
        "everyone",
        "external",
        "here",
        "human",
        "needs",
        "note",
        "todo",
        "user",
        "waiting",
        "waiting-on",
    }
)
#: Words that, alone after ``@agent``, say "not done yet" and are dropped when completing.
STATUS_WORDS = frozenset({"", "pending", "in progress", "todo", "to do", "not started", "wip"})


def content(line: str) -> str:
    """A line without its ending (``\\n`` or ``\\r\\n``)."""
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    return line


def newline_of(text: str) -> str:
    """The line ending the document uses (its first one), ``\\n`` when it has none."""
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    return "\n"


def indent_width(prefix: str) -> int:
    """Columns of leading whitespace (a tab counts four)."""
    return sum(4 if ch == "\t" else 1 for ch in prefix)


def heading(line: str) -> tuple[int, str] | None:
    """``(level, title)`` when ``line`` is an ATX heading."""
    if "#" not in line[:4]:
        return None
    match = HEADING.match(line)
    if match is None:
        return None
    return len(match.group(1)), (match.group(2) or "").strip()


def is_blockers_title(title: str) -> bool:
    """``Blockers``, ``🚧 Blockers``, ``Open blockers (2)``... but not ``Onboarding Blockers``."""
    return BLOCKERS_TITLE.match(title) is not None


def is_phase_title(title: str) -> bool:
    """``Phase 1: Development``, ``✅ Phase 2 — Polish``; not ``Phase History``."""
    return PHASE_TITLE.match(title) is not None


def is_placeholder(text: str) -> bool:
    """``None``, ``- None.``, ``_none yet_``, ``N/A``, ``No blockers``: not a blocker."""
    words = re.sub(r"[\W_]+", " ", text).strip().casefold()
    return not words or PLACEHOLDER.match(words) is not None


def mention(text: str, known: frozenset[str] | None = None) -> tuple[str | None, str]:
    """Split a leading ``@agent`` off ``text``: ``(agent, rest)``, or ``(None, text)``.

    ``@agent: x``, ``@agent - x``, ``@agent x`` and ``**@agent**: x`` name an agent;
    ``@scope/package`` and ``@agent's`` do not. With ``known``, only those names count.
    """
    match = MENTION.match(text) if text[:1] in ("@", "*", "_") else None
    if match is None or (match.group(1) or "") != (match.group(3) or ""):
        return None, text
    name, after = match.group(2), match.group(4)
    if after and after[0] not in " \t:":
        return None, text
    folded = name.casefold()
    if folded in NOT_AGENTS or (known is not None and folded not in known):
        return None, text
    after = after.strip()
    if after.startswith(":") or after[:2] in ("- ", "– ", "— ") or after in ("-", "–", "—"):
        after = after[1:].lstrip()
    return name, after


def blocker_id(agent: str | None, text: str, occurrence: int = 1) -> str:
    """Stable id: ``b-`` + 6 hex of sha1(agent NUL text); ``-2``, ``-3`` for exact duplicates."""
    key = f"{(agent or '').casefold()}\0{text}".encode("utf-8", "surrogatepass")
    base = "b-" + hashlib.sha1(key, usedforsecurity=False).hexdigest()[:6]
    return base if occurrence <= 1 else f"{base}-{occurrence}"


def escape_struck(text: str) -> str:
    """Escape ``\\`` and ``~`` so ``text`` can sit inside ``~~...~~``."""
    return text.replace("\\", "\\\\").replace("~", "\\~")


def unescape_struck(text: str) -> str:
    """Undo :func:`escape_struck` (other backslashes stay literal)."""
    return re.sub(r"\\([\\~])", r"\1", text)


def split_struck(text: str) -> tuple[str, str] | None:
    """For ``~~body~~ tail`` give ``(unescaped body, tail)``; None when not struck through."""
    if not text.startswith("~~"):
        return None
    i, n = 2, len(text)
    while i < n:
        if text[i] == "\\" and i + 1 < n:
            i += 2
        elif text.startswith("~~", i):
            return unescape_struck(text[2:i]), text[i + 2 :]
        else:
            i += 1
    return None


def resolved_answer(tail: str) -> str | None:
    """The answer in the text after a struck-through blocker (None when there is none)."""
    match = RESOLVED_TAIL.match(tail)
    answer = match.group("answer") if match else tail.strip()
    if answer is None:
        return None
    answer = answer.strip()
    return answer or None


def table_cells(line: str) -> list[str]:
    """Cells of a Markdown table row (``\\|`` escapes kept as ``|``)."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def outline(lines: list[str]) -> list[tuple[int, int, str]]:
    """``(index, level, title)`` of each heading outside fences and HTML comments.

    ``lines`` are contents without endings; ``index`` is 0-based.
    """
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    in_comment = False
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        marker = FENCE.match(line) if stripped[:1] in ("`", "~") else None
        if fence is not None:
            if marker and closes_fence(marker.group(1), fence, line):
                fence = None
        elif in_comment:
            in_comment = "-->" not in line
        elif marker is not None:
            fence = marker.group(1)
        elif stripped.startswith("<!--"):
            in_comment = "-->" not in stripped[4:]
        elif stripped[:1] == "#" and (head := heading(line)) is not None:
            found.append((index, head[0], head[1]))
    return found


def closes_fence(marker: str, fence: str, line: str) -> bool:
    """A closing fence: the opener's character, at least as long, nothing after it."""
    return marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip(" \t" + fence[0])
