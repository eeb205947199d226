"""Git for the desk: one serialised writer, attributed commits of exactly a proposal's paths.

:class:`GitWriter` is the only door to git. Each approved proposal becomes one commit holding
only that proposal's paths (THREATS T29): the person's staged and unstaged work elsewhere is
untouched, gitignored and secret files are left out and reported. The agent is the author, the
person (when git knows who they are) the committer, and trailers name agent and proposal.
Commits are recorded in ``<state_dir>/commits.jsonl`` so undo (:mod:`agents.vcs_undo`) knows
which commits are agentdesk's. Running and serialising git lives in :mod:`agents.vcs_base`,
dirty checks, snapshots and status in :mod:`agents.vcs_worktree`.

Without git :attr:`GitWriter.available` is false and every method that needs git raises
:class:`GitUnavailable`; the apply engine then writes files and skips commits.
"""

from __future__ import annotations

import concurrent.futures
import fnmatch
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agents.vcs_base import NO_GIT_MESSAGE, GitError, GitLockError, GitUnavailable
from agents.vcs_status import FileState, check_rel, clean_ident, one_line, trailer_value
from agents.vcs_worktree import GitWorktree

__all__ = [
    "BASH_NOTE",
    "NO_GIT_MESSAGE",
    "SECRET_PATTERNS",
    "CommitInfo",
    "CommitMode",
    "FileState",
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


class GitWriter(GitWorktree):
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
        agent_line = f"Agentdesk-Agent: {trailer_value(agent)}"
        parts.append(f"{agent_line}\nAgentdesk-Proposal: {trailer_value(proposal_id)}")
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
