"""Carrying out an approved proposal: write the files or run the command, then commit.

:class:`ChangeApplier` is shared by every agent of a workspace. File changes go through
:class:`agents.apply.Applier` (guard re-check, compare-and-swap, journal) on a worker thread;
commands through :func:`agents.tools.bash.run_command`. The git commit runs on the single git
writer thread and never delays the result: the file is on disk and the pane updated first, the
``Committed`` event follows.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.events import AgentError, Committed, ProposalApplied, ProposalFailed
from agents.proposal import Decision, Proposal
from agents.tool_types import ToolOutcome

if TYPE_CHECKING:
    from agents.apply import Applier
    from agents.domain import PathGuard
    from agents.ledger import ToolLedger
    from agents.queue import ApprovalQueue
    from agents.runtime import AgentRuntime
    from agents.vcs import GitWriter


class ChangeApplier:
    """Applies approved proposals for every agent of one workspace."""

    def __init__(
        self,
        root: Path,
        applier: Applier,
        queue: ApprovalQueue,
        ledger: ToolLedger,
        guards: dict[str, PathGuard],
        git: GitWriter | None,
        commit_mode: str = "proposal",
    ) -> None:
        self.root = root
        self.applier = applier
        self.queue = queue
        self.ledger = ledger
        self.guards = guards
        self.git = git
        self.commit_mode = commit_mode
        self._turn_paths: dict[str, list[tuple[str, str]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        #: Held by a coordination tool from reading PROGRESS.md to writing it, so two agents'
        #: simultaneous updates do not make the second one stale.
        self.coordination_lock = asyncio.Lock()
        #: Called after every successful file apply (the workspace tracks PROGRESS.md with it).
        self.on_applied: Callable[[AgentRuntime, Proposal], None] | None = None

    def is_dirty(self, rel: str) -> bool:
        """True when the person has uncommitted changes to ``rel`` (False without git)."""
        if self.git is None or not self.git.available:
            return False
        try:
            return self.git.is_dirty(rel)
        except Exception:  # a git hiccup must not stop a proposal; the flag is advisory
            return False

    async def apply(self, rt: AgentRuntime, proposal: Proposal, decision: Decision) -> ToolOutcome:
        """Carry out ``proposal``; returns the tool result the model will see."""
        self.ledger.mark_applying(
            rt.name,
            proposal.tool_use_id,
            proposal.id,
            paths=proposal.paths,
            command=proposal.is_command,
            result=None
            if proposal.is_command
            else {
                "type": "tool_result",
                "tool_use_id": proposal.tool_use_id,
                "content": _applied_message(proposal, decision, proposal.paths),
                "is_error": False,
            },
        )
        if proposal.is_command and proposal.command is not None:
            return await self._run_command(rt, proposal)
        # A write runs in a thread and cannot be stopped half-way: a cancel (or quit) waits for
        # it, so the model's result, the events and the queue all say what really happened.
        task = asyncio.ensure_future(self._write(rt, proposal, decision))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            while not task.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.shield(task)
            outcome = task.result()
            self.ledger.record(
                rt.name,
                proposal.tool_use_id,
                {
                    "type": "tool_result",
                    "tool_use_id": proposal.tool_use_id,
                    "content": outcome.content,
                    "is_error": outcome.is_error,
                },
            )
            raise

    async def _run_command(self, rt: AgentRuntime, proposal: Proposal) -> ToolOutcome:
        from agents.tools.bash import run_command, timeout_seconds

        timeout_s = timeout_seconds(proposal.input)
        self._mark(proposal.id, "approved")
        try:
            outcome = await run_command(proposal.command or "", cwd=self.root, timeout_s=timeout_s)
        except asyncio.CancelledError:
            self._mark(proposal.id, "failed", "cancelled while running")
            raise
        self._mark(proposal.id, "applied")
        rt.emit(ProposalApplied(rt.name, proposal.id, ()))
        return outcome

    async def _write(self, rt: AgentRuntime, proposal: Proposal, decision: Decision) -> ToolOutcome:
        from agents.apply import ApplyError

        guard = self.guards[rt.name]
        if "dirty" in proposal.flags and self.git is not None and self.git.available:
            for rel in proposal.paths:
                await asyncio.to_thread(self._snapshot, rel)
        try:
            result = await asyncio.to_thread(self.applier.apply, proposal, decision, guard)
        except ApplyError as exc:
            state = "stale" if exc.stale else "failed"
            self._mark(proposal.id, state, exc.reason)
            rt.emit(ProposalFailed(rt.name, proposal.id, exc.reason, stale=exc.stale))
            rt.add_entry("error", exc.reason, proposal_id=proposal.id)
            hint = " Read the file again and propose the change against its current content."
            return ToolOutcome(f"Not applied: {exc.reason}.{hint if exc.stale else ''}", True)
        self._mark(proposal.id, "applied")
        rt.emit(ProposalApplied(rt.name, proposal.id, result.paths))
        if self.on_applied is not None:
            with contextlib.suppress(Exception):  # bookkeeping must not fail an applied change
                self.on_applied(rt, proposal)
        self._commit(rt, proposal, result.paths)
        return ToolOutcome(_applied_message(proposal, decision, result.paths))

    def _mark(self, proposal_id: str, state: str, reason: str = "") -> None:
        """Record the state of a queued proposal (auto-approved ones were never queued)."""
        if self.queue.get(proposal_id) is not None:
            self.queue.set_state(proposal_id, state, reason)

    def _snapshot(self, rel: str) -> None:
        assert self.git is not None
        with contextlib.suppress(Exception):  # best effort: the dirty flag already warned
            self.git.snapshot_dirty(rel)

    def _commit(self, rt: AgentRuntime, proposal: Proposal, paths: tuple[str, ...]) -> None:
        if self.git is None or not self.git.available or self.commit_mode == "off" or not paths:
            return
        if self.commit_mode == "turn":
            bucket = self._turn_paths.setdefault(rt.name, [])
            bucket.extend((p, proposal.id) for p in paths)
            return
        self._spawn(self._commit_now(rt, list(paths), proposal.id, proposal.summary))

    def end_turn(self, rt: AgentRuntime) -> None:
        """Commit mode ``turn``: commit everything this agent applied during the turn."""
        bucket = self._turn_paths.pop(rt.name, [])
        if not bucket:
            return
        paths = sorted({p for p, _ in bucket})
        ids = sorted({i for _, i in bucket})
        self._spawn(self._commit_now(rt, paths, ",".join(ids), f"{len(ids)} approved changes"))

    async def _commit_now(
        self, rt: AgentRuntime, paths: list[str], proposal_id: str, summary: str
    ) -> None:
        assert self.git is not None
        try:
            info = await asyncio.wrap_future(
                self.git.submit(
                    lambda: self.git.commit_paths(  # type: ignore[union-attr]
                        paths, agent=rt.name, proposal_id=proposal_id, summary=summary
                    )
                )
            )
        except Exception as exc:
            rt.add_entry("error", f"git commit failed: {exc}", proposal_id=proposal_id)
            # The change is on disk: an error about the commit, not a failed proposal.
            rt.emit(
                AgentError(rt.name, f"{proposal_id} was applied, but its git commit failed: {exc}")
            )
            return
        for rel, why in info.skipped:
            rt.add_entry("notice", f"not committed: {rel} ({why})", proposal_id=proposal_id)
        if info.committed:
            rt.emit(Committed(rt.name, proposal_id, info.sha, tuple(paths)))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for every background commit (headless runs, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _applied_message(proposal: Proposal, decision: Decision, paths: tuple[str, ...]) -> str:
    what = ", ".join(paths)
    if decision.edited:
        return (
            f"Applied with the person's edits: {what}. The file now holds their version; "
            "read it before changing it again."
        )
    if decision.hunks:
        return (
            f"Applied only some hunks of your change to {what}, as the person chose. "
            "Read the file to see what it holds now."
        )
    return f"Applied: {proposal.summary}"
