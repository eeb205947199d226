"""Undo one agent change: revert the most recent agentdesk commit when it is safe (THREATS T31).

Preconditions, after Aider's ``/undo``, each refused with its own reason:

- the commit is recorded in ``<state_dir>/commits.jsonl`` and still carries agentdesk's
  ``Agentdesk-Proposal`` trailer (it was made by agentdesk);
- it is not a merge and not the repository's first commit;
- it is on the current branch and not pushed (no remote-tracking branch contains it);
- none of its files changed since, neither by a later commit nor uncommitted in the work tree.

When the commit is HEAD it is removed the way Aider does it: its files are restored from its
parent and HEAD moves back (compare-and-swap on HEAD), leaving the person's other staged work
alone. When later commits (another agent's, the person's) sit on top, history is not rewritten:
its files are restored and committed as one revert commit carrying ``Agentdesk-Undo``. Commands
an agent ran through Bash are outside git's view; every message says so.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from agents.vcs import BASH_NOTE, COMMITS, CommitInfo, GitError, GitWriter, UndoResult
from agents.vcs_status import trailer_value


def _target(writer: GitWriter, agent: str | None) -> dict[str, Any] | None:
    records = writer._read_jsonl(COMMITS)
    undone = {r["undo"] for r in records if "undo" in r}
    for rec in reversed(records):
        if not rec.get("sha") or "undo" in rec or rec["sha"] in undone:
            continue
        if agent is None or rec.get("agent") == agent:
            found: dict[str, Any] = rec
            return found
    return None


def _unsafe(writer: GitWriter, info: CommitInfo) -> str | None:
    """Why undoing ``info`` is not safe, or ``None`` when it is."""
    sha = info.sha
    if writer._rev(sha) != sha:
        return "that commit no longer exists in this repository"
    status, out, _ = writer._run(["log", "-1", "--format=%B", sha])
    trailer = f"Agentdesk-Proposal: {trailer_value(info.proposal_id)}"
    if status != 0 or trailer not in out.decode(errors="replace"):
        return "it was not made by agentdesk (no matching Agentdesk-Proposal trailer)"
    parents = writer._check(["rev-list", "--parents", "-n", "1", sha]).split()
    touched = writer._z(["diff-tree", "--no-commit-id", "--root", "-r", "-z", "--name-only", sha])
    if len(parents) <= 2 and sorted(touched) != sorted(info.paths):
        return "its files differ from what agentdesk recorded"
    if len(parents) > 2:
        return "it is a merge commit"
    if len(parents) < 2:
        return "it is the repository's first commit"
    if writer._run(["merge-base", "--is-ancestor", sha, "HEAD"])[0] != 0:
        return "it is not on the current branch"
    remotes = writer._z(["for-each-ref", "--contains", sha, "--format=%(refname:short)%00",
                         "refs/remotes"])  # fmt: skip
    remotes = [r.strip() for r in remotes if r.strip()]
    if remotes:
        return f"it has already been pushed ({', '.join(remotes[:3])})"
    later = writer._z(["diff-tree", "-r", "-z", "--name-only", sha, "HEAD", "--", *info.paths])
    if later:
        by = writer._check(["rev-list", "-1", "--abbrev-commit", f"{sha}..HEAD", "--", later[0]])
        return f"{later[0]} was changed since by commit {by.decode().strip()}"
    dirty = sorted(writer._xy(list(info.paths)))
    if dirty:
        return f"{', '.join(dirty)} has uncommitted changes since"
    return None


def _restore_steps(writer: GitWriter, rev: str, paths: list[str]) -> list[list[str]]:
    """The git commands that make index and work tree of ``paths`` match ``rev``."""
    blobs = writer._blobs(rev, paths)
    present = [p for p, blob in blobs.items() if blob]
    absent = [p for p, blob in blobs.items() if not blob]
    steps = [["checkout", rev, "--", *present]] if present else []
    if absent:
        steps.append(["rm", "--quiet", "--force", "--ignore-unmatch", "--", *absent])
    return steps


def undo_last(writer: GitWriter, agent: str | None = None) -> UndoResult:
    """Undo the most recent change agentdesk committed (for ``agent``, or for any agent).

    Call with the writer's write lock held (:meth:`GitWriter.undo_last` does). A refusal or a
    git failure returns ``ok=False`` with the exact reason and leaves files and history as they
    were; the message always ends with :data:`BASH_NOTE`.
    """
    rec = _target(writer, agent)
    if rec is None:
        who = f"by {agent}" if agent else "by any agent"
        return UndoResult(
            False, f"Nothing to undo: agentdesk recorded no change {who}. {BASH_NOTE}"
        )
    info = CommitInfo(str(rec["sha"]), str(rec.get("agent", "")), str(rec.get("proposal_id", "")),
                      tuple(str(p) for p in rec.get("paths", [])))  # fmt: skip
    label = f"{info.sha[:10]} by {info.agent} ({info.proposal_id})"
    reason = _unsafe(writer, info)
    if reason:
        return UndoResult(False, f"Cannot undo {label}: {reason}. {BASH_NOTE}")
    paths = list(info.paths)
    head = writer._rev("HEAD") or ""
    parent = f"{info.sha}^"
    touched = False  # once a step succeeded, a failure must put the files back
    try:
        for step in _restore_steps(writer, parent, paths):
            writer._check(step)
            touched = True
        if head == info.sha:
            writer._check(["update-ref", "-m", f"agentdesk: undo {info.sha[:10]}", "HEAD",
                           writer._rev(parent) or "", info.sha])  # fmt: skip
            how, new = "and removed the commit", ""
        else:
            subject = writer._check(["log", "-1", "--format=%s", info.sha]).decode().strip()
            message = (
                f'Undo "{subject}"\n\nAgentdesk-Agent: {info.agent}\nAgentdesk-Undo: {info.sha}'
            )
            commit = ["commit", "--only", "--quiet", "--cleanup=whitespace", "-m", message]
            writer._check([*commit, "--", *paths], env=writer._undo_identity())
            new = writer._rev("HEAD") or ""
            how = f"in a new commit {new[:10]}"
    except GitError as exc:
        if touched:  # the files moved but the commit or HEAD did not: put them back
            with contextlib.suppress(GitError):
                for step in _restore_steps(writer, head, paths):
                    writer._check(step)
        return UndoResult(False, f"Cannot undo {label}: git failed: {exc}. {BASH_NOTE}")
    writer._append_jsonl(COMMITS, {"undo": info.sha, "agent": info.agent,
                                   "proposal_id": info.proposal_id, "revert_sha": new,
                                   "time": time.time()})  # fmt: skip
    return UndoResult(
        True, f"Undid {label}: restored {', '.join(paths)} {how}. {BASH_NOTE}", reverted=info
    )
