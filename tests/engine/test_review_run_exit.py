"""`agentdesk run` exit status: 0 only when the agent finished its task (in process, real SDK)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import agentdesk_env, make_repo
from tui.commands import run_cmd

LIMITED = """---
name: limited
description: Reads the backend, with a short leash.
tools: Read, Grep
maxTurns: 1
---

Read what you are asked to.

## Your Domain

```
backend/
```
"""
READ = {"tool_use": {"name": "Read", "input": {"file_path": "backend/app.py"}}}


def _run(repo: Path, monkeypatch: pytest.MonkeyPatch, base_url: str, home: Path) -> int:
    for key, value in agentdesk_env(base_url, home).items():
        monkeypatch.setenv(key, value)
    args = argparse.Namespace(
        agent="limited", path=str(repo), prompt="read the app", approve="none", json=True
    )
    return run_cmd.run(args)


def test_run_stopped_by_max_turns_is_not_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    (repo / ".claude" / "agents" / "limited.md").write_text(LIMITED)
    scenario = {"agents": {"limited": {"steps": [{"blocks": [READ]}, {"text": "Done."}]}}}
    with ScriptedServer(scenario) as srv:
        code = _run(repo, monkeypatch, srv.base_url, tmp_path / "home")
        assert len(srv.requests) == 1
    err = capsys.readouterr().err
    assert code == 1
    assert "maxTurns" in err


def test_run_that_finishes_within_max_turns_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    (repo / ".claude" / "agents" / "limited.md").write_text(LIMITED)
    scenario = {"agents": {"limited": {"steps": [{"text": "Nothing to do."}]}}}
    with ScriptedServer(scenario) as srv:
        code = _run(repo, monkeypatch, srv.base_url, tmp_path / "home")
    assert code == 0, capsys.readouterr().err
