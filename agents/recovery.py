"""Startup recovery of journaled applies (THREATS T19): each proposal ends all-old or all-new.

For every journal an earlier run left behind (see :mod:`agents.journal`):

- a blob folder without its record: the crash came before any file was written → discarded;
- a record whose proposal has a done mark: the apply had completed → the journal is removed;
- a record in state ``applying``: files still at their pre-image are written from the journaled
  new contents (CAS), so the proposal completes; then a done mark is written;
- a record in state ``rolling_back``: files already new are restored from the pre-images;
- any file that is neither the pre-image nor the new content (the person or a tool changed it
  since), an unreadable record, or a damaged blob: nothing is touched, the journal is moved to
  ``journal/kept/`` and the line says so.

An open single-file intent (no blobs: one rename replaces the file) is settled from the hashes:
the file holds the new content → a done mark; otherwise the intent is closed and the file left
as it is.

Each case yields one human-readable line for the desk's start-up report.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any

from agents import journal as jn
from agents.domain import PathRejected
from agents.safe_write import StaleFile, atomic_delete, atomic_write, current_sha256, sha256_bytes

if TYPE_CHECKING:
    from agents.apply import Applier


def _files(files: list[jn.JournalFile]) -> str:
    names = ", ".join(f.rel for f in files)
    return f"{len(files)} {'file' if len(files) == 1 else 'files'} ({names})"


def recover_journals(applier: Applier) -> list[str]:
    """Settle every leftover journal of ``applier``'s state directory; the report lines."""
    lines: list[str] = []
    records, orphans = jn.pending_journals(applier.state_dir)
    for blobs in orphans:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(blobs)
        key = blobs.stem
        lines.append(f"Recovered {key}: discarded an unfinished journal; no file had been written")
    for path in records:
        try:
            journal = jn.load(path)
        except ValueError as exc:
            kept = jn.keep_aside(path.parent, path.stem)
            lines.append(
                f"The journal {path.name} is unreadable ({exc}); no file was touched; "
                f"it was kept in {applier.display_path(kept)}"
            )
            continue
        lines.append(_settle(applier, journal))
    try:
        intents = jn.open_intents(applier.state_dir)
    except OSError as exc:
        lines.append(f"The apply log could not be read ({exc}); open intents were not checked")
        intents = []
    for intent in intents:
        lines.append(_settle_intent(applier, intent))
    return lines


def _settle_intent(applier: Applier, intent: dict[str, Any]) -> str:
    """An interrupted single-file apply: the file is old or new; record which, say so."""
    pid, rel = str(intent["proposal_id"]), str(intent.get("rel"))
    try:
        now = current_sha256(applier.root, rel)
    except (PathRejected, OSError) as exc:
        jn.record_settled(applier.state_dir, proposal_id=pid)
        why = getattr(exc, "reason", exc)
        return f"Recovery of {pid} could not check {rel} ({why}); it was left as it is"
    if now is not None and now == intent.get("after_sha256"):
        applier.mark_done(
            pid,
            str(intent.get("agent")),
            str(intent.get("tool_use_id")),
            [rel],
            after={rel: str(now)},
        )
        return f"Recovered {pid}: an interrupted apply of {rel} had completed"
    jn.record_settled(applier.state_dir, proposal_id=pid)
    if now == intent.get("before_sha256"):
        return f"Recovered {pid}: an interrupted apply of {rel} had not written it; it is unchanged"
    return f"Recovery of {pid}: {rel} changed after the interrupted apply; it was left as it is"


def _settle(applier: Applier, journal: jn.Journal) -> str:
    pid = journal.proposal_id
    what = _files(journal.files)
    if applier.is_applied(pid):
        journal.remove()
        return f"Recovered {pid}: cleaned up after a completed apply of {what}"
    forward = journal.state == "applying"
    todo: list[jn.JournalFile] = []
    conflicts: list[str] = []
    for entry in journal.files:
        source, target = (
            (entry.before_sha256, entry.after_sha256)
            if forward
            else (entry.after_sha256, entry.before_sha256)
        )
        try:
            now = current_sha256(applier.root, entry.rel)
        except (PathRejected, OSError) as exc:
            conflicts.append(f"{entry.rel} ({getattr(exc, 'reason', exc)})")
            continue
        if now == target:
            continue
        if now != source:
            conflicts.append(f"{entry.rel} changed after the interrupted apply")
        else:
            todo.append(entry)
    payloads: dict[str, bytes | None] = {}
    for entry in todo:
        try:
            payloads[entry.rel] = _payload(journal, entry, forward)
        except (OSError, ValueError) as exc:
            conflicts.append(f"{entry.rel}: {exc}")
    if conflicts:
        kept = journal.keep_aside()
        return (
            f"Recovery of {pid} needs you: {'; '.join(conflicts)}. No file of it was touched; "
            f"its new contents and pre-images are kept in {applier.display_path(kept)}"
        )
    for entry in todo:
        problem = _move(applier, entry, payloads[entry.rel], forward)
        if problem:
            return (
                f"Recovery of {pid} failed at {entry.rel} ({problem}); the journal stays in place "
                "and recovery will try again at the next start"
            )
    if forward:
        applier.mark_done(
            pid,
            journal.agent,
            journal.tool_use_id,
            [f.rel for f in journal.files],
            after={f.rel: f.after_sha256 for f in journal.files},
        )
        journal.remove()
        return f"Recovered {pid}: completed an interrupted apply of {what}"
    journal.remove()
    return f"Recovered {pid}: rolled back an interrupted apply of {what}; no file of it changed"


def roll_back(applier: Applier, journal: jn.Journal, entries: list[jn.JournalFile]) -> list[str]:
    """Restore ``entries`` (written, so now new) to their pre-images, last first; the problems."""
    problems: list[str] = []
    for entry in reversed(entries):
        try:
            problem = _move(applier, entry, _payload(journal, entry, False), False)
        except (OSError, ValueError) as exc:
            problem = str(exc)
        if problem:
            problems.append(f"{entry.rel}: {problem}")
    return problems


def _payload(journal: jn.Journal, entry: jn.JournalFile, forward: bool) -> bytes | None:
    """The verified bytes to write for ``entry`` (None: delete a file the apply created)."""
    if not forward and entry.before_sha256 is None:
        return None
    name, want = (
        (entry.new_at, entry.after_sha256) if forward else (entry.pre_at, entry.before_sha256)
    )
    if name is None:
        raise ValueError("no pre-image was journaled")
    data = journal.blob(name)
    if sha256_bytes(data) != want:
        raise ValueError("the journaled content is damaged")
    return data


def _move(applier: Applier, entry: jn.JournalFile, data: bytes | None, forward: bool) -> str:
    """Write one file to its target state; an empty string on success, else the problem."""
    try:
        if forward and data is not None:
            atomic_write(
                applier.root, entry.rel, data, expected_sha256=entry.before_sha256, mode=entry.mode
            )
        elif data is None:
            atomic_delete(applier.root, entry.rel, expected_sha256=entry.after_sha256)
        else:
            atomic_write(applier.root, entry.rel, data, expected_sha256=entry.after_sha256)
    except (StaleFile, PathRejected, OSError) as exc:
        return str(getattr(exc, "reason", exc))
    return ""
