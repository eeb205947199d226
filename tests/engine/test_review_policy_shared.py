"""A shared file asks the person even when it also matches the agent's Domain."""

from __future__ import annotations

import asyncio
from pathlib import Path

from agents.events import Event, ToolAutoApproved
from agents.proposal import Decision
from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import make_repo
from tests.engine.review_helpers import one_agent, open_ws, until

DOCS_AGENT = """---
name: backend-architect
description: Writes the backend and its Markdown docs.
tools: Read, Write, Edit
permissionMode: acceptEdits
---

## Your Domain

```
backend/
*.md
```
"""
READ = {"tool_use": {"name": "Read", "input": {"file_path": "PROGRESS.md"}}}
EDIT = {
    "tool_use": {
        "name": "Edit",
        "input": {
            "file_path": "PROGRESS.md",
            "old_string": "- [ ] @frontend-architect - users page",
            "new_string": "- [x] @frontend-architect - users page",
        },
    }
}


async def test_shared_file_in_the_domain_still_asks_under_accept_edits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    (repo / ".claude" / "agents" / "backend-architect.md").write_text(DOCS_AGENT)
    (repo / "agentdesk.yaml").write_text("ceiling: acceptEdits\n")
    before = (repo / "PROGRESS.md").read_text()
    with ScriptedServer(one_agent({"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "ok"})) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        events: list[Event] = []
        ws.bus.subscribe(events.append)
        rt = ws.runtime("backend-architect")
        assert rt.effective_mode == "acceptEdits"
        await ws.start(watch=False)
        ws.send("backend-architect", "tick the frontend item")
        session = rt.session
        assert session is not None
        await until(lambda: bool(ws.queue.pending()) or session.finished.is_set())
        assert not [e for e in events if isinstance(e, ToolAutoApproved)]
        assert (repo / "PROGRESS.md").read_text() == before
        [proposal] = ws.queue.pending()
        assert "shared" in proposal.flags  # the review screen and --approve edits see it too
        await ws.decide(proposal.id, Decision("reject", reason="not yours"))
        await asyncio.wait_for(session.finished.wait(), 10)
        await ws.close()
