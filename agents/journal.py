"""The write-ahead journal of a multi-file apply, and the log of applies.

Layout under the state directory::

    journal/<key>.blobs   the new contents and pre-images, concatenated, fsynced
    journal/<key>.json    written atomically after the blobs: the commit point; its presence
                          means "finish this apply" (offsets into the blobs, hashes, state)
    journal/kept/...      journals recovery could not settle, kept for the person (never read
                          again automatically)
    applied.jsonl         the apply log: single-file intents and done marks (see below)

A blobs file without its ``.json`` is an apply that never started writing files (the crash came
while journaling), so it is simply discarded. One blobs file rather than one per content keeps
a journal at three flushes to disk whatever the number of files.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.state_dir import append_jsonl, fsync_dir, read_jsonl, safe_key, write_json_atomic

JOURNAL_DIR = "journal"
KEPT_DIR = "kept"
APPLIED_FILE = "applied.jsonl"


def journal_key(proposal_id: str) -> str:
    """A file-name-safe key for a proposal id (ids loaded from disk are not trusted)."""
    return safe_key(proposal_id)


@dataclass
class JournalFile:
    """One file of a journaled apply; ``new_at``, ``pre_at``: ``[offset, length]`` in the blobs."""

    rel: str
    before_sha256: str | None
    after_sha256: str
    mode: int | None
    new_at: list[int]
    pre_at: list[int] | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(vars(self))


@dataclass
class Journal:
    """The journal of one proposal's apply (see the module docstring for the layout)."""

    directory: Path
    proposal_id: str
    agent: str
    tool_use_id: str
    files: list[JournalFile]
    state: str = "applying"  # "applying" (roll forward) | "rolling_back" (roll back)

    @property
    def key(self) -> str:
        """The file-name key of this journal."""
        return journal_key(self.proposal_id)

    @property
    def json_path(self) -> Path:
        """The journal record (the commit point)."""
        return self.directory / f"{self.key}.json"

    @property
    def blobs_path(self) -> Path:
        """The new contents and pre-images."""
        return self.directory / f"{self.key}.blobs"

    def blob(self, at: list[int]) -> bytes:
        """The stored bytes at ``[offset, length]``; ValueError when the file is too short."""
        offset, length = at
        with open(self.blobs_path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(length)
        if len(data) != length:
            raise ValueError("the journal's stored content is truncated")
        return data

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "version": 2,
            "proposal_id": self.proposal_id,
            "agent": self.agent,
            "tool_use_id": self.tool_use_id,
            "state": self.state,
            "files": [f.to_json() for f in self.files],
        }

    def save(self) -> None:
        """Write the journal record atomically (fsynced)."""
        write_json_atomic(self.json_path, self.to_json())

    def remove(self) -> None:
        """Delete the record first (the apply is settled), then the blobs."""
        for path in (self.json_path, self.blobs_path):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        with contextlib.suppress(OSError):
            fsync_dir(self.directory)

    def keep_aside(self) -> Path:
        """Move the record and blobs under ``journal/kept/`` for the person; returns the dir."""
        return keep_aside(self.directory, self.key)


def journal_dir(state_dir: Path) -> Path:
    """``<state>/journal``, created 0700."""
    path = Path(state_dir) / JOURNAL_DIR
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def begin(
    state_dir: Path,
    *,
    proposal_id: str,
    agent: str,
    tool_use_id: str,
    files: list[tuple[str, str | None, bytes, int | None, bytes | None]],
) -> Journal:
    """Journal an apply: blobs first, then the record. Returns the committed journal.

    ``files`` holds ``(rel, before_sha256, new_bytes, mode, pre_image_or_None)`` per file.
    """
    import hashlib

    directory = journal_dir(state_dir)
    journal = Journal(directory, proposal_id, agent, tool_use_id, [])
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal.blobs_path)  # a leftover of an unfinished journal
    fd = os.open(journal.blobs_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    offset = 0
    try:
        for rel, before, new, mode, pre in files:
            new_at = [offset, len(new)]
            offset += _write_all(fd, new)
            pre_at = None
            if pre is not None:
                pre_at = [offset, len(pre)]
                offset += _write_all(fd, pre)
            after = hashlib.sha256(new).hexdigest()
            journal.files.append(JournalFile(rel, before, after, mode, new_at, pre_at))
        os.fsync(fd)
    finally:
        os.close(fd)
    journal.save()  # the commit point; its directory fsync also covers the blobs' entry
    return journal


def _write_all(fd: int, data: bytes) -> int:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    return len(data)


def load(json_path: Path) -> Journal:
    """Read one journal record; raises ValueError (with the reason) when it is unusable."""
    try:
        data = json.loads(json_path.read_bytes().decode("utf-8", "surrogatepass"))
        files = [JournalFile(**f) for f in data["files"]]
        journal = Journal(
            json_path.parent,
            str(data["proposal_id"]),
            str(data.get("agent", "")),
            str(data.get("tool_use_id", "")),
            files,
            str(data.get("state", "applying")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    if journal.key != json_path.stem or journal.state not in ("applying", "rolling_back"):
        raise ValueError("the record does not match its file name or has an unknown state")
    if not files or any(not isinstance(f.rel, str) or len(f.new_at) != 2 for f in files):
        raise ValueError("the record lists no usable files")
    return journal


def keep_aside(directory: Path, key: str) -> Path:
    """Move ``<key>.json`` and ``<key>.blobs`` to ``kept/<key>-<timestamp>/``."""
    target = directory / KEPT_DIR / f"{key}-{time.strftime('%Y%m%d-%H%M%S')}"
    n = 1
    while target.exists():
        n += 1
        target = target.with_name(f"{target.name}-{n}")
    target.mkdir(parents=True, mode=0o700)
    for name in (f"{key}.json", f"{key}.blobs"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(directory / name, target / name)
    return target


def pending_journals(state_dir: Path) -> tuple[list[Path], list[Path]]:
    """``(journal records, orphaned blobs without a record)`` left by earlier runs."""
    directory = Path(state_dir) / JOURNAL_DIR
    if not directory.is_dir():
        return [], []
    records = sorted(p for p in directory.glob("*.json") if p.is_file())
    keys = {p.stem for p in records}
    orphans = sorted(p for p in directory.glob("*.blobs") if p.stem not in keys)
    return records, orphans


# -- the apply log: single-file intents and done marks -----------------------------------------
#
# ``applied.jsonl`` holds three kinds of lines: ``intent`` (a single-file apply is about to
# write; its pre- and post-image hashes), ``done`` (every file of the proposal is on disk) and
# ``settled`` (recovery found an intent whose file was never written). A single file needs no
# blobs: it is old or new at any instant, and the hashes tell which.


def _log(state_dir: Path, kind: str, proposal_id: str, **fields: Any) -> None:
    record = {"kind": kind, "proposal_id": proposal_id, **fields, "at": round(time.time(), 3)}
    append_jsonl(Path(state_dir) / APPLIED_FILE, record)


def record_intent(
    state_dir: Path,
    *,
    proposal_id: str,
    agent: str,
    tool_use_id: str,
    rel: str,
    before_sha256: str | None,
    after_sha256: str,
) -> None:
    """Durably note that one file of ``proposal_id`` is about to be replaced."""
    _log(
        state_dir,
        "intent",
        proposal_id,
        agent=agent,
        tool_use_id=tool_use_id,
        rel=rel,
        before_sha256=before_sha256,
        after_sha256=after_sha256,
    )


def record_completion(
    state_dir: Path,
    *,
    proposal_id: str,
    agent: str,
    tool_use_id: str,
    paths: list[str],
    after: dict[str, str] | None = None,
    summary: str = "",
) -> None:
    """Durably note that ``proposal_id`` was applied in full (the done mark).

    ``after`` (path → sha256 of the bytes written) and ``summary`` let the next start commit a
    change that a crash kept from its commit (:mod:`agents.leftovers`).
    """
    extra: dict[str, Any] = {}
    if after is not None:
        extra["after"] = after
    if summary:
        extra["summary"] = summary
    _log(state_dir, "done", proposal_id, agent=agent, tool_use_id=tool_use_id, paths=paths, **extra)


def record_commit_checked(state_dir: Path, *, proposal_id: str, outcome: str) -> None:
    """Note that the start-up check of ``proposal_id``'s commit is settled (never redone)."""
    _log(state_dir, "commit_checked", proposal_id, outcome=outcome)


def load_commit_checked(state_dir: Path) -> set[str]:
    """Proposal ids whose start-up commit check is settled."""
    return {
        str(r["proposal_id"]) for r in _apply_log(state_dir) if r.get("kind") == "commit_checked"
    }


def record_settled(state_dir: Path, *, proposal_id: str) -> None:
    """Close an intent whose write never happened (so it is reported once)."""
    _log(state_dir, "settled", proposal_id)


def _apply_log(state_dir: Path) -> list[dict[str, Any]]:
    records, _bad = read_jsonl(Path(state_dir) / APPLIED_FILE)
    return [r for r in records if r.get("proposal_id")]


def load_completions(state_dir: Path) -> dict[str, dict[str, Any]]:
    """Completed applies (done marks) by proposal id; unreadable lines are skipped."""
    return {
        str(r["proposal_id"]): r for r in _apply_log(state_dir) if r.get("kind", "done") == "done"
    }


def open_intents(state_dir: Path) -> list[dict[str, Any]]:
    """Single-file intents with neither a done mark nor a settled mark, oldest first."""
    records = _apply_log(state_dir)
    closed = {str(r["proposal_id"]) for r in records if r.get("kind", "done") != "intent"}
    return [r for r in records if r.get("kind") == "intent" and r["proposal_id"] not in closed]
