"""A blocker answered from the shell while the desk is open reaches the agent exactly once.

The shell command is another process: here a second Workspace on the same files, built by the
real ``blockers_cmd.run``, while the first one (the desk) keeps its conversation in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import pytest

from agents.scripted.server import ScriptedServer
from agents.workspace import Workspace
from tests.engine.repo_fixture import agentdesk_env, make_repo
from tests.engine.review_helpers import AGENT, assert_valid_conversation, one_agent, open_ws, until
from tui.commands import blockers_cmd

BLOCKER = {"tool_use": {"name": "RaiseBlocker", "input": {"text": "Which database for users?"}}}
ANSWER = "Postgres-from-the-shell-5d"


def _shell_answer(ws: Workspace) -> None:
    [blocker] = [b for b in ws.blockers() if b.state == "open"]
    args = argparse.Namespace(path=str(ws.root), action="answer", id=blocker.id, text=ANSWER)
    assert blockers_cmd.run(args) == 0


def _env(monkeypatch: pytest.MonkeyPatch, base_url: str, home: Path) -> None:
    for key, value in agentdesk_env(base_url, home).items():
        monkeypatch.setenv(key, value)


def _sent(srv: ScriptedServer) -> str:
    return json.dumps(srv.requests[-1].body["messages"])


async def test_shell_answer_reaches_the_agent_at_its_next_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    steps = ({"blocks": [BLOCKER]}, {"text": "Waiting."}, {"text": "Thanks."}, {"text": "ok"})
    with ScriptedServer(one_agent(*steps)) as srv:
        _env(monkeypatch, srv.base_url, tmp_path / "home")
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        rt = ws.runtime(AGENT)
        assert rt.session is not None
        ws.send(AGENT, "build the users API")
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        ws.reload_progress()
        _shell_answer(ws)  # the desk stays open meanwhile
        ws.send(AGENT, "carry on-0c")
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        sent = _sent(srv)
        assert sent.count(ANSWER) == 1
        assert sent.index(ANSWER) < sent.index("carry on-0c")
        assert_valid_conversation(rt.session.messages)
        await ws.close()

        again = open_ws(repo, srv, tmp_path / "home")
        await again.start(watch=False)
        rt = again.runtime(AGENT)
        assert rt.session is not None
        assert_valid_conversation(rt.session.messages)
        again.send(AGENT, "one more")
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        assert _sent(srv).count(ANSWER) == 1
        await again.close()


async def test_shell_answer_wakes_an_idle_agent_in_the_open_desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    steps = ({"blocks": [BLOCKER]}, {"text": "Waiting."}, {"text": "Thanks."})
    with ScriptedServer(one_agent(*steps)) as srv:
        _env(monkeypatch, srv.base_url, tmp_path / "home")
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=True)
        rt = ws.runtime(AGENT)
        assert rt.session is not None
        ws.send(AGENT, "build the users API")
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        ws.reload_progress()
        _shell_answer(ws)
        await until(lambda: len(srv.requests) == 3, timeout=10)
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        assert _sent(srv).count(ANSWER) == 1
        assert_valid_conversation(rt.session.messages)
        await ws.close()
