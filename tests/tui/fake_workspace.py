"""A small in-memory stand-in for ``agents.workspace.Workspace``, with the same surface.

It records every call the desk makes (``calls``) and lets a test drive the desk by emitting
engine events on ``bus``. Nothing here touches the network or imports ``anthropic``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agents.definition import AgentDefinition, AgentLoadError
from agents.domain import Domain
from agents.events import (
    BlockerAnswered,
    EventBus,
    ProposalApplied,
    ProposalCreated,
    ProposalDecided,
    StateChanged,
)
from agents.proposal import Decision, FileChange, Proposal


@dataclass
class FakeEntry:
    kind: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeRuntime:
    definition: AgentDefinition
    model_id: str = "claude-sonnet-4-5"
    declared_mode: str = "default"
    effective_mode: str = "default"
    state: str = "idle"
    state_detail: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    entries: list[FakeEntry] = field(default_factory=list)
    streaming_text: str = ""
    retry_deadline: float | None = None


@dataclass(frozen=True)
class FakeBlocker:
    id: str
    agent: str | None
    text: str
    state: str = "open"
    answer: str | None = None
    line: int = 0


@dataclass(frozen=True)
class FakeItem:
    agent: str | None
    done: bool
    text: str
    timestamp: str | None = None
    notes: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class FakePhase:
    title: str
    items: tuple[FakeItem, ...]
    line: int = 0


@dataclass(frozen=True)
class FakeSection:
    title: str
    body: str = ""
    line: int = 0


@dataclass(frozen=True)
class FakeDoc:
    phases: tuple[FakePhase, ...] = ()
    blockers: tuple[FakeBlocker, ...] = ()
    sections: tuple[FakeSection, ...] = ()
    warnings: tuple[str, ...] = ()
    exists: bool = True
    text: str = ""


class FakeProgress:
    def __init__(self, doc: FakeDoc) -> None:
        self.current = doc


class FakeQueue:
    def __init__(self) -> None:
        self.items: list[Proposal] = []

    def pending(self, agent: str | None = None) -> list[Proposal]:
        return [
            p
            for p in self.items
            if p.state in ("pending", "stale") and (agent is None or p.agent == agent)
        ]

    def oldest_pending(self) -> Proposal | None:
        pending = self.pending()
        return pending[0] if pending else None

    def get(self, proposal_id: str) -> Proposal | None:
        for p in self.items:
            if p.id == proposal_id:
                return p
        return None


@dataclass
class FakeUserConfig:
    theme: str | None = None
    bell: bool = False
    keymap: dict[str, str] = field(default_factory=dict)


def make_definition(
    name: str, domain: Sequence[str] = (), *, color: str | None = None, mode: str | None = None
) -> AgentDefinition:
    return AgentDefinition(
        name=name,
        description=f"{name} agent",
        path=Path(f".claude/agents/{name}.md"),
        source="project",
        body="",
        model="sonnet",
        permission_mode=mode,
        color=color,
        domain=tuple(domain),
    )


class FakeWorkspace:
    """Implements the façade the desk uses; records calls in ``calls``."""

    def __init__(
        self,
        root: Path,
        runtimes: list[FakeRuntime],
        *,
        doc: FakeDoc | None = None,
        has_credentials: bool = True,
        errors: Sequence[AgentLoadError] = (),
        warnings: Sequence[str] = (),
        user_config: FakeUserConfig | None = None,
        status: Mapping[str, str] | None = None,
    ) -> None:
        self.root = root
        self.bus = EventBus()
        self.runtimes = runtimes
        self.errors = list(errors)
        self.skipped: list[tuple[Path, str]] = []
        self.warnings = list(warnings)
        self.queue = FakeQueue()
        self.progress = FakeProgress(doc or FakeDoc(exists=False))
        self.user_config = user_config or FakeUserConfig()
        self.has_credentials = has_credentials
        self.calls: list[tuple[Any, ...]] = []
        self.started = False
        self.closed = False
        self.status = dict(status or {})
        self.rediff_result: Proposal | None = None
        self.stale: dict[str, list[str]] = {}

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.closed = True

    def runtime(self, name: str) -> FakeRuntime:
        for rt in self.runtimes:
            if rt.definition.name == name:
                return rt
        raise KeyError(name)

    def send(self, agent: str, text: str) -> None:
        self.calls.append(("send", agent, text))
        rt = self.runtime(agent)
        rt.entries.append(FakeEntry("user", text))
        rt.state = "working"
        self.bus.emit(StateChanged(agent, "working"))

    def cancel(self, agent: str) -> None:
        self.calls.append(("cancel", agent))

    async def decide(self, proposal_id: str, decision: Decision) -> None:
        self.calls.append(("decide", proposal_id, decision))
        proposal = self.queue.get(proposal_id)
        if proposal is None:
            return
        proposal.state = "applied" if decision.action == "approve" else "rejected"
        self.bus.emit(
            ProposalDecided(proposal.agent, proposal_id, decision.action, decision.reason)
        )
        if decision.action == "approve":
            self.bus.emit(ProposalApplied(proposal.agent, proposal_id, proposal.paths))

    async def rediff(self, proposal_id: str) -> Proposal | None:
        self.calls.append(("rediff", proposal_id))
        fresh = self.rediff_result
        if fresh is not None:
            self.stale.pop(proposal_id, None)
            self.queue.items = [fresh if p.id == proposal_id else p for p in self.queue.items]
        return fresh

    def stale_paths(self, proposal_id: str) -> list[str]:
        return list(self.stale.get(proposal_id, []))

    def cycle_mode(self, agent: str) -> str:
        self.calls.append(("cycle_mode", agent))
        rt = self.runtime(agent)
        order = ["default", "acceptEdits", "plan"]
        rt.effective_mode = order[(order.index(rt.effective_mode) + 1) % 3]
        return rt.effective_mode

    async def answer_blocker(self, blocker_id: str, answer: str) -> None:
        self.calls.append(("answer_blocker", blocker_id, answer))
        doc = self.progress.current
        blockers = tuple(
            replace(b, state="answered", answer=answer) if b.id == blocker_id else b
            for b in doc.blockers
        )
        self.progress.current = replace(doc, blockers=blockers)
        agent = next((b.agent for b in blockers if b.id == blocker_id), "") or ""
        self.bus.emit(BlockerAnswered(agent, blocker_id, answer))

    def blockers(self) -> list[FakeBlocker]:
        return list(self.progress.current.blockers)

    def file_status(self) -> dict[str, str]:
        return dict(self.status)

    def domain_for(self, agent: str) -> Domain:
        return Domain(self.runtime(agent).definition.domain)

    # -- helpers for tests -------------------------------------------------------------------

    def add_proposal(self, proposal: Proposal, *, emit: bool = True) -> Proposal:
        self.queue.items.append(proposal)
        rt = self.runtime(proposal.agent)
        rt.entries.append(FakeEntry("proposal", proposal.summary, {"proposal_id": proposal.id}))
        rt.state = "needs_you"
        if emit:
            self.bus.emit(StateChanged(proposal.agent, "needs_you"))
            self.bus.emit(
                ProposalCreated(proposal.agent, proposal.id, proposal.tool, proposal.summary)
            )
        return proposal


def edit_proposal(
    agent: str,
    rel: str,
    before: str,
    after: str,
    *,
    flags: tuple[str, ...] = (),
    pid: str = "p-0000000001",
    created_at: float = 1_700_000_000.0,
) -> Proposal:
    from agents.diffs import unified_diff

    return Proposal(
        agent=agent,
        tool="Edit",
        tool_use_id="tu-" + pid,
        input={"file_path": rel},
        summary=f"Edit {rel}",
        changes=[
            FileChange(
                rel=rel,
                before_sha256="0" * 64,
                after=after.encode(),
                before_text=before,
                after_text=after,
            )
        ],
        diff=unified_diff(rel, before, after),
        flags=flags,
        id=pid,
        created_at=created_at,
    )


def command_proposal(
    agent: str,
    command: str,
    *,
    flags: tuple[str, ...] = (),
    pid: str = "p-0000000002",
    created_at: float = 1_700_000_001.0,
) -> Proposal:
    return Proposal(
        agent=agent,
        tool="Bash",
        tool_use_id="tu-" + pid,
        input={"command": command},
        summary=f"Bash: {command.splitlines()[0] if command else ''}",
        command=command,
        flags=flags,
        id=pid,
        created_at=created_at,
    )
