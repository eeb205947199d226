"""THREATS T38: an agent cannot widen its own Domain or tools by editing definitions or config.

The Domain parser refuses patterns that name the definition folders or agentdesk's config; a
Domain broad enough to cover them anyway (``**/*.md``) still cannot write them, because the
PathGuard protects every folder discovery reads definitions from; and a reloaded definition
is reported as a list of changes to approve (see ``definition_changes``), never applied
silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.agentfile import parse_agent_bytes
from agents.definition import AgentLoadError
from agents.discovery import discover
from agents.domain import PathGuard

from .conftest import agent_text, domain_body


@pytest.mark.parametrize(
    "pattern", [".claude/", ".claude/agents/", "/agentdesk.yaml", ".agentdesk/"]
)
def test_domain_naming_definitions_or_config_is_refused(pattern: str) -> None:
    result = parse_agent_bytes(
        agent_text("name: a\ndescription: d", domain_body(pattern)).encode(), Path("a.md")
    )
    assert isinstance(result, AgentLoadError) and "protected" in result.reason


def test_broad_domain_still_cannot_write_definitions(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "docs.md").write_text(
        agent_text("name: docs\ndescription: d", domain_body("**/*.md", "*.yaml"))
    )
    result = discover(root, user_home=tmp_path / "home", include_bundled=False)
    agent = result.get("docs")
    assert agent is not None and agent.domain == ("**/*.md", "*.yaml")
    guard = PathGuard(root, agent.domain, agent="docs")
    assert guard.check_write("README.md").allowed  # the Domain does work elsewhere
    for target in (".claude/agents/docs.md", ".claude/agents/new.md", "agentdesk.yaml"):
        verdict = guard.check_write(target)
        assert not verdict.allowed and verdict.kind == "protected", target
    assert folder.resolve() in [d.resolve() for d in result.definition_dirs]
