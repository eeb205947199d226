"""Unified diffs and hunks of text, and applying a chosen subset of hunks.

Lines are split on ``"\\n"`` only (never on ``\\u2028``, form feeds and the other separators
:meth:`str.splitlines` honours), and every line keeps its ending, so joining the pieces back gives
the exact input. That is what makes :func:`apply_hunks` exact: keeping every hunk gives ``after``,
keeping none gives ``before``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agents.diff_match import grouped, opcodes

NO_NEWLINE = "\\ No newline at end of file"

_Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Hunk:
    """One hunk of a unified diff.

    ``lines`` are the display lines without their trailing newline: ``" "`` context, ``"-"``
    removed, ``"+"`` added, and the ``\\ No newline at end of file`` marker. Starts are 1-based
    line numbers as in the ``@@`` header (0 when the side is empty).
    """

    index: int
    header: str
    lines: tuple[str, ...]
    before_start: int
    before_len: int
    after_start: int
    after_len: int
    added: int
    removed: int


def split_lines(text: str) -> list[str]:
    """Split ``text`` after each ``"\\n"``, keeping the endings; ``"".join`` restores it."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _range(start: int, length: int) -> str:
    """Format a unified-diff range the way difflib and GNU diff do."""
    first = start + 1
    if length == 1:
        return str(first)
    if length == 0:
        first -= 1
    return f"{first},{length}"


def _display(prefix: str, line: str) -> list[str]:
    if line.endswith("\n"):
        return [prefix + line[:-1]]
    return [prefix + line, NO_NEWLINE]


def _hunk(index: int, group: list[_Opcode], a: list[str], b: list[str]) -> Hunk:
    first, last = group[0], group[-1]
    i1, i2, j1, j2 = first[1], last[2], first[3], last[4]
    header = f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@"
    lines: list[str] = []
    added = removed = 0
    for tag, a1, a2, b1, b2 in group:
        if tag == "equal":
            for line in a[a1:a2]:
                lines.extend(_display(" ", line))
            continue
        for line in a[a1:a2]:
            lines.extend(_display("-", line))
            removed += 1
        for line in b[b1:b2]:
            lines.extend(_display("+", line))
            added += 1
    return Hunk(
        index=index,
        header=header,
        lines=tuple(lines),
        before_start=i1 + 1 if i2 > i1 else i1,
        before_len=i2 - i1,
        after_start=j1 + 1 if j2 > j1 else j1,
        after_len=j2 - j1,
        added=added,
        removed=removed,
    )


def hunks(before: str, after: str, *, context: int = 3) -> list[Hunk]:
    """The hunks turning ``before`` into ``after``, numbered from 0 in file order."""
    a, b = split_lines(before), split_lines(after)
    groups = grouped(opcodes(a, b), context)
    return [_hunk(i, group, a, b) for i, group in enumerate(groups)]


def render(rel: str, found: Sequence[Hunk]) -> str:
    """The unified-diff text of ``found`` hunks of ``rel``; ``""`` when there are none."""
    if not found:
        return ""
    out = [f"--- a/{rel}", f"+++ b/{rel}"]
    for hunk in found:
        out.append(hunk.header)
        out.extend(hunk.lines)
    return "\n".join(out) + "\n"


def unified_diff(rel: str, before: str, after: str, *, context: int = 3) -> str:
    """A git-style unified diff of one file (``a/rel`` → ``b/rel``); ``""`` when equal."""
    return render(rel, hunks(before, after, context=context))


def diff_with_stats(rel: str, before: str, after: str) -> tuple[str, int, int]:
    """:func:`unified_diff` and the ``(added, removed)`` counts, matching lines only once."""
    found = hunks(before, after)
    return render(rel, found), sum(h.added for h in found), sum(h.removed for h in found)


def diff_stats(before: str, after: str) -> tuple[int, int]:
    """``(added, removed)`` line counts between two texts."""
    found = hunks(before, after, context=0)
    return sum(h.added for h in found), sum(h.removed for h in found)


def apply_hunks(before: str, after: str, keep: Sequence[int]) -> str:
    """``before`` with only the hunks whose indices are in ``keep`` applied.

    Hunk indices are those of :func:`hunks` with the default context of 3 lines, the numbering
    the review screen shows. Unknown indices are ignored.
    """
    a, b = split_lines(before), split_lines(after)
    wanted = set(keep)
    codes = opcodes(a, b)
    chosen: dict[tuple[int, int], bool] = {}
    for index, group in enumerate(grouped(codes, 3)):
        for tag, a1, _a2, b1, _b2 in group:
            if tag != "equal":
                chosen[(a1, b1)] = index in wanted
    out: list[str] = []
    for tag, a1, a2, b1, b2 in codes:
        if tag != "equal" and chosen.get((a1, b1), False):
            out.extend(b[b1:b2])
        else:
            out.extend(a[a1:a2])
    return "".join(out)
