"""One pass over PROGRESS.md lines: the raw records :mod:`agents.progress` turns into a model.

Plain tuples only (no model classes), so the model module can import this one. Lines inside
code fences and HTML comments are never structure. Line numbers are 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agents import progress_syntax as sx

#: (agent, done, text, line, notes, timestamp)
RawItem = tuple[str | None, bool, str, int, tuple[str, ...], str | None]
#: (agent, text, line, state, answer)
RawBlocker = tuple[str | None, str, int, str, str | None]


@dataclass(slots=True)
class _OpenItem:
    """A checklist item still collecting its indented notes."""

    agent: str | None
    done: bool
    text: str
    line: int
    timestamp: str | None
    notes: list[str] = field(default_factory=list)


class _Builder:
    """The state of one pass over the lines."""

    def __init__(self, known: frozenset[str] | None) -> None:
        self.known = known
        self.phases: list[tuple[str, int, list[RawItem]]] = []
        self.heads: list[tuple[str, int, bool]] = []  # (title, line, became_a_phase)
        self.raw_blockers: list[RawBlocker] = []
        self.mode = "free"  # free | phase | blockers
        self.phase_level = 0
        self.free_head: tuple[int, int] | None = None  # (index in heads, level)
        self.item: _OpenItem | None = None
        self.answer_open = False  # the last blocker was resolved: "  > " lines continue it
        self.table_row = -1

    def close_item(self) -> None:
        if self.item is not None:
            i = self.item
            self.phases[-1][2].append(
                (i.agent, i.done, i.text, i.line, tuple(i.notes), i.timestamp)
            )
            self.item = None

    def on_heading(self, level: int, title: str, number: int) -> None:
        self.close_item()
        self.answer_open = False
        self.table_row = -1
        self.free_head = None
        if sx.is_blockers_title(title):
            self.mode = "blockers"
        elif sx.is_phase_title(title):
            self.mode, self.phase_level = "phase", level
            self.phases.append((title, number, []))
        else:
            if self.mode != "phase" or level <= self.phase_level:
                self.mode = "free"
                self.free_head = (len(self.heads), level)
            self.heads.append((title, number, False))

    def on_item(self, mark: str, rest: str, number: int) -> None:
        if self.mode != "phase":
            if self.free_head is not None:
                index, level = self.free_head
                title, line, _ = self.heads[index]
                self.heads[index] = (title, line, True)
                self.phases.append((title, line, []))
                self.phase_level = level
            else:
                self.phases.append(("", 0, []))
                self.phase_level = 0
            self.mode, self.free_head = "phase", None
        agent, _after = sx.mention(rest, self.known)
        stamp = sx.TIMESTAMP.search(rest) if "(" in rest else None
        self.item = _OpenItem(
            agent, mark in ("x", "X"), rest, number, stamp.group(1) if stamp else None
        )

    def on_blocker(self, body: str, number: int) -> None:
        state, answer = "open", None
        box = sx.CHECKBOX.match(body)
        if box is not None:
            state = "resolved" if box.group(1) in ("x", "X") else "open"
            body = (box.group(2) or "").strip()
        struck = sx.split_struck(body)
        if struck is not None:
            state, answer = "resolved", sx.resolved_answer(struck[1])
            body = struck[0].strip()
        self.answer_open = False
        if sx.is_placeholder(body):
            return
        agent, text = sx.mention(body, self.known)
        self.raw_blockers.append((agent, text, number, state, answer))
        self.answer_open = struck is not None

    def on_answer_line(self, line: str) -> None:
        more = sx.ANSWER_CONTINUATION.match(line)
        if more is None:
            self.answer_open = False
            return
        agent, text, number, state, answer = self.raw_blockers[-1]
        extra = more.group(1).rstrip()
        answer = extra if answer is None else answer + "\n" + extra
        self.raw_blockers[-1] = (agent, text, number, state, answer)

    def on_table_row(self, line: str, number: int) -> None:
        self.table_row += 1
        self.answer_open = False
        if self.table_row == 0 or (self.table_row == 1 and sx.TABLE_SEPARATOR.match(line)):
            return
        cells = sx.table_cells(line)
        if not any(cells):
            return
        state, answer = "open", None
        first = next(i for i, cell in enumerate(cells) if cell)
        struck = sx.split_struck(cells[first])
        if struck is not None:
            state, answer = "resolved", sx.resolved_answer(struck[1])
            cells[first] = struck[0].strip()
        agent = next((c[1:] for c in cells if c[:1] == "@" and sx.AGENT_NAME.match(c[1:])), None)
        self.raw_blockers.append((agent, " | ".join(cells), number, state, answer))


@dataclass
class Scan:
    """What one pass found: phases with items, free headings, blockers, odd things."""

    lines: list[str]
    phases: list[tuple[str, int, list[RawItem]]]
    heads: list[tuple[str, int, bool]]  # (title, line, became a task-list phase)
    heading_lines: list[int]
    blockers: list[RawBlocker]
    warnings: list[str] = field(default_factory=list)


def scan(text: str, known: frozenset[str] | None) -> Scan:
    """Walk the lines once; ``known`` (casefolded names) limits which ``@names`` are agents."""
    b = _Builder(known)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    heading_lines: list[int] = []
    fence: str | None = None
    fence_line = comment_line = 0
    for number, line in enumerate(lines, 1):
        if fence is not None:
            closing = sx.FENCE.match(line) if fence[0] in line else None
            if closing and sx.closes_fence(closing.group(1), fence, line):
                fence = None
            continue
        if comment_line:
            if "-->" in line:
                comment_line = 0
            continue
        stripped = line.lstrip()
        if not stripped:
            b.close_item()
            b.table_row = -1
            continue
        first = stripped[0]
        if first in "`~" and (opening := sx.FENCE.match(line)):
            b.close_item()
            fence, fence_line = opening.group(1), number
            continue
        if first == "<" and stripped.startswith("<!--"):
            if "-->" not in stripped[4:]:
                comment_line = number
            continue
        if first == "#" and (head := sx.heading(line)) is not None:
            heading_lines.append(number)
            b.on_heading(head[0], head[1], number)
            continue
        indented = line[0] in " \t"
        bullet = sx.BULLET.match(line) if first in "-*+0123456789" else None
        rest = ""
        top = False
        if bullet is not None:
            indent, _marker, rest = bullet.groups("")
            rest = rest.rstrip()
            top = len(indent) <= 1 and indent != "\t"
            if rest[:1] in ("-", "*", "_") and sx.RULE.match(line):
                bullet, top = None, False
        if b.mode == "blockers":
            if top:
                b.on_blocker(rest, number)
            elif first == "|" and not indented:
                b.on_table_row(line, number)
            elif indented and b.answer_open:
                b.on_answer_line(line)
            else:
                b.answer_open = False
            continue
        box = sx.CHECKBOX.match(rest) if top and rest[:1] == "[" else None
        if box is not None:
            b.close_item()
            b.on_item(box.group(1), (box.group(2) or "").strip(), number)
        elif b.item is not None and indented:
            note = stripped.rstrip()
            inner = sx.BULLET.match(note) if note[0] in "-*+0123456789" else None
            b.item.notes.append(inner.groups("")[2].rstrip() if inner else note)
        else:
            b.close_item()
    b.close_item()
    found = Scan(lines, b.phases, b.heads, heading_lines, b.raw_blockers)
    if fence is not None:
        found.warnings.append(f"code fence opened at line {fence_line} is never closed")
    if comment_line:
        found.warnings.append(f"HTML comment opened at line {comment_line} is never closed")
    return found
