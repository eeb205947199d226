"""The Domain: which fenced block counts, and which patterns are refused (THREATS T9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.agentfile import parse_agent_bytes
from agents.definition import AgentDefinition, AgentLoadError
from agents.domain_block import DomainError, find_body_domain, pattern_problem

from .conftest import agent_text, domain_body

BASE = "name: a\ndescription: b"


def load(body: str, front: str = BASE) -> AgentDefinition | AgentLoadError:
    result = parse_agent_bytes(agent_text(front, body).encode(), Path("a.md"))
    assert isinstance(result, AgentDefinition | AgentLoadError)
    return result


def ok(body: str, front: str = BASE) -> AgentDefinition:
    result = load(body, front)
    assert isinstance(result, AgentDefinition), result
    return result


def test_block_under_your_domain() -> None:
    agent = ok(domain_body("backend/", "src/api/", "*.tsx"))
    assert agent.domain == ("backend/", "src/api/", "*.tsx")
    assert agent.domain_source == "body"


def test_plain_domain_heading_and_heading_with_a_note() -> None:
    assert ok(domain_body("web/", heading="## Domain")).domain == ("web/",)
    assert ok(domain_body("web/", heading="## Your Domain (Files You Own)")).domain == ("web/",)
    assert ok(domain_body("web/", heading="## your domain:")).domain == ("web/",)


def test_other_headings_do_not_count() -> None:
    agent = ok(domain_body("web/", heading="## Domain Model"))
    assert agent.domain == ()
    assert agent.domain_source is None


def test_blank_lines_comments_and_inline_comments_ignored() -> None:
    agent = ok(domain_body("", "# the API", "backend/   # server code", "", "  docs/api/  "))
    assert agent.domain == ("backend/", "docs/api/")


def test_only_the_fence_under_the_heading_counts() -> None:
    body = (
        "# A\n\n```\nnot/this/\n```\n\n"
        "```markdown\n## Your Domain\n```\n\n"  # a heading inside a fence is not a heading
        "## Your Domain\n\nProse first.\n\n```text\nmine/\n```\n\n"
        "## Structure\n\n```\nbackend/\n├── src/\n```\n"
    )
    assert ok(body).domain == ("mine/",)


def test_section_without_fence_is_read_only_with_warning() -> None:
    body = "## Your Domain\n\n- `packages/api/*.ts`\n\n## Next\n\n```\nnot/this/\n```\n"
    agent = ok(body)
    assert agent.domain == ()
    assert any("no fenced block" in w and "line 6" in w for w in agent.warnings)


def test_empty_block_is_read_only_with_warning() -> None:
    agent = ok(domain_body("# nothing yet"))
    assert agent.domain == ()
    assert any("Domain block is empty" in w for w in agent.warnings)


def test_unclosed_domain_block_is_an_error_with_line() -> None:
    result = load("## Your Domain\n\n```\nbackend/\n")
    assert isinstance(result, AgentLoadError)
    assert result.line == 8 and "never closed" in result.reason


def test_tilde_fences_and_longer_fences() -> None:
    assert ok("## Domain\n~~~\na/\n~~~\n").domain == ("a/",)
    assert ok("## Domain\n````\na/\n```\nb/\n````\n").domain == ("a/", "```", "b/")


def test_duplicate_patterns_collapsed() -> None:
    assert ok(domain_body("a/", "a/", "b/")).domain == ("a/", "b/")


def test_frontmatter_domain_overrides_body() -> None:
    agent = ok(domain_body("backend/"), front=f"{BASE}\ndomain:\n  - api/\n  - '*.proto'")
    assert agent.domain == ("api/", "*.proto")
    assert agent.domain_source == "frontmatter"
    assert any("overrides the body" in w for w in agent.warnings)


def test_frontmatter_domain_empty_list_means_no_domain() -> None:
    agent = ok(domain_body("backend/"), front=f"{BASE}\ndomain: []")
    assert agent.domain == () and "Write" not in agent.effective_tools()


def test_frontmatter_domain_must_be_a_list_of_strings() -> None:
    result = load("Body", front=f"{BASE}\ndomain: backend/")
    assert isinstance(result, AgentLoadError) and "must be a list" in result.reason
    result = load("Body", front=f"{BASE}\ndomain:\n  - a/\n  - 3")
    assert isinstance(result, AgentLoadError) and result.line == 6


def test_frontmatter_domain_bad_pattern_names_its_line() -> None:
    result = load("Body", front=f"{BASE}\ndomain:\n  - a/\n  - ../up/")
    assert isinstance(result, AgentLoadError)
    assert result.line == 6 and "'..'" in result.reason


# --- T9: Domain definitions that are refused --------------------------------------------------

BAD = [
    ("../outside/", "'..'"),
    ("backend/../../etc/", "'..'"),
    ("~/.ssh/", "home-directory"),
    ("C:\\work\\", "'\\'"),
    ("src\\api\\", "'\\'"),
    ("//server/share/", "absolute"),
    (".", "whole repository"),
    ("./", "whole repository"),
    ("/", "whole repository"),
    ("*", "whole repository"),
    ("**", "whole repository"),
    ("**/*", "whole repository"),
    ("./backend/", "'.' component"),
    ("a//b/", "empty path component"),
    (".git/", "protected"),
    (".GIT/hooks/", "protected"),
    (".claude/agents/", "protected"),
    (".agentdesk/", "protected"),
    ("/agentdesk.yaml", "protected file"),
    ("├── lib/", "directory tree"),
    ("lib/  ← code", "directory tree"),
    ("- backend/", "list item"),
    ("back\x1bend/", "control character"),
]


@pytest.mark.parametrize(("pattern", "reason"), BAD)
def test_t9_bad_patterns_fail_the_load_with_line(pattern: str, reason: str) -> None:
    result = load(domain_body("ok/", pattern))
    assert isinstance(result, AgentLoadError), pattern
    assert reason in result.reason
    assert result.line == 14  # the second line of the block
    assert pattern_problem(pattern) is not None


GOOD = ["backend/", "/backend/", "src/api/", "*.tsx", "**/__tests__/", "docker-compose*.yml",
        ".github/workflows/", "!backend/generated/", "schema.prisma", "dir\\ with\\ space/",
        "src/services/**/*.test.ts"]  # fmt: skip


@pytest.mark.parametrize("pattern", GOOD)
def test_good_patterns_accepted(pattern: str) -> None:
    assert pattern_problem(pattern) is None
    assert pattern in ok(domain_body(pattern)).domain


def test_find_body_domain_reports_heading_line() -> None:
    found = find_body_domain("x\n## Domain\n```\na/\n```\n", 10)
    assert found.patterns == ("a/",) and found.heading_line == 11
    assert find_body_domain("no heading\n", 1).patterns is None


def test_domain_error_carries_line() -> None:
    with pytest.raises(DomainError) as err:
        find_body_domain("## Domain\n```\n../x\n```\n", 5)
    assert err.value.line == 7
