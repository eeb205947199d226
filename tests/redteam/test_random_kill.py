"""T18/T19/T49: SIGKILL at a random moment while ``agentdesk run`` applies multi-MB Writes.

Each trial: the scripted agent reads ``backend/big.txt`` (2 MiB of ``A`` lines), replaces it with
2 MiB of ``B`` lines, then creates ``backend/more.txt`` (2 MiB of ``C`` lines). The process gets
SIGKILL 0-250 ms after its first Write call shows, which lands before, inside or after either
apply (or their commits). Then ``agentdesk run`` starts again and resumes. Invariants:

- right after the kill and after the resume, every file is all-old or all-new (never torn);
- after the resume no temp file is left anywhere, and the final files are exactly what the
  tool results told the model (nothing lost, nothing applied twice, each at most one commit);
- every request answers each tool_use with exactly one tool_result.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import git, make_repo
from tests.redteam.harness import conversation_is_valid, leftover_temps, run_agent, tool_use

LINES = 2048
OLD = "A" * 1023 + "\n"
NEW = "B" * 1023 + "\n"
MORE = "C" * 1023 + "\n"
TRIALS = 10

SCENARIO = {
    "speed": {"chunk": 1 << 22},
    "agents": {
        "backend-architect": {
            "steps": [
                {"blocks": [tool_use("Read", file_path="backend/big.txt", limit=5)]},
                {"blocks": [tool_use("Write", file_path="backend/big.txt", content=NEW * LINES)]},
                {"blocks": [tool_use("Write", file_path="backend/more.txt", content=MORE * LINES)]},
                {"text": "Done."},
            ]
        }
    },
}


def _state(repo: Path) -> tuple[str, str]:
    """('old'|'new', 'absent'|'new') for big.txt and more.txt; fails on a torn file."""
    big = (repo / "backend/big.txt").read_bytes()
    assert big in (OLD.encode() * LINES, NEW.encode() * LINES), f"torn: {len(big)} bytes"
    more = repo / "backend/more.txt"
    if more.exists():
        assert more.read_bytes() == MORE.encode() * LINES, "torn more.txt"
    return ("new" if big.startswith(b"B") else "old"), ("new" if more.exists() else "absent")


def _told(server: ScriptedServer, step: int) -> bool | None:
    """Whether the model was told the Write of ``step`` applied (None: it never got that far)."""
    for message in server.requests[-1].body["messages"]:
        if message["role"] != "user" or not isinstance(message["content"], list):
            continue
        for block in message["content"]:
            if block.get("type") == "tool_result" and block["tool_use_id"].endswith(f"_{step}_0"):
                return not block["is_error"]
    return None


@pytest.mark.parametrize("trial", range(TRIALS))
def test_random_sigkill_during_big_writes(tmp_path: Path, trial: int) -> None:
    rng = random.Random(trial)
    repo = make_repo(tmp_path / "repo")
    (repo / "backend/big.txt").write_text(OLD * LINES)
    git(repo, "add", "backend/big.txt")
    git(repo, "commit", "-q", "-m", "big file")
    delay = rng.uniform(0.0, 0.45 if trial % 3 else 0.05)
    seen: list[float] = []

    def due(stdout: str) -> bool:
        if not seen and "\n? Write" in stdout:
            seen.append(time.monotonic())
        return bool(seen) and time.monotonic() - seen[0] >= delay

    home = tmp_path / "home"
    with ScriptedServer(SCENARIO) as server:
        killed = run_agent(repo, server, home, json_events=False, kill_when=due, timeout=30)
        assert killed.killed or killed.code == 0, killed.stderr
        _state(repo)  # whatever the moment, nothing is torn
        resumed = run_agent(repo, server, home, prompt="carry on", timeout=30)
        assert resumed.code == 0, resumed.stderr
        for request in server.requests:
            conversation_is_valid(request.body["messages"])
        big, more = _state(repo)
        assert big == ("new" if _told(server, 1) else "old")
        assert more == ("new" if _told(server, 2) else "absent")
    assert leftover_temps(repo) == []
    for rel, state in (("backend/big.txt", big), ("backend/more.txt", more)):
        commits = git(repo, "log", "--format=%an", "--", rel).split().count("backend-architect")
        assert commits == (1 if state == "new" else 0), rel
    assert git(repo, "status", "--porcelain", "--", "backend") == ""
