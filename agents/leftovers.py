"""What a crash leaves beyond the journals, settled and reported at the next start.

:meth:`agents.apply.Applier.recover` makes every file all-old or all-new. Two things remain for
the person to hear about, and one to finish (THREATS T19, T49):

- :func:`interrupted_calls`: tool calls whose change or command was under way when the process
  died (a ledger marker without a result). Each gets one line saying whether the change is on
  disk in full or not at all (a command may have run partly); the agent is told the same when
  it resumes.
- :func:`commit_leftovers`: changes applied in full whose git commit never happened (the process
  died between the apply and the commit). If every file still holds exactly the bytes the
  agent's change wrote, they are committed now, attributed to the agent as usual; otherwise
  they are left uncommitted and the line says why. Each applied change is checked once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents import journal as jn
from agents.fdwalk import current_sha256
from agents.state_dir import read_jsonl

if TYPE_CHECKING:
    from agents.ledger import ToolLedger
    from agents.vcs import GitWriter

#: The commit summary of a change recovered without its own (older done marks lack one).
RECOVERED_SUMMARY = "change applied before agentdesk stopped"


def _paths(record: dict[str, Any]) -> str:
    paths = [str(p) for p in record.get("paths") or ()]
    return ", ".join(paths) if paths else "its files"


def interrupted_calls(ledger: ToolLedger, state_dir: Path) -> list[tuple[str, str]]:
    """``(agent, line)`` for every call an earlier run left under way, oldest first."""
    done = jn.load_completions(state_dir)
    out: list[tuple[str, str]] = []
    for marker in ledger.interrupted():
        agent = str(marker.get("agent", ""))
        pid = str(marker.get("proposal_id", ""))
        if marker.get("command"):
            line = (
                f"{agent} was running a command (proposal {pid}) when agentdesk stopped; it may "
                "have run partly or fully. Check its effects; the agent is told the same."
            )
        elif pid in done:
            line = (
                f"{agent}'s change to {_paths(marker)} (proposal {pid}) was applied in full "
                "before agentdesk stopped; it will not be applied again."
            )
        else:
            line = (
                f"{agent}'s change to {_paths(marker)} (proposal {pid}) was interrupted before "
                "it was applied; nothing of it was written and the agent is told so."
            )
        out.append((agent, line))
    return out


def _committed_ids(state_dir: Path) -> set[str]:
    from agents.vcs import COMMITS

    records, _bad = read_jsonl(state_dir / COMMITS)
    ids: set[str] = set()
    for rec in records:
        if rec.get("sha"):
            ids.update(str(rec.get("proposal_id", "")).split(","))
    return ids


def commit_leftovers(
    root: Path, state_dir: Path, git: GitWriter | None, commit_mode: str
) -> list[tuple[str, str]]:
    """Commit applied changes that a crash kept from their commit; ``(agent, line)`` each."""
    if git is None or not git.available:
        return []
    committed = _committed_ids(state_dir)
    checked = jn.load_commit_checked(state_dir)
    out: list[tuple[str, str]] = []
    for pid, mark in jn.load_completions(state_dir).items():
        after = mark.get("after")
        if pid in committed or pid in checked or not isinstance(after, dict):
            continue
        outcome, line = _commit_one(root, git, commit_mode, pid, mark, after)
        if outcome != "retry":
            jn.record_commit_checked(state_dir, proposal_id=pid, outcome=outcome)
        if line:
            out.append((str(mark.get("agent", "")), line))
    return out


def _commit_one(
    root: Path,
    git: GitWriter,
    commit_mode: str,
    pid: str,
    mark: dict[str, Any],
    after: dict[str, Any],
) -> tuple[str, str]:
    """``(outcome, line)`` for one uncommitted done mark (``retry``: check it again next start)."""
    if commit_mode == "off":
        return "off", ""
    agent = str(mark.get("agent", ""))
    paths = [str(p) for p in mark.get("paths") or ()]
    try:
        changed = [rel for rel in paths if current_sha256(root, rel) != after.get(rel)]
    except OSError as exc:
        changed = [f"{paths} ({exc})"]
    if changed:
        return "changed", (
            f"{agent}'s change {pid} was applied but not committed before agentdesk stopped, "
            f"and {', '.join(changed)} changed since; it was left uncommitted."
        )
    summary = str(mark.get("summary") or RECOVERED_SUMMARY)
    try:
        info = git.commit_paths(paths, agent=agent, proposal_id=pid, summary=summary)
    except Exception as exc:  # a held lock, a refusing hook: say so; a lock is retried later
        from agents.vcs import GitLockError

        retry = isinstance(exc, GitLockError)
        return ("retry" if retry else "failed"), (
            f"Could not commit {agent}'s change {pid}, applied before agentdesk stopped ({exc}); "
            + ("it stays uncommitted until the next start." if retry else "it stays uncommitted.")
        )
    if not info.committed:
        return "nothing", ""
    return "committed", (
        f"Committed {agent}'s change to {', '.join(info.paths)} (proposal {pid}), applied "
        f"before agentdesk stopped but not yet committed: {info.sha[:10]}."
    )
