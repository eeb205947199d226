"""The bundled roster and the example project's agents follow the seed's format and protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.agentfile import parse_agent_file
from agents.definition import AgentDefinition
from agents.discovery import ROSTER_DIR, bundled_example

ROSTER_FILES = sorted(ROSTER_DIR.glob("*.md"))
EXAMPLE_FILES = sorted((bundled_example() / ".claude" / "agents").glob("*-*.md"))


def test_roster_has_the_four_agents() -> None:
    assert [p.stem for p in ROSTER_FILES] == [
        "backend-architect",
        "database-architect",
        "delivery-lead",
        "frontend-architect",
    ]


@pytest.mark.parametrize("path", ROSTER_FILES + EXAMPLE_FILES, ids=lambda p: str(p.name))
def test_agent_follows_the_protocol(path: Path) -> None:
    agent = parse_agent_file(path, "bundled")
    assert isinstance(agent, AgentDefinition), agent
    assert agent.name == path.stem
    assert agent.warnings == ()
    assert agent.domain and agent.domain_source == "body"
    assert "Write" in agent.effective_tools() and "Edit" in agent.effective_tools()
    assert "## Coordination Protocol" in agent.body
    for tool in ("MarkComplete", "RaiseBlocker"):
        assert f"**{tool}**" in agent.body
    if path.parent == ROSTER_DIR:
        assert "**ReportSetup**" in agent.body
        assert agent.model == "sonnet"


def test_frontend_globs_come_out_exactly() -> None:
    agent = parse_agent_file(ROSTER_DIR / "frontend-architect.md")
    assert isinstance(agent, AgentDefinition)
    assert agent.domain[-3:] == ("*.tsx", "*.vue", "*.svelte")
