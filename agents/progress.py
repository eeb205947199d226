"""PROGRESS.md as a model: phases, checklist items, blockers and free sections.

The parser never raises: whatever the input, :func:`parse_progress` returns a
:class:`ProgressDoc`, with ``warnings`` saying what was odd. :class:`ProgressFile` reads the file
from disk and keeps the last good state when a read gives something unusable (T39). All text in
the model is untrusted and kept literal; front ends sanitise it before display.

Line numbers are 1-based, as in an editor. The line grammar lives in :mod:`agents.progress_syntax`.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from agents import progress_syntax as sx

#: Inputs larger than this are not parsed (a warning says so).
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Item:
    """One checklist line (``- [x] ...``); ``text`` is everything after the checkbox."""

    agent: str | None
    done: bool
    text: str
    line: int
    notes: tuple[str, ...]
    timestamp: str | None


@dataclass(frozen=True)
class Phase:
    """A ``Phase N`` heading, or any other heading whose own lines hold checklist items."""

    title: str
    line: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Blocker:
    """One entry under ``## Blockers``; ``state`` is ``open``, ``answered`` or ``resolved``."""

    id: str
    agent: str | None
    text: str
    line: int
    state: str
    answer: str | None


@dataclass(frozen=True)
class Section:
    """A free section (setup instructions...): its heading and its lines up to the next one."""

    title: str
    line: int
    body: str


@dataclass(frozen=True)
class ProgressDoc:
    """The parsed file. ``usable`` is False when the input could not be read as text."""

    phases: tuple[Phase, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    sections: tuple[Section, ...] = ()
    warnings: tuple[str, ...] = ()
    exists: bool = True
    text: str = ""
    usable: bool = field(default=True, compare=False)

    def open_blockers(self) -> list[Blocker]:
        """Blockers still waiting for the person (``open`` or ``answered``)."""
        return [b for b in self.blockers if b.state != "resolved"]

    def items_of(self, agent: str) -> list[Item]:
        """Every checklist item naming ``agent`` (with or without the ``@``)."""
        name = agent.lstrip("@").casefold()
        return [i for p in self.phases for i in p.items if (i.agent or "").casefold() == name]

    def agent_done(self, agent: str) -> bool | None:
        """True if all of ``agent``'s items are ticked, False if one is not, None if none."""
        items = self.items_of(agent)
        if not items:
            return None
        return all(item.done for item in items)


@dataclass
class _OpenItem:
    """A checklist item still collecting its indented notes."""

    agent: str | None
    done: bool
    text: str
    line: int
    timestamp: str | None
    notes: list[str] = field(default_factory=list)


_Raw = tuple[str | None, str, int, str, str | None]  # agent, text, line, state, answer


class _Builder:
    """The state of one pass over the lines."""

    def __init__(self, known: frozenset[str] | None) -> None:
        self.known = known
        self.phases: list[tuple[str, int, list[Item]]] = []
        self.heads: list[tuple[str, int, bool]] = []  # (title, line, became_a_phase)
        self.raw_blockers: list[_Raw] = []
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
                Item(i.agent, i.done, i.text, i.line, tuple(i.notes), i.timestamp)
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
        stamp = sx.TIMESTAMP.search(rest)
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
        agent = next((c[1:] for c in cells if c[:1] == "@" and sx.AGENT_NAME.match(c[1:])), None)
        self.raw_blockers.append((agent, " | ".join(cells), number, "open", None))


def parse_progress(text: str, *, known_agents: Collection[str] | None = None) -> ProgressDoc:
    """Parse PROGRESS.md text; never raises. ``known_agents`` limits which ``@names`` count."""
    try:
        return _parse(text, known_agents)
    except Exception as exc:  # the parser must never take the desk down
        return ProgressDoc(warnings=(f"PROGRESS.md could not be parsed ({type(exc).__name__})",))


def _parse(text: str, known_agents: Collection[str] | None) -> ProgressDoc:
    warnings: list[str] = []
    if len(text) > MAX_BYTES:
        warnings.append(f"PROGRESS.md is larger than {MAX_BYTES // 1024 // 1024} MB; not read")
        return ProgressDoc(warnings=tuple(warnings), text="", usable=False)
    known = frozenset(a.lstrip("@").casefold() for a in known_agents) if known_agents else None
    b = _Builder(known)
    lines = [sx.content(line) for line in sx.split_lines(text)]
    heading_lines: list[int] = []
    fence: str | None = None
    fence_line = comment_line = 0
    for number, line in enumerate(lines, 1):
        if fence is not None:
            closing = sx.FENCE.match(line)
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
        if stripped.startswith("<!--"):
            if "-->" not in stripped[4:]:
                comment_line = number
            continue
        if first == "#" and (head := sx.heading(line)) is not None:
            heading_lines.append(number)
            b.on_heading(head[0], head[1], number)
            continue
        indented = line[0] in " \t"
        bullet = sx.BULLET.match(line) if first in "-*+0123456789" else None
        top = bullet is not None and sx.indent_width(bullet.group(1)) <= 1
        if bullet is not None and sx.RULE.match(line):
            bullet = None
            top = False
        if b.mode == "blockers":
            if top and bullet is not None:
                b.on_blocker(bullet.group(3) or "", number)
            elif first == "|" and not indented:
                b.on_table_row(line, number)
            elif indented and b.answer_open:
                b.on_answer_line(line)
            else:
                b.answer_open = False
            continue
        box = sx.CHECKBOX.match(bullet.group(3) or "") if top and bullet is not None else None
        if box is not None:
            b.close_item()
            b.on_item(box.group(1), (box.group(2) or "").strip(), number)
        elif b.item is not None and indented:
            note = stripped.rstrip()
            inner = sx.BULLET.match(note)
            b.item.notes.append((inner.group(3) or "") if inner else note)
        else:
            b.close_item()
    b.close_item()
    if fence is not None:
        warnings.append(f"code fence opened at line {fence_line} is never closed")
    if comment_line:
        warnings.append(f"HTML comment opened at line {comment_line} is never closed")
    return ProgressDoc(
        phases=tuple(Phase(t, n, tuple(items)) for t, n, items in b.phases),
        blockers=_number_blockers(b.raw_blockers),
        sections=_sections(b.heads, heading_lines, lines),
        warnings=tuple(warnings),
        text=text,
    )


def _number_blockers(raw: list[_Raw]) -> tuple[Blocker, ...]:
    seen: dict[str, int] = {}
    out: list[Blocker] = []
    for agent, text, line, state, answer in raw:
        base = sx.blocker_id(agent, text)
        seen[base] = seen.get(base, 0) + 1
        out.append(
            Blocker(sx.blocker_id(agent, text, seen[base]), agent, text, line, state, answer)
        )
    return tuple(out)


def _sections(
    heads: list[tuple[str, int, bool]], heading_lines: list[int], lines: list[str]
) -> tuple[Section, ...]:
    ends = dict(zip(heading_lines, [*heading_lines[1:], len(lines) + 1], strict=True))
    return tuple(
        Section(title, line, "\n".join(lines[line : ends[line] - 1]))
        for title, line, is_phase in heads
        if not is_phase
    )


def parse_progress_bytes(
    data: bytes, *, known_agents: Collection[str] | None = None
) -> ProgressDoc:
    """Decode and parse; binary, invalid UTF-8 or oversized input gives ``usable=False``."""
    if len(data) > MAX_BYTES:
        size = len(data) // 1024 // 1024
        note = f"PROGRESS.md is {size} MB, over the {MAX_BYTES // 1024 // 1024} MB cap; not read"
        return ProgressDoc(warnings=(note,), usable=False)
    if b"\0" in data:
        return ProgressDoc(
            warnings=("PROGRESS.md looks binary (NUL bytes); not read",), usable=False
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        doc = parse_progress(data.decode("utf-8", "replace"), known_agents=known_agents)
        note = f"PROGRESS.md is not valid UTF-8 (byte {exc.start})"
        return replace(doc, warnings=(note, *doc.warnings), usable=False)
    return parse_progress(text, known_agents=known_agents)


class ProgressFile:
    """One PROGRESS.md on disk, keeping the last good parse when a read goes wrong (T39)."""

    def __init__(self, path: Path, *, known_agents: Collection[str] | None = None) -> None:
        self.path = Path(path)
        self.known_agents = known_agents
        self._good: ProgressDoc | None = None
        self._current = ProgressDoc(exists=False)

    @property
    def current(self) -> ProgressDoc:
        """The doc the last :meth:`load` or :meth:`update` returned."""
        return self._current

    def load(self) -> ProgressDoc:
        """Read and parse the file now."""
        try:
            with open(self.path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except FileNotFoundError:
            return self.update(None)
        except OSError as exc:
            return self.update(
                None, error=f"{self.path.name} unreadable: {os.strerror(exc.errno or 0)}"
            )
        return self.update(data)

    def update(self, data: bytes | None, *, error: str | None = None) -> ProgressDoc:
        """Take bytes read elsewhere (None: the file is missing, or ``error`` says why not)."""
        if data is None:
            note = error or f"{self.path.name} missing"
            base = self._good or ProgressDoc()
            doc = replace(base, warnings=(note,), exists=error is not None, usable=False)
        else:
            doc = parse_progress_bytes(data, known_agents=self.known_agents)
            if doc.usable:
                self._good = doc
            elif self._good is not None:
                doc = replace(self._good, warnings=doc.warnings, usable=False)
        self._current = doc
        return doc
