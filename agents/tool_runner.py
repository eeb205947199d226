"""One tool call, from the model's ``tool_use`` block to the ``tool_result`` sent back.

The order never changes: dedupe by ``tool_use_id`` (a call is never applied twice, THREATS T49),
check the tool is offered, validate the input against its schema, ask the Domain guard and the
policy, then either run a read-only tool, deny with a reason, apply at once (mode or rule), or
queue a proposal and wait for the person. Every outcome becomes an event, a transcript entry, an
audit record and a ledger record before the model sees it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents import policy
from agents.definition import COORDINATION_TOOLS
from agents.events import (
    ProposalApplied,
    ProposalCreated,
    ProposalDecided,
    ProposalFailed,
    ToolAutoApproved,
    ToolCall,
    ToolDenied,
    ToolResult,
)
from agents.proposal import Decision, Proposal
from agents.tool_types import PathDenied, ToolContext, ToolError, ToolOutcome

if TYPE_CHECKING:
    from pydantic import BaseModel

    from agents.applying import ChangeApplier
    from agents.audit import AuditLog
    from agents.decisions import DecisionHub
    from agents.domain import PathGuard
    from agents.ledger import ToolLedger
    from agents.queue import ApprovalQueue
    from agents.runtime import AgentRuntime
    from agents.tools.base import Tool

#: Stands in for the person in headless runs: returns a decision, or None to wait.
AutoDecider = Callable[[Proposal], Decision | None]


@dataclass
class RunnerDeps:
    """What a tool runner needs from the workspace."""

    root: Path
    queue: ApprovalQueue
    ledger: ToolLedger
    audit: AuditLog
    hub: DecisionHub
    applier: ChangeApplier
    rules: policy.RuleBook
    auto_decider: AutoDecider | None = None


class ToolRunner:
    """Handles the tool calls of one agent."""

    def __init__(self, runtime: AgentRuntime, deps: RunnerDeps, guard: PathGuard) -> None:
        self.rt = runtime
        self.deps = deps
        self.ctx = ToolContext(
            root=deps.root,
            guard=guard,
            agent=runtime.name,
            read_hashes={},
            is_dirty=deps.applier.is_dirty,
        )

    def offered(self) -> tuple[str, ...]:
        """The tool names offered to the model in the current mode."""
        return policy.offered_tools(self.rt.definition.effective_tools(), self.rt.effective_mode)

    async def handle(self, block: dict[str, Any]) -> dict[str, Any]:
        """Run one ``tool_use`` block; returns its ``tool_result`` block."""
        tool_use_id = str(block.get("id", ""))
        name = str(block.get("name", ""))
        raw = block.get("input")
        stored = self.deps.ledger.get(self.rt.name, tool_use_id)
        if stored is not None:
            self._settle_queued(tool_use_id, stored)
            return stored
        queued = [p for p in self.deps.queue.pending(self.rt.name) if p.tool_use_id == tool_use_id]
        if queued:  # resumed after a relaunch: the proposal is still waiting for the person
            self.rt.set_state("needs_you", queued[0].summary)
            outcome = await self.await_decision(queued[0])
        else:
            args = raw if isinstance(raw, dict) else {}
            self.rt.emit(ToolCall(self.rt.name, tool_use_id, name, args))
            outcome = await self._outcome(tool_use_id, name, raw)
        result = {
            "type": "tool_result",
            "tool_use_id": tool_use_id,
            "content": outcome.content,
            "is_error": outcome.is_error,
        }
        self.deps.ledger.record(self.rt.name, tool_use_id, result)
        self.rt.emit(ToolResult(self.rt.name, tool_use_id, name, outcome.content, outcome.is_error))
        self.rt.add_entry(
            "tool_result", outcome.content, tool=name, is_error=outcome.is_error, id=tool_use_id
        )
        return result

    def _settle_queued(self, tool_use_id: str, stored: dict[str, Any]) -> None:
        """A crash between an apply and its bookkeeping leaves the proposal live in the queue
        although the ledger settled the call: close it the way the ledger says it ended."""
        queued = self.deps.queue.find(self.rt.name, tool_use_id)
        if queued is None or queued.state not in ("pending", "approved"):
            return
        if stored.get("is_error"):
            self.deps.queue.set_state(queued.id, "failed", "interrupted when agentdesk stopped")
            self.rt.emit(ProposalFailed(self.rt.name, queued.id, "interrupted by a stop"))
        else:
            self.deps.queue.set_state(queued.id, "applied")
            self.rt.emit(ProposalApplied(self.rt.name, queued.id, queued.paths))

    async def _outcome(self, tool_use_id: str, name: str, raw: Any) -> ToolOutcome:
        if name not in self.offered():
            why = f"{name} is not available to {self.rt.name} in mode {self.rt.effective_mode}"
            return self._deny(tool_use_id, name, why)
        from agents.tools import get_tool  # loads pydantic and the tools: not before a frame

        tool = get_tool(name)
        try:
            args = tool.validate(raw)
        except ToolError as exc:
            return self._deny(tool_use_id, name, f"invalid input for {name}: {exc}")
        self.rt.add_entry("tool_call", _describe(name, raw), tool=name, id=tool_use_id)
        if tool.read_only:
            try:
                outcome = await tool.run(self.ctx, args)
            except PathDenied as exc:  # the guard refused: shown as a denial, like writes
                return self._deny(tool_use_id, name, str(exc))
            except ToolError as exc:
                return ToolOutcome(str(exc), is_error=True)
            if not outcome.is_error and self._untrusted(name, args):
                self.ctx.untrusted_read = True
            return outcome
        if name in COORDINATION_TOOLS:  # read-modify-write of PROGRESS.md, one agent at a time
            async with self.deps.applier.coordination_lock:
                return await self._propose(tool, args, tool_use_id)
        return await self._propose(tool, args, tool_use_id)

    async def _propose(self, tool: Tool, args: BaseModel, tool_use_id: str) -> ToolOutcome:
        try:
            # Off the event loop: a diff of a large file can take a noticeable moment.
            proposal = await asyncio.to_thread(
                tool.propose, self.ctx, args, tool_use_id=tool_use_id
            )
        except ToolError as exc:
            return self._deny(tool_use_id, tool.name, str(exc))
        return await self._decide(proposal)

    async def _decide(self, proposal: Proposal) -> ToolOutcome:
        verdict_kind = "shared" if "shared" in proposal.flags else "domain"
        choice = policy.decide(
            mode=self.rt.effective_mode,
            tool=proposal.tool,
            verdict_kind=None if proposal.is_command else verdict_kind,
            flags=proposal.flags,
            command=proposal.command,
            rules=self.deps.rules.for_agent(self.rt.name),
        )
        audit = self.deps.audit
        if choice.action == "deny":
            audit.record(
                agent=self.rt.name,
                action="deny",
                proposal_id=proposal.id,
                tool=proposal.tool,
                paths=proposal.paths,
                rule=choice.rule,
                by="policy",
                reason=choice.reason,
            )
            return self._deny(proposal.tool_use_id, proposal.tool, choice.reason)
        if choice.action == "allow":
            self.rt.emit(ToolAutoApproved(self.rt.name, proposal.id, proposal.tool, choice.rule))
            audit.record(
                agent=self.rt.name,
                action="auto_approve",
                proposal_id=proposal.id,
                tool=proposal.tool,
                paths=proposal.paths,
                rule=choice.rule,
                by="policy",
            )
            self.rt.add_entry("proposal", proposal.summary, proposal_id=proposal.id, auto=True)
            return await self.deps.applier.apply(
                self.rt, proposal, Decision("approve", by="policy")
            )
        return await self._ask(proposal, choice.rule)

    async def _ask(self, proposal: Proposal, rule: str) -> ToolOutcome:
        proposal = self.deps.queue.add(proposal)
        self.rt.add_entry("proposal", proposal.summary, proposal_id=proposal.id, auto=False)
        self.rt.emit(ProposalCreated(self.rt.name, proposal.id, proposal.tool, proposal.summary))
        self.rt.set_state("needs_you", proposal.summary)
        return await self.await_decision(proposal, rule)

    async def await_decision(self, proposal: Proposal, rule: str = "person") -> ToolOutcome:
        """Wait for the person (or the headless stand-in), then apply or reject."""
        decision = self.deps.auto_decider(proposal) if self.deps.auto_decider else None
        if decision is None:
            decision = await self.deps.hub.wait(proposal.id)
        # A re-diff may have replaced the proposal while it waited: apply what the person saw.
        proposal = self.deps.queue.get(proposal.id) or proposal
        self.rt.set_state("working")
        self.rt.emit(ProposalDecided(self.rt.name, proposal.id, decision.action, decision.reason))
        self.deps.audit.record(
            agent=self.rt.name,
            action=decision.action,
            proposal_id=proposal.id,
            tool=proposal.tool,
            paths=proposal.paths,
            rule=rule,
            by=decision.by,
            reason=decision.reason,
        )
        if decision.action == "reject":
            self.deps.queue.set_state(proposal.id, "rejected", decision.reason)
            reason = decision.reason.strip() or "no reason given"
            self.rt.add_entry("decision", f"rejected: {reason}", proposal_id=proposal.id)
            return ToolOutcome(
                f"The person rejected this {proposal.tool} call. Their reason: {reason}",
                is_error=True,
            )
        if "destructive" in proposal.flags and not decision.confirmed_destructive:
            self.deps.queue.set_state(proposal.id, "rejected", "destructive, not confirmed")
            self.rt.emit(ProposalFailed(self.rt.name, proposal.id, "needs a second confirmation"))
            return ToolOutcome(
                "This destructive command was not run: it needs the person's second "
                "confirmation, which was not given.",
                is_error=True,
            )
        if decision.always:
            if proposal.is_command and proposal.command is not None:
                self.deps.rules.allow_command(self.rt.name, proposal.command)
            elif "shared" not in proposal.flags:
                self.deps.rules.allow_edits(self.rt.name)
        self.rt.add_entry("decision", "approved", proposal_id=proposal.id)
        return await self.deps.applier.apply(self.rt, proposal, decision)

    def _untrusted(self, name: str, args: Any) -> bool:
        """Content the agent does not own: a file outside its Domain, or grep output.

        Reading its own files is routine; text from elsewhere may carry instructions (T60), so
        proposals that follow it are marked.
        """
        if name == "Grep":
            return True
        if name != "Read":
            return False
        try:
            rel = self.ctx.guard.normalise(str(getattr(args, "file_path", "")))
        except Exception:
            return True
        return not self.ctx.guard.domain.matches(rel)

    def _deny(self, tool_use_id: str, name: str, reason: str) -> ToolOutcome:
        self.rt.emit(ToolDenied(self.rt.name, tool_use_id, name, reason))
        self.rt.add_entry("denied", reason, tool=name, id=tool_use_id)
        return ToolOutcome(f"Denied: {reason}", is_error=True)


def _describe(name: str, raw: Any) -> str:
    if not isinstance(raw, dict):
        return name
    for key in ("file_path", "command", "pattern", "text", "title"):
        value = raw.get(key)
        if isinstance(value, str):
            return f"{name} {value}"
    return name


def cancel_pending(runner: ToolRunner, reason: str) -> None:
    """Withdraw every pending proposal of this agent (its turn was cancelled)."""
    for proposal in runner.deps.queue.pending(runner.rt.name):
        runner.deps.queue.set_state(proposal.id, "rejected", reason)
        runner.rt.emit(ProposalDecided(runner.rt.name, proposal.id, "reject", reason))
