"""The person's side of the work tree: what is dirty, HEAD's version, snapshots, status.

:class:`GitWorktree` adds to :class:`agents.vcs_base.GitRunner` the read queries the desk and
the commit path share, and the snapshots that keep the person's uncommitted version of a file
recoverable after an agent overwrites it (THREATS T14). Reads take no git locks
(``--no-optional-locks``), so they never contend with a commit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from agents.vcs_base import GitRunner
from agents.vcs_status import FileState, check_rel, parse_porcelain

SNAPSHOTS = "snapshots.jsonl"
SNAPSHOT_REF = "refs/agentdesk/snapshots/"
_STATUS = ["--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all"]


class GitWorktree(GitRunner):
    """Read queries and snapshots; :class:`agents.vcs.GitWriter` adds commits and undo."""

    # ---- small git queries ----------------------------------------------------------------

    def _z(self, args: Sequence[str]) -> list[str]:
        """Run a read command with NUL-separated output and return its entries."""
        return [os.fsdecode(t) for t in self._check(args).split(b"\0") if t]

    def _xy(self, rels: Sequence[str], *, with_ignored: bool = False) -> dict[str, str]:
        """Porcelain ``XY`` code of each of ``rels`` that differs from HEAD (renames off).

        ``with_ignored`` also reports untracked ignored files, one by one, as ``!!``.
        """
        extra = ["--ignored=traditional"] if with_ignored else []
        out = self._check([*_STATUS, "--no-renames", *extra, "--", *rels])
        codes: dict[str, str] = {}
        for entry in out.split(b"\0"):
            if len(entry) > 3:
                codes[os.fsdecode(entry[3:])] = entry[:2].decode("ascii", "replace")
        return codes

    def _rev(self, rev: str) -> str | None:
        """The commit id ``rev`` names, or ``None`` (e.g. HEAD of an empty repository)."""
        status, out, _ = self._run(["rev-parse", "-q", "--verify", f"{rev}^{{commit}}"])
        return out.decode().strip() if status == 0 else None

    def _blobs(self, rev: str, rels: Sequence[str]) -> dict[str, str | None]:
        """Blob id of each of ``rels`` in ``rev`` (``None`` when absent there)."""
        found: dict[str, str | None] = dict.fromkeys(rels)
        for entry in self._z(["ls-tree", "-z", "--full-tree", rev, "--", *rels]):
            meta, _, path = entry.partition("\t")
            if path in found:
                found[path] = meta.split()[2]
        return found

    # ---- the person's work: dirty, HEAD version, snapshots ------------------------------------

    def dirty_paths(self, rels: Sequence[str]) -> set[str]:
        """Those of ``rels`` modified vs HEAD (staged or not) or untracked and not ignored."""
        self._require()
        checked = [check_rel(r) for r in rels]
        return set(self._xy(checked)) if checked else set()

    def is_dirty(self, rel: str) -> bool:
        """True when ``rel`` is modified vs HEAD or untracked and not ignored."""
        return check_rel(rel) in self.dirty_paths([rel])

    def head_bytes(self, rel: str) -> bytes | None:
        """HEAD's version of ``rel`` as stored (no filters), or ``None`` if HEAD lacks it."""
        self._require()
        status, out, _ = self._run(["cat-file", "blob", f"HEAD:{check_rel(rel)}"])
        return out if status == 0 else None

    def read_blob(self, sha: str) -> bytes:
        """The bytes of a blob, e.g. a snapshot id from :meth:`snapshot_dirty`."""
        self._require()
        return self._check(["cat-file", "blob", sha])

    def snapshot_dirty(self, rel: str) -> str | None:
        """Store the person's current bytes of ``rel`` in git so an agent cannot lose them.

        Call before applying a change over a dirty file. The blob is written with
        ``git hash-object -w`` (exact bytes, no filters), pinned by ``refs/agentdesk/snapshots/``
        so gc keeps it, and listed in ``<state_dir>/snapshots.jsonl``. Returns the blob id, or
        ``None`` when there is nothing to lose (the file is clean, absent or not a file).
        """
        rel = check_rel(rel)
        target = self.root / rel
        if not self.is_dirty(rel) or not target.is_file() or target.is_symlink():
            return None
        with self._write_lock():
            sha = self._check(["hash-object", "-w", "--no-filters", "--", rel]).decode().strip()
            self._pin(sha, rel, "worktree")
        return sha

    def _pin_staged(self, rels: Sequence[str]) -> None:
        """Keep the person's staged blobs of ``rels`` recoverable before a commit replaces them."""
        if not rels:
            return
        for entry in self._z(["ls-files", "-z", "--stage", "--", *rels]):
            meta, _, path = entry.partition("\t")
            self._pin(meta.split()[1], path, "index")

    def _pin(self, sha: str, rel: str, source: str) -> None:
        self._check(["update-ref", "-m", "agentdesk: keep the person's version",
                     SNAPSHOT_REF + sha, sha])  # fmt: skip
        self._append_jsonl(SNAPSHOTS, {"sha": sha, "path": rel, "source": source,
                                       "time": time.time()})  # fmt: skip

    def snapshots(self, rel: str | None = None) -> list[dict[str, Any]]:
        """Snapshots kept so far (newest last): ``{"sha", "path", "source", "time"}``."""
        return [s for s in self._read_jsonl(SNAPSHOTS) if rel is None or s.get("path") == rel]

    # ---- status -------------------------------------------------------------------------

    def file_status(self) -> dict[str, FileState]:
        """Every path that differs from HEAD: modified, added, untracked, deleted, renamed or
        conflicted (unmerged). Clean and ignored files are absent.

        One ``git status --porcelain=v1 -z`` without optional locks, so it never contends with
        a commit; submodules are compared by commit only. The desk adds "pending proposal" and
        "applied-uncommitted" from its queue.
        """
        out = self._check([*_STATUS, "--ignore-submodules=dirty"])
        return parse_porcelain(out)
