"""Answering a blocker: the PROGRESS.md line is marked resolved and the answer recorded.

The edit is the person's, so it is written directly (atomically, compare-and-swap against the
bytes just read) rather than through the approval queue; only the blocker's line changes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from agents.blockers import BlockerBook
from agents.progress import Blocker, ProgressFile, parse_progress
from agents.progress_edit import resolve_blocker
from agents.safe_write import StaleFile, atomic_write, read_nofollow, sha256_bytes
from agents.textcodec import TextFile

PROGRESS = "PROGRESS.md"


class BlockerNotFound(LookupError):
    """No blocker has that id (it may have been resolved or edited away)."""


class BlockerResolved(LookupError):
    """The blocker is already resolved: answering it again would send the agent a second answer."""


def find_blocker(book: BlockerBook, progress: ProgressFile, blocker_id: str) -> Blocker:
    """The blocker ``blocker_id`` as PROGRESS.md holds it now."""
    for blocker in book.sync(progress.load()):
        if blocker.id == blocker_id:
            return blocker
    raise BlockerNotFound(f"no blocker with id {blocker_id!r} in PROGRESS.md")


def answer_blocker(
    root: Path, progress: ProgressFile, book: BlockerBook, blocker_id: str, answer: str
) -> Blocker:
    """Resolve ``blocker_id`` in PROGRESS.md with ``answer``; returns the blocker answered.

    Raises :class:`BlockerResolved` when the file already says resolved (checked on the bytes the
    compare-and-swap writes against, so of two racing answers exactly one goes through).
    """
    blocker = find_blocker(book, progress, blocker_id)
    for _attempt in range(3):
        data = read_nofollow(root, PROGRESS)
        text_file = TextFile.from_bytes(data)
        now = parse_progress(text_file.text, known_agents=progress.known_agents)
        state = next((b.state for b in now.blockers if b.id == blocker_id), None)
        if state is None:
            raise BlockerNotFound(f"no blocker with id {blocker_id!r} in PROGRESS.md")
        if state == "resolved":
            raise BlockerResolved(
                f"blocker {blocker_id} is already resolved in PROGRESS.md; nothing was sent "
                f"(to tell @{blocker.agent or 'the agent'} more, send it a message)"
            )
        new_text = resolve_blocker(
            text_file.text, blocker_id, answer, datetime.now(), known_agents=progress.known_agents
        )
        try:
            atomic_write(
                root, PROGRESS, text_file.encode(new_text), expected_sha256=sha256_bytes(data)
            )
            break
        except StaleFile:
            continue  # someone saved PROGRESS.md in between: read it again
    else:
        raise StaleFile(PROGRESS, "", "")  # pragma: no cover - three concurrent saves in a row
    book.record_answer(blocker_id, answer)
    progress.load()
    return blocker


def commit_answer(git: Any, blocker: Blocker) -> str | None:
    """Commit the person's PROGRESS.md change on its own, so no agent's commit sweeps it in.

    Blocking (git): call from a worker thread. Returns the commit sha, or ``None`` without git
    or when there was nothing to commit.
    """
    if git is None or not git.available:
        return None
    info = git.commit_paths(
        [PROGRESS],
        agent="person",
        proposal_id=f"answer-{blocker.id}",
        summary=f"answer blocker {blocker.id}",
    )
    return info.sha if info.committed else None
