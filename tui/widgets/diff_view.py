"""Diffs for review: unified or side by side, syntax highlighted, hunks selectable.

Every line comes from untrusted file content, so each is sanitised (control characters, escape
sequences and bidi marks shown visibly, THREATS T56/T59) before highlighting, and highlighting
only adds styles: the characters shown are the characters in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.content import Content
from textual.highlight import highlight

from agents.diffs import Hunk, hunks
from agents.proposal import FileChange
from agents.sanitize import sanitize

#: Files larger than this are shown without syntax highlighting (it would stall the UI).
HIGHLIGHT_LIMIT = 200_000
ADDED = "on $success-muted"
REMOVED = "on $error-muted"


def display_line(line: str) -> str:
    """One line as shown: sanitised, and line/paragraph separators made visible too."""
    return sanitize(line).replace("\u2028", "<U+2028>").replace("\u2029", "<U+2029>")


def highlighted_lines(text: str, rel: str) -> list[Content]:
    """The lines of ``text`` (split on ``\\n`` only), sanitised and highlighted."""
    clean = [display_line(line) for line in text.split("\n")]
    joined = "\n".join(clean)
    if len(joined) > HIGHLIGHT_LIMIT:
        return [Content(line) for line in clean]
    try:
        lines = highlight(joined, path=rel).split("\n", allow_blank=True)
    except Exception:  # a lexer failure must not hide the diff
        return [Content(line) for line in clean]
    while len(lines) < len(clean):
        lines.append(Content(clean[len(lines)]))
    if len(lines) != len(clean):
        return [Content(line) for line in clean]
    return lines


@dataclass
class FileDiff:
    """One file of a proposal: its hunks and highlighted lines on both sides."""

    rel: str
    hunks: list[Hunk]
    before: list[Content]
    after: list[Content]
    selected: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, change: FileChange) -> FileDiff:
        """Compute hunks (the numbering the engine uses) and highlight both sides."""
        found = hunks(change.before_text, change.after_text)
        return cls(
            rel=change.rel,
            hunks=found,
            before=highlighted_lines(change.before_text, change.rel),
            after=highlighted_lines(change.after_text, change.rel),
            selected={h.index for h in found},
        )

    def line_at(self, side: list[Content], index: int, raw: str) -> Content:
        if 0 <= index < len(side):
            return side[index]
        return Content(display_line(raw))


def _start(start: int, length: int) -> int:
    """0-based index of a hunk side's first line."""
    return start - 1 if length > 0 else start


def _hunk_header(hunk: Hunk, selecting: bool, selected: bool, cursor: bool) -> Content:
    parts: list[Content | str | tuple[str, str]] = []
    if selecting:
        parts.append(("[x] " if selected else "[ ] ", "bold $success" if selected else "bold"))
    parts.append((f"hunk {hunk.index + 1}  {hunk.header}", "$secondary"))
    parts.append((f"  +{hunk.added} −{hunk.removed}", "dim"))
    content = Content.assemble(*parts)
    return content.stylize("reverse") if cursor else content


def unified(fd: FileDiff, *, selecting: bool = False, cursor: int | None = None) -> Content:
    """The file's diff, unified, with line numbers (unselected hunks dimmed)."""
    blocks: list[Content] = []
    for hunk in fd.hunks:
        out: list[Content | str | tuple[str, str]] = [
            _hunk_header(hunk, selecting, hunk.index in fd.selected, cursor == hunk.index)
        ]
        b = _start(hunk.before_start, hunk.before_len)
        a = _start(hunk.after_start, hunk.after_len)
        for raw in hunk.lines:
            tag, body = raw[:1], raw[1:]
            out.append("\n")
            if raw.startswith("\\"):
                out.append((display_line(raw), "italic dim"))
            elif tag == "-":
                out.append((f"{b + 1:>5}       -", "$error"))
                out.append(fd.line_at(fd.before, b, body).stylize(REMOVED))
                b += 1
            elif tag == "+":
                out.append((f"      {a + 1:>5} +", "$success"))
                out.append(fd.line_at(fd.after, a, body).stylize(ADDED))
                a += 1
            else:
                out.append((f"{b + 1:>5} {a + 1:>5}  ", "dim"))
                out.append(fd.line_at(fd.after, a, body))
                a += 1
                b += 1
        block = Content.assemble(*out)
        if selecting and hunk.index not in fd.selected:
            block = block.stylize("dim")
        blocks.append(block)
    if not fd.hunks:
        return Content.styled("no changes", "dim")
    return Content("\n").join(blocks)


def split(
    fd: FileDiff, *, selecting: bool = False, cursor: int | None = None
) -> tuple[Content, Content]:
    """The file's diff side by side: (before column, after column), row-aligned."""
    left: list[Content] = []
    right: list[Content] = []
    for hunk in fd.hunks:
        header = _hunk_header(hunk, selecting, hunk.index in fd.selected, cursor == hunk.index)
        left.append(header)
        right.append(Content(""))
        b = _start(hunk.before_start, hunk.before_len)
        a = _start(hunk.after_start, hunk.after_len)
        removed: list[Content] = []
        added: list[Content] = []

        for raw in hunk.lines:
            tag, body = raw[:1], raw[1:]
            if raw.startswith("\\"):
                continue
            if tag == "-":
                removed.append(
                    Content.assemble(
                        (f"{b + 1:>5} ", "$error"), fd.line_at(fd.before, b, body)
                    ).stylize(REMOVED)
                )
                b += 1
            elif tag == "+":
                added.append(
                    Content.assemble(
                        (f"{a + 1:>5} ", "$success"), fd.line_at(fd.after, a, body)
                    ).stylize(ADDED)
                )
                a += 1
            else:
                _pair(left, right, removed, added)
                left.append(
                    Content.assemble((f"{b + 1:>5} ", "dim"), fd.line_at(fd.before, b, body))
                )
                right.append(
                    Content.assemble((f"{a + 1:>5} ", "dim"), fd.line_at(fd.after, a, body))
                )
                a += 1
                b += 1
        _pair(left, right, removed, added)
    return Content("\n").join(left), Content("\n").join(right)


def _pair(
    left: list[Content], right: list[Content], removed: list[Content], added: list[Content]
) -> None:
    """Move a run of removed/added lines into the two columns, side by side."""
    for i in range(max(len(removed), len(added))):
        left.append(removed[i] if i < len(removed) else Content(""))
        right.append(added[i] if i < len(added) else Content(""))
    removed.clear()
    added.clear()
