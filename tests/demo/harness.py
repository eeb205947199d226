"""Drive the demo headlessly: the real engine, the bundled scenario at full speed, and a
stand-in for the person that decides each proposal by agent and tool."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agents.demo import DemoWorkspace, demo_env, load_demo_scenario, prepare_demo
from agents.events import Event
from agents.proposal import Decision, Proposal
from agents.scripted.server import RecordedRequest, ScriptedServer

#: (agent, tool) -> rejection reason; anything not listed is approved.
Rejections = dict[tuple[str, str], str]


@dataclass
class DemoRun:
    """What a headless demo run left behind."""

    root: Path
    events: list[Event] = field(default_factory=list)
    decided: list[tuple[Proposal, Decision]] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)

    def of(self, kind: type[Event], agent: str | None = None) -> list[Event]:
        """The events of one type (of one agent)."""
        return [
            e for e in self.events if isinstance(e, kind) and (agent is None or e.agent == agent)
        ]

    def git(self, *args: str) -> str:
        """Run git in the demo repository."""
        done = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=True
        )
        return done.stdout


def decider(
    rejections: Rejections, log: list[tuple[Proposal, Decision]]
) -> Callable[[Proposal], Decision]:
    """Approve everything except the (agent, tool) pairs in ``rejections``, once each."""
    left = dict(rejections)

    def decide(proposal: Proposal) -> Decision:
        reason = left.pop((proposal.agent, proposal.tool), None)
        decision = Decision("approve") if reason is None else Decision("reject", reason=reason)
        log.append((proposal, decision))
        return decision

    return decide


async def _finished(ws: DemoWorkspace, agent: str) -> None:
    session = ws.runtime(agent).session
    assert session is not None
    await asyncio.sleep(0)
    await asyncio.wait_for(session.finished.wait(), timeout=30)


async def run_demo(
    tmp_path: Path,
    *,
    rejections: Rejections | None = None,
    answer: str | None = "SQLite for now",
    delivery_task: str | None = None,
) -> DemoRun:
    """Create a demo, start it, let both agents finish, answer the blocker, optionally give
    the delivery lead a task; the person is :func:`decider`."""
    root = tmp_path / "shop"
    prepare_demo(root)
    run = DemoRun(root)
    env = demo_env("http://127.0.0.1:1")
    with ScriptedServer(load_demo_scenario(0)) as server:
        env["ANTHROPIC_BASE_URL"] = server.base_url
        ws = DemoWorkspace.open(root, env=env)
        ws.bus.subscribe(run.events.append)
        ws.set_auto_decider(decider(rejections or {}, run.decided))
        try:
            await ws.start(watch=False)
            await _finished(ws, "backend-architect")
            await _finished(ws, "frontend-architect")
            if answer is not None:
                open_ = [b for b in ws.blockers() if b.state == "open"]
                assert len(open_) == 1, open_
                await ws.answer_blocker(open_[0].id, answer)
                await _finished(ws, "backend-architect")
            if delivery_task is not None:
                ws.send("delivery-lead", delivery_task)
                await _finished(ws, "delivery-lead")
        finally:
            await ws.close()
        run.requests = server.requests
        for rt in ws.runtimes:
            run.texts[rt.name] = [e.text for e in rt.entries if e.kind == "assistant"]
    return run
