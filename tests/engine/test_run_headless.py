"""`agentdesk run` end to end: the real SDK over HTTP against the scripted server on loopback.

The task reads, edits inside the Domain, is refused outside it, runs a command and raises a
blocker; approved changes become attributed commits of exactly their files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import agentdesk_env, git, make_repo, run_agentdesk

SCENARIO = {
    "agents": {
        "backend-architect": {
            "steps": [
                {
                    "blocks": [
                        {"text": "Reading the app."},
                        {"tool_use": {"name": "Read", "input": {"file_path": "backend/app.py"}}},
                    ]
                },
                {
                    "blocks": [
                        {
                            "tool_use": {
                                "name": "Edit",
                                "input": {
                                    "file_path": "backend/app.py",
                                    "old_string": '"OLD"',
                                    "new_string": '"NEW"',
                                },
                            }
                        }
                    ]
                },
                {
                    "blocks": [
                        {
                            "tool_use": {
                                "name": "Write",
                                "input": {"file_path": "frontend/evil.tsx", "content": "x"},
                            }
                        }
                    ]
                },
                {
                    "blocks": [
                        {
                            "tool_use": {
                                "name": "Bash",
                                "input": {
                                    "command": "echo ran > backend/ran.txt && env",
                                    "description": "probe",
                                },
                            }
                        }
                    ]
                },
                {
                    "blocks": [
                        {
                            "tool_use": {
                                "name": "RaiseBlocker",
                                "input": {"text": "Need OAuth client credentials from the person"},
                            }
                        }
                    ]
                },
                {"text": "Done: users() returns NEW."},
            ]
        }
    }
}


@pytest.fixture
def server() -> ScriptedServer:
    with ScriptedServer(SCENARIO) as srv:
        yield srv


def test_run_completes_the_task_headless(tmp_path: Path, server: ScriptedServer) -> None:
    repo = make_repo(tmp_path / "repo")
    env = agentdesk_env(server.base_url, tmp_path / "home")
    out = run_agentdesk(
        [
            "run",
            "backend-architect",
            str(repo),
            "--prompt",
            "Make users() return NEW",
            "--approve",
            "all",
            "--json",
        ],
        env,
    )
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    types = [e["type"] for e in events]
    # Read, then an in-Domain edit applied.
    assert (repo / "backend" / "app.py").read_text() == 'def users():\n    return "NEW"\n'
    # Outside the Domain: refused at the tool call, nothing written.
    denied = [e for e in events if e["type"] == "tool_denied"]
    assert denied and "frontend/evil.tsx" in denied[0]["reason"]
    assert not (repo / "frontend" / "evil.tsx").exists()
    # The command ran, with the key scrubbed from its environment.
    assert (repo / "backend" / "ran.txt").read_text() == "ran\n"
    results = [e for e in events if e["type"] == "tool_result" and e["tool"] == "Bash"]
    assert results and "sk-ant-canary" not in results[0]["content"]
    # The blocker is in PROGRESS.md under ## Blockers, attributed.
    progress = (repo / "PROGRESS.md").read_text()
    assert "@backend-architect" in progress.split("## Blockers", 1)[1]
    assert "Need OAuth client credentials" in progress
    assert "turn_ended" in types and "proposal_applied" in types
    # Each applied change is its own commit, authored by the agent, with trailers.
    log = git(repo, "log", "--format=%an|%s", "-n", "10")
    assert "backend-architect|" in log
    body = git(repo, "log", "-n", "20", "--format=%B")
    assert "Agentdesk-Agent: backend-architect" in body
    # The commit of the edit holds exactly backend/app.py.
    sha = next(
        line.split()[0]
        for line in git(repo, "log", "--format=%H %s", "-n", "10").splitlines()
        if "Edit" in line or "app.py" in line
    )
    files = git(repo, "show", "--name-only", "--format=", sha).split()
    assert files == ["backend/app.py"]
    # Nothing secret went anywhere: transcript and state files, and the recorded requests.
    for path in (repo / ".agentdesk").rglob("*"):
        if path.is_file():
            assert b"sk-ant-canary" not in path.read_bytes(), path
    assert git(repo, "status", "--porcelain", "--", ".agentdesk") == ""


def test_run_approve_none_rejects_and_reports(tmp_path: Path, server: ScriptedServer) -> None:
    repo = make_repo(tmp_path / "repo")
    env = agentdesk_env(server.base_url, tmp_path / "home")
    out = run_agentdesk(
        ["run", "backend-architect", str(repo), "--prompt", "go", "--approve", "none", "--json"],
        env,
    )
    # acceptEdits is capped by the default ceiling, so the edit asks and is rejected.
    assert out.returncode == 0, out.stderr
    assert (repo / "backend" / "app.py").read_text() == 'def users():\n    return "OLD"\n'
    assert not (repo / "backend" / "ran.txt").exists()
    decided = [json.loads(x) for x in out.stdout.splitlines() if '"proposal_decided"' in x]
    assert decided and all(d["decision"] == "reject" for d in decided)


def test_run_unknown_agent_and_no_key(tmp_path: Path, server: ScriptedServer) -> None:
    repo = make_repo(tmp_path / "repo")
    env = agentdesk_env(server.base_url, tmp_path / "home")
    out = run_agentdesk(["run", "nobody", str(repo), "--prompt", "x"], env)
    assert out.returncode == 2 and "no agent named 'nobody'" in out.stderr
    env.pop("ANTHROPIC_API_KEY")
    env.pop("ANTHROPIC_BASE_URL")
    out = run_agentdesk(["run", "backend-architect", str(repo), "--prompt", "x"], env)
    assert out.returncode == 2 and "ANTHROPIC_API_KEY" in out.stderr
