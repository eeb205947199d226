"""PROGRESS.md as a model: phases, checklist items, blockers and free sections.

The parser never raises: whatever the input, :func:`parse_progress` returns a
:class:`ProgressDoc`, with ``warnings`` saying what was odd. :class:`ProgressFile` reads the file
from disk and keeps the last good state when a read gives something unusable (T39). All text in
the model is untrusted and kept literal; front ends sanitise it before display.

Line numbers are 1-based, as in an editor. The line grammar lives in :mod:`agents.progress_syntax`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from agents import progress_syntax as sx
from agents.progress_scan import RawBlocker, scan

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


def parse_progress(text: str, *, known_agents: Collection[str] | None = None) -> ProgressDoc:
    """Parse PROGRESS.md text; never raises. ``known_agents`` limits which ``@names`` count."""
    try:
        return _parse(text, known_agents)
    except Exception as exc:  # the parser must never take the desk down
        return ProgressDoc(warnings=(f"PROGRESS.md could not be parsed ({type(exc).__name__})",))


def _parse(text: str, known_agents: Collection[str] | None) -> ProgressDoc:
    if len(text) > MAX_BYTES:
        note = f"PROGRESS.md is larger than {MAX_BYTES // 1024 // 1024} MB; not read"
        return ProgressDoc(warnings=(note,), usable=False)
    known = frozenset(a.lstrip("@").casefold() for a in known_agents) if known_agents else None
    found = scan(text, known)
    return ProgressDoc(
        phases=tuple(
            Phase(title, line, tuple(Item(*item) for item in items))
            for title, line, items in found.phases
        ),
        blockers=_number_blockers(found.blockers),
        sections=_sections(found.heads, found.heading_lines, found.lines),
        warnings=tuple(found.warnings),
        text=text,
    )


def _number_blockers(raw: list[RawBlocker]) -> tuple[Blocker, ...]:
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
        self._lock = threading.Lock()  # the watcher and thread workers may both update

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
        doc = (
            parse_progress_bytes(data, known_agents=self.known_agents) if data is not None else None
        )
        with self._lock:
            if doc is None:
                note = error or f"{self.path.name} missing"
                base = self._good or ProgressDoc()
                doc = replace(base, warnings=(note,), exists=error is not None, usable=False)
            elif doc.usable:
                self._good = doc
            elif self._good is not None:
                doc = replace(self._good, warnings=doc.warnings, usable=False)
            self._current = doc
        return doc
