"""The mode the person chose survives a relaunch, but not a change to the agent file's mode."""

from __future__ import annotations

from pathlib import Path

from agents.workspace import Workspace
from tests.engine.repo_fixture import agentdesk_env, make_repo

AGENT = "frontend-architect"


def _open(repo: Path, home: Path) -> Workspace:
    return Workspace.open(repo, env=agentdesk_env("http://127.0.0.1:9", home))


def test_person_chosen_mode_is_restored(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    ws = _open(repo, tmp_path / "home")
    assert ws.runtime(AGENT).effective_mode == "default"
    assert ws.cycle_mode(AGENT) == "plan"
    assert _open(repo, tmp_path / "home").runtime(AGENT).effective_mode == "plan"


def test_a_definition_made_stricter_is_not_overridden_by_the_saved_mode(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    ws = _open(repo, tmp_path / "home")
    ws.cycle_mode(AGENT)  # plan
    ws.cycle_mode(AGENT)  # back to default: the saved mode can write
    assert ws.runtime(AGENT).effective_mode == "default"
    path = repo / ".claude" / "agents" / f"{AGENT}.md"
    path.write_text(path.read_text().replace("tools: Read", "permissionMode: plan\ntools: Read"))
    again = _open(repo, tmp_path / "home")
    rt = again.runtime(AGENT)
    assert rt.declared_mode == "plan"
    assert rt.effective_mode == "plan"  # the file now says read-only: it wins
