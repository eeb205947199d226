"""Minimal-diff edits to PROGRESS.md: text in, text out.

Each function changes only the lines it means to change (and inserts the lines it adds);
every other byte of the document stays as it was, line endings (LF or CRLF) included. All
content passed in is untrusted: it is written as literal text and kept on its own lines, so
a note, blocker or answer cannot add a heading, a blocker or a checklist item of its own.

Forms written (read back by :mod:`agents.progress`)::

    - [x] @agent - COMPLETE (2026-11-26 14:02)
      - a note
    - @agent: the blocker
    - ~~@agent: the blocker~~ RESOLVED (2026-11-26 14:05): the answer
      > the answer's second line
    ### Backend Setup Instructions
    <!-- by @agent -->
    ...
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime

from agents import progress_syntax as sx
from agents.progress import Blocker, Phase, ProgressDoc, parse_progress

DEFAULT_PHASE = "Phase 1: Development"
_OLD_COMPLETE = re.compile(r"^COMPLETE\b\s*(?:\([^)]*\))?\s*(?:[-–—:]\s*)?", re.IGNORECASE)
_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85|\x0b|\x0c|\x1c|\x1d|\x1e")


def mark_complete(text: str, agent: str, notes: Sequence[str], when: datetime) -> str:
    """Tick ``agent``'s first open item (or add one to the last phase) as COMPLETE with notes.

    ``- [ ] @agent ...`` becomes ``- [x] @agent - COMPLETE (YYYY-MM-DD HH:MM)``; a description
    that stood after the name is kept after an em dash. Notes go below the item's existing
    notes. With no open item, a new item goes at the end of the last phase; with no phase, a
    ``## Phase 1: Development`` is created (before ``## Blockers`` when there is one).
    """
    name = _agent(agent)
    doc = parse_progress(text)
    lines, nl = sx.split_lines(text), sx.newline_of(text)
    stamp = when.strftime("%Y-%m-%d %H:%M")
    target = next(
        (i for p in doc.phases for i in p.items if _same(i.agent, name) and not i.done), None
    )
    if target is not None:
        index = target.line - 1
        line = sx.content(lines[index])
        bullet = sx.BULLET.match(line)
        indent, mark = (bullet.group(1), bullet.group(2)) if bullet else ("", "-")
        _said, after = sx.mention(target.text)
        after = _OLD_COMPLETE.sub("", after)
        tail = "" if after.casefold().strip(" .") in sx.STATUS_WORDS else f" — {after}"
        new = f"{indent}{mark} [x] @{target.agent} - COMPLETE ({stamp}){tail}"
        lines[index] = new + _ending(lines[index])
        _insert(lines, index + 1 + len(target.notes), _notes(notes, indent + "  "), nl)
        return "".join(lines)
    new_lines = [f"- [x] @{name} - COMPLETE ({stamp})", *_notes(notes, "  ")]
    phase = _last_phase(doc)
    if phase is not None:
        at = phase.items[-1].line + len(phase.items[-1].notes) if phase.items else phase.line
        _insert(lines, at, new_lines, nl)
        return "".join(lines)
    _insert_block(lines, _before_blockers(lines), [f"## {DEFAULT_PHASE}", *new_lines], nl)
    return "".join(lines)


def add_blocker(text: str, agent: str, blocker_text: str) -> str:
    """Add ``- @agent: text`` under ``## Blockers`` (created at the end when absent)."""
    return add_blocker_with_id(text, agent, blocker_text)[0]


def add_blocker_with_id(text: str, agent: str, blocker_text: str) -> tuple[str, str]:
    """Like :func:`add_blocker`, and also give the new blocker's id."""
    name = _agent(agent)
    body = " ".join(part.strip() for part in _BREAK.split(blocker_text) if part.strip())
    if not body:
        raise ValueError("a blocker needs some text")
    lines, nl = sx.split_lines(text), sx.newline_of(text)
    contents = [sx.content(line) for line in lines]
    entry = f"- @{name}: {body}"
    heads = sx.outline(contents)
    block = next(
        ((i, _block_end(heads, i, len(lines))) for i, _lv, t in heads if sx.is_blockers_title(t)),
        None,
    )
    if block is None:
        _insert_block(lines, len(lines), ["## Blockers", entry], nl)
        line_no = 0
    else:
        start, end = block
        doc = parse_progress(text)
        inside = [b for b in doc.blockers if start < b.line - 1 < end]
        placeholder = next((i for i in range(start + 1, end) if _is_placeholder(contents[i])), None)
        if inside:
            at = inside[-1].line
            while (
                at < min(end, len(contents))
                and contents[at][:1] in (" ", "\t")
                and contents[at].strip()
            ):
                at += 1
            _insert(lines, at, [entry], nl)
            line_no = at + 1
        elif placeholder is not None:
            lines[placeholder] = entry + _ending(lines[placeholder])
            line_no = placeholder + 1
        else:
            at = start + 1
            if at < len(contents) and not contents[at].strip():
                at += 1
            follow = at < len(contents) and contents[at].strip() != ""
            _insert(lines, at, [entry, ""] if follow else [entry], nl)
            line_no = at + 1
    new_text = "".join(lines)
    made = [
        b
        for b in parse_progress(new_text).blockers
        if b.line == line_no or (not line_no and _same(b.agent, name) and b.text == body)
    ]
    return new_text, made[-1].id


def resolve_blocker(
    text: str,
    blocker_id: str,
    answer: str,
    when: datetime,
    *,
    known_agents: Collection[str] | None = None,
) -> str:
    """Strike the blocker through and write ``RESOLVED (YYYY-MM-DD HH:MM): answer`` after it.

    Raises KeyError when no blocker has that id. Resolving an already resolved blocker
    replaces its answer. See :func:`normalize_answer` for how a multi-line answer is written;
    in a table row the first non-empty cell is struck through and the answer is kept on one
    line (``|`` written ``\\|``).
    """
    doc = parse_progress(text, known_agents=known_agents)
    found = _find(doc, blocker_id)
    lines, nl = sx.split_lines(text), sx.newline_of(text)
    index = found.line - 1
    line = sx.content(lines[index])
    bullet = sx.BULLET.match(line)
    stamp = when.strftime("%Y-%m-%d %H:%M")
    if bullet is None:  # a table row under ## Blockers
        lines[index] = _resolved_row(line, answer, stamp) + _ending(lines[index])
        return "".join(lines)
    said = f"@{found.agent}: {found.text}" if found.agent else found.text
    parts = normalize_answer(answer).split("\n")
    head = f"{bullet.group(1)}{bullet.group(2)} ~~{sx.escape_struck(said)}~~ RESOLVED ({stamp})"
    lines[index] = head + (f": {parts[0]}" if parts[0] else "") + _ending(lines[index])
    old = index + 1
    while old < len(lines) and sx.ANSWER_CONTINUATION.match(sx.content(lines[old])):
        old += 1
    if found.state == "resolved":
        open_end = old == len(lines) > index + 1 and not lines[-1].endswith("\n")
        del lines[index + 1 : old]
        if open_end:  # the file ended without a newline after the old answer: keep it so
            lines[index] = sx.content(lines[index])
    _insert(lines, index + 1, [f"  > {part}" for part in parts[1:]], nl)
    return "".join(lines)


def _resolved_row(line: str, answer: str, stamp: str) -> str:
    cells = sx.table_cells(line)
    first = next(i for i, cell in enumerate(cells) if cell)
    struck = sx.split_struck(cells[first])
    body = struck[0].strip() if struck is not None else cells[first]
    said = " ".join(normalize_answer(answer).split("\n"))
    cells[first] = f"~~{sx.escape_struck(body)}~~ RESOLVED ({stamp})" + (
        f": {said}" if said else ""
    )
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def normalize_answer(answer: str) -> str:
    """The answer as the file holds it: lines right-stripped, blank lines dropped."""
    parts = [part.rstrip() for part in _BREAK.split(answer)]
    parts = [part for part in parts if part.strip()]
    if parts:
        parts[0] = parts[0].lstrip()
    return "\n".join(parts)


def set_setup_section(text: str, agent: str, title: str, body: str) -> str:
    """Write a ``### <title>`` block holding ``body``, replacing one with that title in place.

    The block runs to the next heading of the same or a higher level. Headings and checklist
    boxes inside ``body`` are escaped (``\\##``, ``- \\[x]``) and unclosed fences or comments
    are closed, so the body cannot add a phase, an item or a blocker, nor reach outside its
    block. Blocker and phase titles are refused (ValueError).
    """
    name = _agent(agent)
    clean_title = " ".join(_BREAK.sub(" ", title).split()).lstrip("#").strip()
    if not clean_title:
        raise ValueError("a setup section needs a title")
    if sx.is_blockers_title(clean_title) or sx.is_phase_title(clean_title):
        raise ValueError(f"not a setup section title: {clean_title!r}")
    block = [f"<!-- by @{name} -->", *_safe_body(body)]
    lines, nl = sx.split_lines(text), sx.newline_of(text)
    contents = [sx.content(line) for line in lines]
    heads = sx.outline(contents)
    wanted = clean_title.casefold()
    match = next(((i, lv) for i, lv, t in heads if t.casefold() == wanted), None)
    if match is None:
        _insert_block(lines, _before_blockers(lines), [f"### {clean_title}", *block], nl)
        return "".join(lines)
    start, level = match
    end = next((i for i, lv, _t in heads if i > start and lv <= level), len(lines))
    while end > start + 1 and not contents[end - 1].strip():
        end -= 1
    old_last_ending = _ending(lines[end - 1]) if end > start + 1 else None
    del lines[start + 1 : end]
    _insert(lines, start + 1, block, nl)
    if old_last_ending == "" and start + 1 + len(block) == len(lines):
        lines[-1] = sx.content(lines[-1])
    return "".join(lines)


def _safe_body(body: str) -> list[str]:
    out: list[str] = []
    fence: str | None = None
    in_comment = False
    for raw in _BREAK.split(body):
        line = raw.rstrip()
        marker = sx.FENCE.match(line)
        if fence is not None:
            if marker and sx.closes_fence(marker.group(1), fence, line):
                fence = None
        elif in_comment:
            in_comment = "-->" not in line
        elif marker is not None:
            fence = marker.group(1)
        elif line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line.lstrip()[4:]
        elif sx.heading(line) is not None:
            stripped = line.lstrip(" ")
            line = line[: len(line) - len(stripped)] + "\\" + stripped
        elif (bullet := sx.BULLET.match(line)) and (bullet.group(3) or "").startswith("["):
            line = line[: bullet.end(2)] + " \\" + (bullet.group(3) or "")
        out.append(line)
    if fence is not None:
        out.append(fence)
    if in_comment:
        out.append("-->")
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return out


def _agent(agent: str) -> str:
    name = agent.strip().lstrip("@")
    if not sx.AGENT_NAME.match(name):
        raise ValueError(f"not an agent name: {agent!r}")
    return name


def _same(found: str | None, name: str) -> bool:
    return found is not None and found.casefold() == name.casefold()


def _find(doc: ProgressDoc, blocker_id: str) -> Blocker:
    for blocker in doc.blockers:
        if blocker.id == blocker_id:
            return blocker
    raise KeyError(blocker_id)


def _notes(notes: Sequence[str], indent: str) -> list[str]:
    parts = [part.strip() for note in notes for part in _BREAK.split(note)]
    return [f"{indent}- {part}" for part in parts if part]


def _is_placeholder(line: str) -> bool:
    bullet = sx.BULLET.match(line)
    return (
        bullet is not None
        and sx.indent_width(bullet.group(1)) <= 1
        and (sx.is_placeholder(bullet.group(3) or ""))
    )


def _last_phase(doc: ProgressDoc) -> Phase | None:
    numbered = [p for p in doc.phases if sx.is_phase_title(p.title)]
    return numbered[-1] if numbered else None


def _block_end(heads: list[tuple[int, int, str]], start: int, total: int) -> int:
    return next((i for i, _lv, _t in heads if i > start), total)


def _before_blockers(lines: list[str]) -> int:
    """Where a new top-level block goes: before a trailing ``## Blockers``, else at the end."""
    heads = sx.outline([sx.content(line) for line in lines])
    top = [(i, t) for i, lv, t in heads if lv <= 2]
    if top and sx.is_blockers_title(top[-1][1]):
        return top[-1][0]
    return len(lines)


def _ending(line: str) -> str:
    return line[len(sx.content(line)) :]


def _insert(lines: list[str], at: int, new: list[str], nl: str) -> None:
    """Insert ``new`` (contents) at ``at``, keeping a missing final newline missing."""
    if not new:
        return
    at = min(at, len(lines))
    last_open = at == len(lines) and bool(lines) and not lines[-1].endswith("\n")
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += nl
    added = [part + nl for part in new]
    if last_open:
        added[-1] = new[-1]
    lines[at:at] = added


def _insert_block(lines: list[str], at: int, block: list[str], nl: str) -> None:
    """Insert a heading block with blank lines around it where needed."""
    at = min(at, len(lines))
    before = [""] if at > 0 and sx.content(lines[at - 1]).strip() else []
    after = [""] if at < len(lines) else []
    _insert(lines, at, [*before, *block, *after], nl)
