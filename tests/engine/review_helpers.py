"""Shared helpers of the engine review tests: a workspace on the scripted server, waiting, and
the conversation invariants the Messages API enforces."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents.llm import RetryPolicy
from agents.scripted.server import ScriptedServer
from agents.workspace import Workspace
from tests.engine.repo_fixture import agentdesk_env

AGENT = "backend-architect"
EDIT = {
    "tool_use": {
        "name": "Edit",
        "input": {"file_path": "backend/app.py", "old_string": '"OLD"', "new_string": '"NEW"'},
    }
}
READ = {"tool_use": {"name": "Read", "input": {"file_path": "backend/app.py"}}}


def one_agent(*steps: dict[str, Any]) -> dict[str, Any]:
    """A scenario scripting only the backend agent."""
    return {"agents": {AGENT: {"steps": list(steps)}}}


def open_ws(repo: Path, server: ScriptedServer, home: Path) -> Workspace:
    """A workspace on ``server`` with quick retries."""
    ws = Workspace.open(repo, env=agentdesk_env(server.base_url, home))
    for rt in ws.runtimes:
        assert rt.session is not None
        rt.session.retry_policy = RetryPolicy(max_attempts=3, base_s=0.01, cap_s=0.05)
    return ws


async def until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait until ``check()`` holds (AssertionError after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


def assert_valid_conversation(messages: list[dict[str, Any]]) -> None:
    """Roles alternate from a user turn; every tool_use is answered exactly once, next turn."""
    assert not messages or messages[0]["role"] == "user"
    for i, message in enumerate(messages):
        if i:
            assert message["role"] != messages[i - 1]["role"], f"roles repeat at {i}"
        uses = [
            b["id"]
            for b in message.get("content", [])
            if isinstance(b, dict) and b.get("type") == "tool_use"
        ]
        if uses and i + 1 < len(messages):
            answered = [
                b.get("tool_use_id")
                for b in messages[i + 1]["content"]
                if isinstance(b, dict) and b.get("type") == "tool_result"
            ]
            assert sorted(answered) == sorted(uses), f"tool calls of message {i} not answered once"
