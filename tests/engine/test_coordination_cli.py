"""Issue 4's "done when": status reflects another process's PROGRESS.md edit; a blocker raised by an
agent is answered from the shell and reaches the agent."""

from __future__ import annotations

import json
from pathlib import Path

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import agentdesk_env, git, make_repo, run_agentdesk

SCENARIO = {
    "agents": {
        "backend-architect": {
            "steps": [
                {
                    "blocks": [
                        {
                            "tool_use": {
                                "name": "RaiseBlocker",
                                "input": {"text": "Which database should users live in?"},
                            }
                        }
                    ]
                },
                {"text": "Waiting for an answer."},
                {"text": "Thanks, using the answer."},
            ]
        }
    }
}


def _status(repo: Path, env: dict[str, str]) -> dict:
    out = run_agentdesk(["status", str(repo), "--json"], env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_status_reflects_an_edit_by_another_process(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    env = agentdesk_env("http://127.0.0.1:9", tmp_path / "home")
    before = _status(repo, env)
    items = before["phases"][0]["items"]
    assert [(i["agent"], i["done"]) for i in items] == [
        ("backend-architect", False),
        ("frontend-architect", False),
    ]
    text = (repo / "PROGRESS.md").read_text()
    (repo / "PROGRESS.md").write_text(
        text.replace("- [ ] @frontend-architect - users page", "- [x] @frontend-architect - done")
        + "- @frontend-architect: waiting for the users API\n"
    )
    after = _status(repo, env)
    done = {i["agent"]: i["done"] for i in after["phases"][0]["items"]}
    assert done["frontend-architect"] is True
    assert [(b["agent"], b["state"]) for b in after["blockers"]] == [("frontend-architect", "open")]
    assert {a["name"] for a in after["agents"]} == {"backend-architect", "frontend-architect"}
    assert after["pending"] == []


def test_blocker_raised_by_agent_is_answered_from_the_shell(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    with ScriptedServer(SCENARIO) as server:
        env = agentdesk_env(server.base_url, tmp_path / "home")
        out = run_agentdesk(["run", "backend-architect", str(repo), "--prompt", "start"], env)
        assert out.returncode == 0, out.stderr
        blockers = _status(repo, env)["blockers"]
        assert len(blockers) == 1
        blocker = blockers[0]
        assert blocker["agent"] == "backend-architect" and blocker["state"] == "open"
        assert "tool" in blocker["provenance"]

        out = run_agentdesk(
            ["blockers", "--path", str(repo), "answer", blocker["id"], "Postgres"], env
        )
        assert out.returncode == 0, out.stderr
        assert _status(repo, env)["blockers"][0]["state"] == "resolved"
        assert "Postgres" in (repo / "PROGRESS.md").read_text()
        # The person's answer is committed on its own, never swept into an agent's commit.
        assert git(repo, "status", "--porcelain", "--", "PROGRESS.md") == ""
        assert "answer blocker" in git(repo, "log", "-1", "--format=%s")

        out = run_agentdesk(["run", "backend-architect", str(repo), "--prompt", "continue"], env)
        assert out.returncode == 0, out.stderr
        last = server.requests[-1].body["messages"]
        sent = json.dumps(last)
        assert "Postgres" in sent and blocker["id"] in sent

    out = run_agentdesk(["blockers", "--path", str(repo), "answer", "b-nope", "x"], env)
    assert out.returncode == 1 and "no blocker" in out.stderr
