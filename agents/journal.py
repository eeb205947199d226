"""The write-ahead journal of one apply, and the record of completed applies.

Layout under the state directory::

    journal/<key>.blobs/0.new, 0.pre, 1.new ...   new contents and pre-images, fsynced
    journal/<key>.json                             written atomically after the blobs: the commit
                                                   point; its presence means "finish this apply"
    journal/kept/...                               journals recovery could not settle, kept for
                                                   the person (never read again automatically)
    applied.jsonl                                  one fsynced line per completed proposal

A blob directory without its ``.json`` is an apply that never started writing files (the crash
came while journaling), so it is simply discarded. Pre-images are stored only for multi-file
proposals: a single file is replaced by one atomic rename, so it never needs rolling back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.state_dir import append_jsonl, fsync_dir, read_jsonl, write_json_atomic

JOURNAL_DIR = "journal"
KEPT_DIR = "kept"
APPLIED_FILE = "applied.jsonl"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def journal_key(proposal_id: str) -> str:
    """A file-name-safe key for a proposal id (ids loaded from disk are not trusted)."""
    if _SAFE_ID.fullmatch(proposal_id) and not proposal_id.endswith((".json", ".blobs")):
        return proposal_id
    return "x-" + hashlib.sha256(proposal_id.encode("utf-8", "surrogatepass")).hexdigest()[:20]


@dataclass
class JournalFile:
    """One file of a journaled apply."""

    rel: str
    before_sha256: str | None
    after_sha256: str
    mode: int | None
    new_blob: str
    pre_blob: str | None = None

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
    def blob_dir(self) -> Path:
        """Where the new contents and pre-images are kept."""
        return self.directory / f"{self.key}.blobs"

    def blob(self, name: str) -> bytes:
        """The bytes of one stored blob."""
        return (self.blob_dir / name).read_bytes()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "version": 1,
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
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.json_path)
        shutil.rmtree(self.blob_dir, ignore_errors=True)
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


def _write_blob(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


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
    directory = journal_dir(state_dir)
    journal = Journal(directory, proposal_id, agent, tool_use_id, [])
    shutil.rmtree(journal.blob_dir, ignore_errors=True)  # a leftover of an unfinished journal
    journal.blob_dir.mkdir(mode=0o700)
    for n, (rel, before, new, mode, pre) in enumerate(files):
        _write_blob(journal.blob_dir / f"{n}.new", new)
        pre_name = None
        if pre is not None:
            pre_name = f"{n}.pre"
            _write_blob(journal.blob_dir / pre_name, pre)
        after = hashlib.sha256(new).hexdigest()
        journal.files.append(JournalFile(rel, before, after, mode, f"{n}.new", pre_name))
    fsync_dir(journal.blob_dir)
    journal.save()
    return journal


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
    if not files or any(not isinstance(f.rel, str) or not f.new_blob for f in files):
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
    """``(journal records, orphaned blob dirs without a record)`` left by earlier runs."""
    directory = Path(state_dir) / JOURNAL_DIR
    if not directory.is_dir():
        return [], []
    records = sorted(p for p in directory.glob("*.json") if p.is_file())
    keys = {p.stem for p in records}
    orphans = sorted(
        p for p in directory.glob("*.blobs") if p.is_dir() and p.name[: -len(".blobs")] not in keys
    )
    return records, orphans


# -- completed applies --------------------------------------------------------------------------


def record_completion(
    state_dir: Path, *, proposal_id: str, agent: str, tool_use_id: str, paths: list[str]
) -> None:
    """Durably note that ``proposal_id`` was applied in full (the journal's done mark)."""
    append_jsonl(
        Path(state_dir) / APPLIED_FILE,
        {
            "proposal_id": proposal_id,
            "agent": agent,
            "tool_use_id": tool_use_id,
            "paths": paths,
            "at": round(time.time(), 3),
        },
    )


def load_completions(state_dir: Path) -> dict[str, dict[str, Any]]:
    """Completed applies by proposal id (unreadable lines are skipped)."""
    records, _bad = read_jsonl(Path(state_dir) / APPLIED_FILE)
    return {str(r.get("proposal_id")): r for r in records if r.get("proposal_id")}
