"""T14 and T27 end to end, in process against the scripted server with a real git repository.

T14: the person has an uncommitted edit in a file an agent proposes to change. The proposal is
flagged ``dirty`` and asks even in acceptEdits; once approved, the person's version is kept in
git (a snapshot blob) and can be read back byte for byte.

T27: an agent's Edit waits for the person; meanwhile another agent's Bash command appends to the
same file and is approved first. Approving the Edit then fails as stale: nothing is written and
the agent is told to read the file again.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from agents.events import Event, ProposalApplied, ProposalCreated, ProposalFailed
from agents.llm import RetryPolicy
from agents.proposal import Decision
from agents.scripted.server import ScriptedServer
from agents.workspace import Workspace
from tests.engine.repo_fixture import agentdesk_env, git, make_repo
from tests.engine.review_helpers import until as _until

READ = {"tool_use": {"name": "Read", "input": {"file_path": "backend/app.py"}}}
EDIT = {
    "tool_use": {
        "name": "Edit",
        "input": {"file_path": "backend/app.py", "old_string": '"OLD"', "new_string": '"NEW"'},
    }
}
OPS_AGENT = """---
name: ops
description: Runs maintenance commands.
tools: Read, Bash
---

# Ops

## Your Domain

```
scripts/
```
"""


def _workspace(repo: Path, server: ScriptedServer, home: Path) -> Workspace:
    ws = Workspace.open(repo, env=agentdesk_env(server.base_url, home))
    for rt in ws.runtimes:
        assert rt.session is not None
        rt.session.retry_policy = RetryPolicy(max_attempts=2, base_s=0.01, cap_s=0.02)
    return ws


async def test_t14_overwriting_the_persons_uncommitted_edit_asks_and_keeps_it(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "agentdesk.yaml").write_text("ceiling: acceptEdits\n")
    git(repo, "add", "agentdesk.yaml")
    git(repo, "commit", "-q", "-m", "ceiling")
    mine = b'def users():\n    return "OLD"  # the person is still working on this\n'
    (repo / "backend" / "app.py").write_bytes(mine)  # uncommitted
    scenario = {
        "agents": {"backend-architect": {"steps": [{"blocks": [READ]}, {"blocks": [EDIT]}]}}
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        events: list[Event] = []
        ws.bus.subscribe(events.append)
        await ws.start(watch=False)
        assert ws.runtime("backend-architect").effective_mode == "acceptEdits"
        ws.send("backend-architect", "return NEW")
        await _until(lambda: bool(ws.queue.pending()))
        (proposal,) = ws.queue.pending()
        assert "dirty" in proposal.flags  # asked although acceptEdits applies clean edits
        assert any(isinstance(e, ProposalCreated) for e in events)
        await ws.decide(proposal.id, Decision("approve"))
        rt = ws.runtime("backend-architect")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        await ws.close()
        git_writer = ws.git
    assert any(isinstance(e, ProposalApplied) for e in events)
    now = (repo / "backend" / "app.py").read_bytes()
    assert now == mine.replace(b'"OLD"', b'"NEW"')
    # The person's version is recoverable from git, exactly.
    snaps = json.loads((repo / ".agentdesk" / "snapshots.jsonl").read_text().splitlines()[-1])
    assert snaps["path"] == "backend/app.py"
    assert git(repo, "cat-file", "blob", snaps["sha"]).encode() == mine
    assert git_writer is not None
    assert [s["sha"] for s in git_writer.snapshots("backend/app.py")] == [snaps["sha"]]


async def test_t27_a_command_that_changes_a_file_makes_the_pending_edit_stale(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".claude" / "agents" / "ops.md").write_text(OPS_AGENT)
    append = {
        "tool_use": {
            "name": "Bash",
            "input": {"command": "echo '# ops was here' >> backend/app.py"},
        }
    }
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [{"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "I will re-read."}]
            },
            "ops": {"steps": [{"blocks": [append]}, {"text": "Appended."}]},
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        events: list[Event] = []
        ws.bus.subscribe(events.append)
        await ws.start(watch=False)
        ws.send("backend-architect", "return NEW")
        await _until(lambda: bool(ws.queue.pending("backend-architect")))
        ws.send("ops", "tag the app file")
        await _until(lambda: bool(ws.queue.pending("ops")))
        (edit,) = ws.queue.pending("backend-architect")
        (command,) = ws.queue.pending("ops")
        # The person approves the command first; it changes the file under the pending Edit.
        await ws.decide(command.id, Decision("approve"))
        ops = ws.runtime("ops")
        assert ops.session is not None
        await asyncio.wait_for(ops.session.finished.wait(), 15)
        changed = (repo / "backend" / "app.py").read_bytes()
        assert changed.endswith(b"# ops was here\n")
        assert ws.stale_paths(edit.id) == ["backend/app.py"]
        # Then the Edit: stale, nothing written, the agent told to re-read.
        await ws.decide(edit.id, Decision("approve"))
        backend = ws.runtime("backend-architect")
        assert backend.session is not None
        await asyncio.wait_for(backend.session.finished.wait(), 15)
        await ws.close()
    assert (repo / "backend" / "app.py").read_bytes() == changed
    failed = [e for e in events if isinstance(e, ProposalFailed) and e.proposal_id == edit.id]
    assert len(failed) == 1 and failed[0].stale
    assert "changed since the diff was shown" in failed[0].reason
    stored = ws.queue.get(edit.id)
    assert stored is not None and stored.state == "stale"
    told = [
        b
        for r in server.requests
        if r.headers.get("x-agentdesk-agent") == "backend-architect"
        for m in r.body["messages"]
        if m["role"] == "user" and isinstance(m["content"], list)
        for b in m["content"]
        if b.get("type") == "tool_result" and b["tool_use_id"].endswith("_1_0")
    ]
    assert told and told[-1]["is_error"]
    assert "Read the file again" in told[-1]["content"]
    # Nothing of the Edit reached git either: the agent has no commit on the file.
    assert "backend-architect" not in git(repo, "log", "--format=%an", "--", "backend/app.py")
