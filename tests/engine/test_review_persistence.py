"""Persistence across quit and relaunch: what the person typed is never lost or sent twice, and a
relaunch resumes only agents that were interrupted mid-task, not ones the person stopped."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

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

BLOCKER = {"tool_use": {"name": "RaiseBlocker", "input": {"text": "Which database for users?"}}}
ANSWER = "Use Postgres-7d1c"


async def test_blocker_answer_sent_while_a_proposal_waits_survives_a_quit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    scenario = one_agent(
        {"blocks": [BLOCKER]}, {"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "ok"}
    )
    with ScriptedServer(scenario) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        ws.send(AGENT, "build the users API")
        await until(lambda: bool(ws.queue.pending(AGENT)))
        pending_id = ws.queue.pending(AGENT)[0].id
        [blocker] = [b for b in ws.blockers() if b.state == "open"]
        await ws.answer_blocker(blocker.id, ANSWER)  # the agent is busy: the answer is queued
        await ws.close()  # the person quits before deciding the edit

        again = open_ws(repo, srv, tmp_path / "home")
        await again.start(watch=False)
        await again.decide(pending_id, Decision("approve"))
        rt = again.runtime(AGENT)
        assert rt.session is not None
        await until(lambda: len(srv.requests) >= 4)
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        sent = json.dumps(srv.requests[-1].body["messages"])
        assert sent.count(ANSWER) == 1
        assert_valid_conversation(rt.session.messages)
        await again.close()


async def test_text_sent_while_running_is_kept_across_a_quit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    with ScriptedServer(one_agent({"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "ok"})) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        ws.send(AGENT, "make it NEW")
        await until(lambda: bool(ws.queue.pending(AGENT)))
        ws.send(AGENT, "and keep the docstring-5e2a")
        await ws.close()

        again = open_ws(repo, srv, tmp_path / "home")
        await again.start(watch=False)
        await again.decide(again.queue.pending(AGENT)[0].id, Decision("approve"))
        rt = again.runtime(AGENT)
        assert rt.session is not None
        await until(lambda: len(srv.requests) >= 3)
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        sent = json.dumps(srv.requests[-1].body["messages"])
        assert sent.count("keep the docstring-5e2a") == 1
        assert_valid_conversation(rt.session.messages)
        await again.close()


async def test_an_agent_the_person_cancelled_is_not_restarted_by_a_relaunch(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    with ScriptedServer(one_agent({"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "ok"})) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        ws.send(AGENT, "make it NEW")
        await until(lambda: bool(ws.queue.pending(AGENT)))
        ws.send(AGENT, "and add a docstring-91f0")  # queued while busy, then the person cancels
        ws.cancel(AGENT)
        rt = ws.runtime(AGENT)
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        await ws.close()
        calls = len(srv.requests)

        again = open_ws(repo, srv, tmp_path / "home")
        await again.start(watch=False)
        rt = again.runtime(AGENT)
        assert rt.session is not None
        await asyncio.sleep(0.5)
        assert not rt.session.running
        assert len(srv.requests) == calls  # no model call the person did not ask for
        assert again.queue.pending() == []
        # The next message carries on, with the queued text in order before it.
        again.send(AGENT, "go on-33aa")
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        sent = json.dumps(srv.requests[-1].body["messages"])
        assert sent.count("docstring-91f0") == 1
        assert sent.index("docstring-91f0") < sent.index("go on-33aa")
        assert_valid_conversation(rt.session.messages)
        await again.close()


async def test_an_agent_stopped_by_an_error_waits_for_the_person_after_a_relaunch(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    scenario = one_agent({"text": "hi", "fault": {"kind": "r401", "times": 1}})
    with ScriptedServer(scenario) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        ws.send(AGENT, "go")
        rt = ws.runtime(AGENT)
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        assert rt.state == "error"
        await ws.close()

        again = open_ws(repo, srv, tmp_path / "home")
        await again.start(watch=False)
        await asyncio.sleep(0.5)
        assert len(srv.requests) == 1
        rt = again.runtime(AGENT)
        assert rt.session is not None and not rt.session.running
        again.send(AGENT, "the key is fixed, try again")
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        assert rt.state == "idle" and len(srv.requests) == 2
        assert_valid_conversation(rt.session.messages)
        await again.close()


async def test_a_proposal_applied_just_before_a_crash_leaves_the_queue(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    with ScriptedServer(one_agent({"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "ok"})) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        ws.send(AGENT, "make it NEW")
        await until(lambda: bool(ws.queue.pending(AGENT)))
        proposal = ws.queue.pending(AGENT)[0]
        await ws.close()
        # A later run approved it and died after the write, before its bookkeeping.
        crashed = open_ws(repo, srv, tmp_path / "home")
        crashed.ledger.mark_applying(AGENT, proposal.tool_use_id, proposal.id, paths=proposal.paths)
        crashed.applier.applier.apply(proposal, Decision("approve"), crashed.guards[AGENT])
        del crashed

        again = open_ws(repo, srv, tmp_path / "home")
        await again.start(watch=False)
        rt = again.runtime(AGENT)
        assert rt.session is not None
        await until(lambda: len(srv.requests) >= 3)
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        assert (repo / "backend" / "app.py").read_text().endswith('return "NEW"\n')
        assert again.queue.pending() == []  # no ghost waiting for a decision that means nothing
        assert again.queue.get(proposal.id).state == "applied"  # type: ignore[union-attr]
        assert rt.state in ("idle", "done")
        assert_valid_conversation(rt.session.messages)
        await again.close()
