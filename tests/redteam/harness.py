"""Shared pieces of the red-team and crash tests: running ``agentdesk run`` and checking results."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import agentdesk_env
from tests.redteam.forked import Outcome, run_forked

AGENT = "backend-architect"
KEY = "sk-ant-canary-0123456789"


def run_agent(
    repo: Path,
    server: ScriptedServer,
    home: Path,
    *,
    prompt: str = "go",
    approve: str = "all",
    extra_env: Mapping[str, str] | None = None,
    json_events: bool = True,
    **kwargs: Any,
) -> Outcome:
    """``agentdesk run backend-architect REPO --prompt ... --approve ... --json`` in a child."""
    argv = ["run", AGENT, str(repo), "--prompt", prompt, "--approve", approve]
    if json_events:
        argv.append("--json")
    env = agentdesk_env(server.base_url, home)
    env.pop("AGENTDESK_FAULT", None)  # only the fault this run asks for
    env.update(extra_env or {})
    return run_forked(argv, env, **kwargs)


def tool_use(name: str, **tool_input: Any) -> dict[str, Any]:
    """A scenario block calling ``name`` with ``tool_input``."""
    return {"tool_use": {"name": name, "input": tool_input}}


def snapshot(root: Path, skip: Sequence[str] = ()) -> dict[str, tuple[str, bytes | str, int]]:
    """Every entry under ``root`` (links not followed): kind, bytes or link target, and mode."""
    out: dict[str, tuple[str, bytes | str, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        if any(rel_dir.parts[: len(Path(s).parts)] == Path(s).parts for s in skip):
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            if any(rel == s or rel.startswith(s.rstrip("/") + "/") for s in skip):
                continue
            st = path.lstat()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path), 0)
            elif path.is_dir():
                out[rel] = ("dir", b"", st.st_mode & 0o7777)
            else:
                out[rel] = ("file", path.read_bytes(), st.st_mode & 0o7777)
    return out


def conversation_is_valid(messages: list[dict[str, Any]]) -> None:
    """Roles alternate and every tool_use has exactly one tool_result in the next message."""
    for i, message in enumerate(messages):
        if i:
            assert message["role"] != messages[i - 1]["role"], f"roles repeat at message {i}"
        content = message.get("content")
        blocks = content if isinstance(content, list) else []
        uses = [b["id"] for b in blocks if isinstance(b, dict) and b.get("type") == "tool_use"]
        if not uses:
            continue
        assert i + 1 < len(messages), "the conversation ends with unanswered tool calls"
        answers = [
            b.get("tool_use_id")
            for b in messages[i + 1]["content"]
            if isinstance(b, dict) and b.get("type") == "tool_result"
        ]
        assert sorted(answers) == sorted(uses), f"message {i + 1}: {answers} answer {uses}"


def sha(data: bytes) -> str:
    """Hex sha256."""
    return hashlib.sha256(data).hexdigest()


def leftover_temps(root: Path) -> list[str]:
    """Temp files an interrupted atomic write could leave (``.*.agentdesk-*.tmp``)."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if ".agentdesk-" in p.name and p.name.endswith(".tmp")
    )
