"""Shared helpers for the agent definition tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
SEED = SHARED / "seeds" / "backend-architect.md"
CORPUS = SHARED / "corpus" / "agents"

MINIMAL = "---\nname: helper\ndescription: Helps.\n---\n\nYou help.\n"


def agent_text(front: str, body: str = "You help.\n") -> str:
    """An agent file from front matter lines (without fences) and a body."""
    return f"---\n{front.strip()}\n---\n\n{body}"


def domain_body(*patterns: str, heading: str = "## Your Domain") -> str:
    """A body with a Domain section holding ``patterns`` in a fenced block."""
    block = "\n".join(patterns)
    return f"# Agent\n\nIntro.\n\n{heading}\n\n```\n{block}\n```\n\n## Other\n\nText.\n"


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """HOME and XDG_CONFIG_HOME inside tmp_path, so no test reads the real home."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
