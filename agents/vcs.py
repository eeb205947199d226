"""Git for the desk: one serialised writer, attributed commits of exactly a proposal's paths.

:class:`GitWriter` is the only door to git. Each approved proposal becomes one commit holding
only that proposal's paths (THREATS T29): the person's staged and unstaged work elsewhere is
untouched, gitignored and secret files are left out and reported. The agent is the author, the
person (when git knows who they are) the committer, and trailers name agent and proposal.
Commits are recorded in ``<state_dir>/commits.jsonl`` so undo (:mod:`agents.vcs_undo`) knows
which commits are agentdesk's. Running and serialising git lives in :mod:`agents.vcs_base`.

Without git :attr:`GitWriter.available` is false and every method that needs git raises
:class:`GitUnavailable`; the apply engine then writes files and skips commits.
"""

from __future__ import annotations

import concurrent.futures
import fnmatch
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from agents.vcs_base import (
    NO_GIT_MESSAGE,
    GitError,
    GitLockError,
    GitRunner,
    GitUnavailable,
    clean_ident,
)
from agents.vcs_status import FileState, one_line, parse_porcelain

__all__ = [
    "BASH_NOTE",
    "NO_GIT_MESSAGE",
    "SECRET_PATTERNS",
    "CommitInfo",
    "CommitMode",
    "GitError",
    "GitLockError",
    "GitUnavailable",
    "GitWriter",
    "UndoResult",
]

BASH_NOTE = "Bash side effects are not undone."
#: How approved changes become commits: one per proposal, one per agent turn, or none.
CommitMode = Literal["proposal", "turn", "off"]
#: Basenames never committed for an agent, whatever the proposal (T29: the secret deny list).
SECRET_PATTERNS = (".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_dsa*",
                   "id_ecdsa*", "id_ed25519*", ".netrc")  # fmt: skip
COMMITS = "commits.jsonl"
SNAPSHOTS = "snapshots.jsonl"
SNAPSHOT_REF = "refs/agentdesk/snapshots/"
_STATUS = ["--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all"]


@dataclass(frozen=True)
class CommitInfo:
    """One commit agentdesk made, or (``sha == ""``) the news that nothing was committed.

    ``paths`` are the paths in the commit; ``skipped`` pairs each path left out with the reason
    (ignored by .gitignore, on the secret deny list, unchanged, a directory).
    """

    sha: str
    agent: str
    proposal_id: str
    paths: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def committed(self) -> bool:
        """True when a commit was made."""
        return bool(self.sha)


@dataclass(frozen=True)
class UndoResult:
    """The outcome of :meth:`GitWriter.undo_last`; ``message`` always says what happened."""

    ok: bool
    message: str
    reverted: CommitInfo | None = None


def check_rel(path: str) -> str:
    """Normalise a desk-relative path, or raise ``ValueError`` if it could leave the work tree."""
    if not isinstance(path, str) or not path or "\0" in path or path.startswith("/"):
        raise ValueError(f"not a relative path inside the desk: {path!r}")
    parts = PurePosixPath(path).parts
    if not parts or ".." in parts or parts[0].casefold() == ".git":
        raise ValueError(f"not a committable path inside the desk: {path!r}")
    return "/".join(parts)


class GitWriter(GitRunner):
    """Commits, snapshots, undo and status for one desk root. Thread-safe.

    Writes are serialised (one at a time across threads and agentdesk processes); reads
    (:meth:`file_status`, :meth:`is_dirty`, :meth:`head_bytes`) run concurrently and take no
    git locks. Every method blocks; use :meth:`submit` / :meth:`commit_async` (or a thread
    worker) to keep git off the UI thread.
    """

    def __init__(
        self,
        root: Path,
        *,
        run_hooks: bool = False,
        author_email_domain: str = "agentdesk.local",
        state_dir: Path | None = None,
        lock_timeout: float = 5.0,
        author: Callable[[str], tuple[str, str]] | None = None,
    ) -> None:
        """``author`` maps an agent's name to the git (name, email) of its commits, e.g. the
        project config's templates; by default it is ``<agent> <agent@author_email_domain>``.
        ``lock_timeout`` bounds the retries of a held git lock before :class:`GitLockError`.
        """
        self.author = author
        super().__init__(
            root,
            run_hooks=run_hooks,
            author_email_domain=author_email_domain,
            state_dir=state_dir,
            lock_timeout=lock_timeout,
        )
        self._committer_known: bool | None = None

    # ---- commits ------------------------------------------------------------------------

    def commit_paths(
        self,
        paths: Sequence[str],
        *,
        agent: str,
        proposal_id: str,
        summary: str,
        body: str = "",
    ) -> CommitInfo:
        """Commit exactly ``paths`` as ``agent``; returns what was committed and what was not.

        New files are added, deleted files recorded as deleted. Paths ignored by .gitignore,
        matching :data:`SECRET_PATTERNS`, unchanged, or naming a directory are left out and listed
        in ``skipped``; if nothing is left, no commit is made (``sha == ""``). Whatever the person
        has staged or changed elsewhere stays exactly as it was. If the person had staged a
        version of one of ``paths``, that staged blob is kept recoverable (see :meth:`snapshots`).

        Raises :class:`GitUnavailable` without git, :class:`GitLockError` when a lock persists
        past ``lock_timeout``, :class:`GitError` when git refuses (e.g. a merge in progress, or a
        hook rejects the commit when ``run_hooks``), and ``ValueError`` for a path outside the
        desk.
        """
        self._require()
        rels = list(dict.fromkeys(check_rel(p) for p in paths))
        with self._write_lock():
            skipped: list[tuple[str, str]] = []
            candidates: list[str] = []
            for rel in rels:
                name = rel.rsplit("/", 1)[-1]
                if any(fnmatch.fnmatchcase(name, pat) for pat in SECRET_PATTERNS):
                    skipped.append((rel, "on the secret deny list: never committed"))
                elif (self.root / rel).is_dir() and not (self.root / rel).is_symlink():
                    skipped.append((rel, "a directory, not a file"))
                else:
                    candidates.append(rel)
            codes = self._xy(candidates, with_ignored=True) if candidates else {}
            changed: dict[str, str] = {}
            for rel in candidates:  # the caller's order
                if codes.get(rel) == "!!":
                    skipped.append((rel, "ignored by .gitignore: left uncommitted"))
                elif rel in codes:
                    changed[rel] = codes[rel]
                else:
                    skipped.append((rel, "no change to commit"))
            nothing = CommitInfo("", agent, proposal_id, (), tuple(skipped))
            if not changed:
                return nothing
            self._pin_staged([rel for rel, xy in changed.items() if xy[0] in "MAT"])
            new = [rel for rel, xy in changed.items() if xy == "??"]
            if new:
                self._check(["add", "--intent-to-add", "--", *new])
            parent = self._rev("HEAD")
            pre = self._blobs(parent, list(changed)) if parent else {}
            message = self._message(agent, proposal_id, summary, body)
            try:
                self._check(
                    ["commit", "--only", "--quiet", "--cleanup=whitespace", "-m", message,
                     "--", *changed],
                    env=self._identity(agent),
                )  # fmt: skip
            except GitError as exc:
                if new:
                    self._run(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", *new])
                if "nothing to commit" in str(exc) or "no changes added" in str(exc):
                    return nothing
                raise
            sha = self._rev("HEAD") or ""
            info = CommitInfo(sha, agent, proposal_id, tuple(changed), tuple(skipped))
            self._append_jsonl(COMMITS, {"sha": sha, "agent": agent, "proposal_id": proposal_id,
                                         "paths": list(changed), "parent": parent, "pre": pre,
                                         "time": time.time()})  # fmt: skip
            return info

    def commit_async(
        self, paths: Sequence[str], *, agent: str, proposal_id: str, summary: str, body: str = ""
    ) -> concurrent.futures.Future[CommitInfo]:
        """:meth:`commit_paths` on the writer thread."""
        fixed = tuple(paths)
        return self.submit(
            lambda: self.commit_paths(
                fixed, agent=agent, proposal_id=proposal_id, summary=summary, body=body
            )
        )

    def find_commit(self, proposal_id: str) -> CommitInfo | None:
        """The commit recorded for ``proposal_id`` (e.g. for recovery after a crash), if any."""
        for rec in reversed(self._read_jsonl(COMMITS)):
            if rec.get("proposal_id") == proposal_id and rec.get("sha"):
                return CommitInfo(str(rec["sha"]), str(rec.get("agent", "")), proposal_id,
                                  tuple(str(p) for p in rec.get("paths", [])))  # fmt: skip
        return None

    def undo_last(self, agent: str | None = None) -> UndoResult:
        """Revert the most recent agentdesk commit (of ``agent``, if given) when it is safe.

        See :func:`agents.vcs_undo.undo_last` for the preconditions and what it does.
        """
        from agents.vcs_undo import undo_last

        self._require()
        with self._write_lock():
            return undo_last(self, agent)

    @staticmethod
    def _message(agent: str, proposal_id: str, summary: str, body: str) -> str:
        parts = [f"{one_line(agent, 60)}: {one_line(summary) or 'change'}"]
        if body.strip():
            parts.append(body.replace("\0", "").strip())
        parts.append(
            f"Agentdesk-Agent: {one_line(agent, 200)}\nAgentdesk-Proposal: {one_line(proposal_id)}"
        )
        return "\n\n".join(parts)

    def _identity(self, agent: str) -> dict[str, str]:
        """Author = the agent; committer = the person if git knows them, else the agent too."""
        if self.author is not None:
            return self._ident_env(*self.author(agent))
        email = f"{clean_ident(agent, 'A-Za-z0-9._+-')}@{self.author_email_domain}"
        return self._ident_env(agent, email)

    def _ident_env(self, name: str, email: str) -> dict[str, str]:
        name = one_line(re.sub(r"[<>\x00-\x1f]", "", name), 80) or "agent"
        email = re.sub(r"[<>\s\x00-\x1f]", "", email) or f"agent@{self.author_email_domain}"
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
        if self._committer_known is None:
            self._committer_known = self._run(["var", "GIT_COMMITTER_IDENT"])[0] == 0
        if not self._committer_known:
            env.update(GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
        return env

    def _undo_identity(self) -> dict[str, str]:
        """Undo commits are the person's; "agentdesk" stands in when git does not know them."""
        env = self._ident_env("agentdesk", f"agentdesk@{self.author_email_domain}")
        return {} if self._committer_known else env

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
