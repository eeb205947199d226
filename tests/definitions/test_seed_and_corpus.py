"""Real agent files: the seed must come out exactly right; every corpus file loads or fails
with a precise reason. Skipped when ``../shared`` (beside the repository) is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.agentfile import SkippedFile, parse_agent_file
from agents.definition import AgentDefinition, AgentLoadError

from .conftest import CORPUS, SEED

SEED_DOMAIN = ("backend/", "server/", "api/", "src/api/", "src/services/", "src/models/",
               "src/routes/")  # fmt: skip
ALL_FILE_TOOLS = ("Read", "Write", "Edit", "Bash", "Grep", "Glob")


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside this checkout")
def test_seed_parses_exactly() -> None:
    agent = parse_agent_file(SEED)
    assert isinstance(agent, AgentDefinition), agent
    assert agent.name == "backend-architect"
    assert agent.domain == SEED_DOMAIN
    assert agent.domain_source == "body"
    assert agent.tools == ALL_FILE_TOOLS
    assert agent.model == "sonnet"
    assert agent.permission_mode == "bypassPermissions"
    assert agent.effective_tools() == ALL_FILE_TOOLS
    assert agent.warnings == ()
    assert agent.body.startswith("# Backend Architect")
    assert "## Coordination Protocol" in agent.system_prompt


# name -> (expected name, Domain, tools, model, mode) for files that load; "skip" for docs.
EXPECTED: dict[str, object] = {
    "0xguy07__sf-claude-studio__delivery-lead.md": (
        "delivery-lead", (), ("Read", "Glob", "Grep", "Write", "Edit"), "opus", None),
    "Asanovichoff__KyrgyzExplore__frontend-agent.md": "skip",
    "KatanStudio__KatanWeb__delivery-lead.md": (
        "delivery-lead", (), ("Read", "Glob", "Grep"), "sonnet", None),
    "TradeUpCards__claude-code-project-template__delivery-lead.md": (
        "delivery-lead", (), ("Read", "Grep", "Glob", "Bash", "Edit", "Write"), "sonnet", None),
    "araujobernardo__ai-dev-squad__delivery-lead.md": "skip",
    "dmltdev__agent-roles__delivery-lead.md": (
        "delivery-lead", (), ("Read", "Grep", "Glob", "Bash"), "sonnet", None),
    "irahardianto__claude-superpowers__technical-writer.md": (
        "technical-writer", (), ("Read", "Edit", "Write", "Bash", "Grep", "Glob"), None, None),
    "j-devops__claude-agent-team__backend-architect.md": (
        "backend-architect", SEED_DOMAIN, ALL_FILE_TOOLS, "sonnet", "bypassPermissions"),
    "j-devops__claude-agent-team__database-architect.md": (
        "database-architect",
        ("prisma/", "migrations/", "db/", "database/", "sql/", "*.sql", "schema.prisma",
         "drizzle/"),
        ALL_FILE_TOOLS, "sonnet", "bypassPermissions"),
    "j-devops__claude-agent-team__delivery-lead.md": (
        "delivery-lead", (), ALL_FILE_TOOLS, "sonnet", "bypassPermissions"),
    "j-devops__claude-agent-team__devops-engineer.md": (
        "devops-engineer",
        ("infra/", "deploy/", ".github/workflows/", "docker-compose*.yml", "Dockerfile*", "*.tf",
         "kubernetes/", "k8s/", "helm/"),
        ALL_FILE_TOOLS, "sonnet", "bypassPermissions"),
    "j-devops__claude-agent-team__frontend-architect.md": (
        "frontend-architect",
        ("frontend/", "client/", "web/", "src/components/", "src/pages/", "src/hooks/",
         "src/stores/", "*.tsx", "*.vue", "*.svelte"),
        ALL_FILE_TOOLS, "sonnet", "bypassPermissions"),
    "j-devops__claude-agent-team__fullstack-dev.md": (
        "fullstack-dev", (), ALL_FILE_TOOLS, "sonnet", "bypassPermissions"),
    "j-devops__claude-agent-team__qa-engineer.md": (
        "qa-engineer",
        ("tests/e2e/", "tests/integration/", "e2e/", "playwright/", "cypress/", "test-plans/",
         "qa/"),
        ALL_FILE_TOOLS, "sonnet", "bypassPermissions"),
    "j-devops__claude-agent-team__test-architect.md": (
        "test-architect",
        ("**/__tests__/", "**/*.test.ts", "**/*.test.tsx", "**/*.spec.ts", "**/*.spec.tsx",
         "tests/unit/"),
        ALL_FILE_TOOLS, "sonnet", "bypassPermissions"),
    "oftartar__Claude-Code-Software-Studios__delivery-lead.md": (
        "delivery-lead", (),
        ("Read", "Glob", "Grep", "Write", "Edit", "AskUserQuestion", "TodoWrite"), "opus", None),
    "renatoastra__duo-pool__backend-specialist.md": (
        "backend-specialist", (), ALL_FILE_TOOLS, "sonnet", None),
    "stozo04__Interactive-Video-Character__test-engineer.md": (
        "test-engineer",
        ("src/services/tests/", "src/services/__tests__/", "src/services/**/*.test.ts",
         "vitest.config.ts"),
        ("Read", "Edit", "Write", "Glob", "Grep", "Bash"), "sonnet", None),
}  # fmt: skip

CORPUS_FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason="../shared/corpus is not beside this checkout")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_corpus_file(path: Path) -> None:
    result = parse_agent_file(path)
    expected = EXPECTED.get(path.name)
    if expected is None:
        # A file added to the corpus later: it must load, be skipped, or fail precisely.
        assert isinstance(result, AgentDefinition | SkippedFile | AgentLoadError)
        if isinstance(result, AgentLoadError):
            assert result.line is not None and result.reason
        return
    if expected == "skip":
        assert isinstance(result, SkippedFile), result
        return
    assert isinstance(result, AgentDefinition), result
    name, domain, tools, model, mode = expected  # type: ignore[misc]
    assert (result.name, result.domain, result.tools) == (name, domain, tools)
    assert (result.model, result.permission_mode) == (model, mode)
    if not domain:
        assert "Write" not in result.effective_tools() and "Edit" not in result.effective_tools()


@pytest.mark.skipif(not CORPUS_FILES, reason="../shared/corpus is not beside this checkout")
def test_corpus_prose_domain_sections_are_read_only_with_a_warning() -> None:
    for name in (
        "irahardianto__claude-superpowers__technical-writer.md",
        "renatoastra__duo-pool__backend-specialist.md",
    ):
        agent = parse_agent_file(CORPUS / name)
        assert isinstance(agent, AgentDefinition)
        assert any("no fenced block" in w for w in agent.warnings)
        assert any("no Domain" in w for w in agent.warnings)


@pytest.mark.skipif(not CORPUS_FILES, reason="../shared/corpus is not beside this checkout")
def test_corpus_unrunnable_tools_are_kept_with_a_warning() -> None:
    agent = parse_agent_file(CORPUS / "oftartar__Claude-Code-Software-Studios__delivery-lead.md")
    assert isinstance(agent, AgentDefinition)
    assert any("AskUserQuestion, TodoWrite kept" in w for w in agent.warnings)
    assert agent.extra["skills"] == [
        "sprint-plan",
        "create-epics",
        "create-stories",
        "retrospective",
    ]
    assert agent.max_turns == 18
