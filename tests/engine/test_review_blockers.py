"""Answering a blocker: the answer reaches its agent exactly once; the shell gets clear errors."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import pytest

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import make_repo
from tests.engine.review_helpers import AGENT, one_agent, open_ws
from tui.commands import blockers_cmd

LINE = "- @backend-architect: which database should users live in?\n"


def _repo_with_blocker(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo", with_git=False)
    with (repo / "PROGRESS.md").open("a") as fh:
        fh.write(LINE)
    return repo


def _answer(repo: Path, blocker_id: str, text: str) -> int:
    args = argparse.Namespace(path=str(repo), action="answer", id=blocker_id, text=text)
    return blockers_cmd.run(args)


def _env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)


def test_answering_twice_from_the_shell_delivers_the_answer_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path / "home")
    repo = _repo_with_blocker(tmp_path)
    from agents.workspace import Workspace

    ws = Workspace.open(repo)
    [blocker] = ws.blocker_book.sync(ws.progress.load())
    assert _answer(repo, blocker.id, "Postgres-41") == 0
    progress = (repo / "PROGRESS.md").read_bytes()
    assert _answer(repo, blocker.id, "Postgres-41") == 1  # e.g. the same line from the history
    err = capsys.readouterr().err
    assert "already resolved" in err and "Traceback" not in err
    assert (repo / "PROGRESS.md").read_bytes() == progress
    session_dir = repo / ".agentdesk" / "sessions" / AGENT
    waiting = "".join(p.read_text() for p in session_dir.rglob("*") if p.is_file())
    assert waiting.count("Postgres-41") == 1


def test_blockers_command_reports_a_broken_config_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path / "home")
    repo = _repo_with_blocker(tmp_path)
    (repo / "agentdesk.yaml").write_text("ceiling: [\n")
    args = argparse.Namespace(path=str(repo), action=None)
    assert blockers_cmd.run(args) == 2
    assert _answer(repo, "b-any", "x") == 2
    err = capsys.readouterr().err
    assert "agentdesk.yaml" in err and err.startswith("agentdesk blockers: ")


async def test_two_answers_racing_reach_the_agent_once(tmp_path: Path) -> None:
    repo = _repo_with_blocker(tmp_path)
    with ScriptedServer(one_agent({"text": "Thanks."})) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        [blocker] = ws.blockers()
        got = await asyncio.gather(
            ws.answer_blocker(blocker.id, "Use Postgres-77"),
            ws.answer_blocker(blocker.id, "Use Postgres-77"),
            return_exceptions=True,
        )
        assert sum(1 for g in got if isinstance(g, Exception)) == 1
        rt = ws.runtime(AGENT)
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        assert json.dumps(srv.requests[-1].body["messages"]).count("Use Postgres-77") == 1
        assert (repo / "PROGRESS.md").read_text().count("Use Postgres-77") == 1
        await ws.close()


def test_blockers_list_shows_the_open_blockers_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path / "home")
    repo = _repo_with_blocker(tmp_path)
    assert blockers_cmd.run(argparse.Namespace(path=str(repo), action="list")) == 0
    out = capsys.readouterr().out
    assert "@backend-architect: which database should users live in? [open]" in out
    assert "no open blockers" not in out
