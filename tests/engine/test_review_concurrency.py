"""Two agents on one loop: coordination updates of PROGRESS.md at the same moment both land."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import make_repo
from tests.engine.review_helpers import assert_valid_conversation, open_ws

AGENTS = ("backend-architect", "frontend-architect")


def _blocker(text: str) -> dict[str, Any]:
    return {"tool_use": {"name": "RaiseBlocker", "input": {"text": text}}}


async def test_two_agents_raising_blockers_at_once_both_land(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    texts = {"backend-architect": "backend needs a key", "frontend-architect": "need a design"}
    scenario = {
        "agents": {
            name: {"steps": [{"blocks": [_blocker(text)]}, {"text": "ok"}]}
            for name, text in texts.items()
        }
    }
    with ScriptedServer(scenario) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        await ws.start(watch=False)
        real_apply = ws.applier.applier.apply

        def slow_apply(*args: Any) -> Any:  # widen the window between read and write
            time.sleep(0.3)
            return real_apply(*args)

        ws.applier.applier.apply = slow_apply  # type: ignore[method-assign]
        for name in AGENTS:
            ws.send(name, "go")
        for name in AGENTS:
            session = ws.runtime(name).session
            assert session is not None
            await asyncio.wait_for(session.finished.wait(), 15)
        text = (repo / "PROGRESS.md").read_text()
        for name, blocker in texts.items():
            assert f"@{name}: {blocker}" in text
            rt = ws.runtime(name)
            assert not [e.text for e in rt.entries if e.kind == "error"]
            assert rt.session is not None
            assert_valid_conversation(rt.session.messages)
        await ws.close()
