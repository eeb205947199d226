"""Cancelling while a change is being carried out: what the model is told matches what happened."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from agents.events import Event, ProposalApplied
from agents.proposal import Decision
from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import make_repo
from tests.engine.review_helpers import (
    AGENT,
    EDIT,
    READ,
    assert_valid_conversation,
    one_agent,
    open_ws,
    until,
)


def _result_of(messages: list[dict[str, Any]], tool_use_id: str) -> dict[str, Any]:
    found = [
        b
        for m in messages
        if m["role"] == "user" and isinstance(m["content"], list)
        for b in m["content"]
        if b.get("type") == "tool_result" and b.get("tool_use_id") == tool_use_id
    ]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("git", [False, True])
async def test_cancel_during_a_file_apply_reports_what_was_written(
    tmp_path: Path, git: bool
) -> None:
    repo = make_repo(tmp_path / "repo", with_git=git)
    with ScriptedServer(one_agent({"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "ok"})) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        events: list[Event] = []
        ws.bus.subscribe(events.append)
        await ws.start(watch=False)
        writing = threading.Event()
        real_apply = ws.applier.applier.apply

        def slow_apply(*args: Any) -> Any:  # the write is under way when the person cancels
            writing.set()
            time.sleep(0.4)
            return real_apply(*args)

        ws.applier.applier.apply = slow_apply  # type: ignore[method-assign]
        ws.send(AGENT, "make it NEW")
        await until(lambda: bool(ws.queue.pending(AGENT)))
        proposal = ws.queue.pending(AGENT)[0]
        await ws.decide(proposal.id, Decision("approve"))
        await until(writing.is_set)
        ws.cancel(AGENT)
        rt = ws.runtime(AGENT)
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        await asyncio.sleep(0.6)  # any write still in a thread has landed by now
        await ws.applier.drain()
        written = (repo / "backend" / "app.py").read_text().endswith('return "NEW"\n')
        result = _result_of(rt.session.messages, proposal.tool_use_id)
        applied = [e for e in events if isinstance(e, ProposalApplied)]
        state = ws.queue.get(proposal.id).state  # type: ignore[union-attr]
        if written:  # the model, the events and the queue must all say so
            assert not result["is_error"], result["content"]
            assert [e.proposal_id for e in applied] == [proposal.id]
            assert state == "applied"
        else:
            assert result["is_error"] and not applied and state != "applied"
        assert_valid_conversation(rt.session.messages)
        if git and written:
            from tests.engine.repo_fixture import git as run_git

            assert run_git(repo, "status", "--porcelain", "--", "backend") == ""
        await ws.close()


async def test_a_command_cancelled_while_running_is_not_left_approved(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    sleep = {"tool_use": {"name": "Bash", "input": {"command": "sleep 30", "description": "wait"}}}
    with ScriptedServer(one_agent({"blocks": [sleep]}, {"text": "ok"})) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        ws.send(AGENT, "wait a while")
        await until(lambda: bool(ws.queue.pending(AGENT)))
        proposal = ws.queue.pending(AGENT)[0]
        await ws.decide(proposal.id, Decision("approve"))
        await until(lambda: ws.queue.get(proposal.id).state == "approved")  # type: ignore[union-attr]
        ws.cancel(AGENT)
        rt = ws.runtime(AGENT)
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        after = ws.queue.get(proposal.id)
        assert after is not None and after.state == "failed" and "cancel" in after.reason
        await ws.close()
