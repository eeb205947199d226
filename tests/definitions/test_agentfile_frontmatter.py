"""Front matter splitting and the malformed-file table (THREATS T32), BOM, CRLF, fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.agentfile import SkippedFile, parse_agent_bytes, parse_agent_file
from agents.definition import AgentDefinition, AgentLoadError

from .conftest import MINIMAL, agent_text

P = Path("agents/x.md")


def load(text: str | bytes) -> AgentDefinition | AgentLoadError | SkippedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_agent_bytes(data, P)


def error(text: str | bytes) -> AgentLoadError:
    result = load(text)
    assert isinstance(result, AgentLoadError), result
    assert result.path == P
    return result


def ok(text: str | bytes) -> AgentDefinition:
    result = load(text)
    assert isinstance(result, AgentDefinition), result
    return result


# --- T32: each malformed case is a load error with a line and a reason, never "no metadata" ---

T32_CASES = [
    ("no closing fence", "---\nname: a\ndescription: b\n\nBody\n", 1, "never closed"),
    ("leading blank line", "\n---\nname: a\ndescription: b\n---\n", 2, "must start on line 1"),
    ("list-shaped", "---\n- name: a\n- description: b\n---\nBody\n", 2, "found a list"),
    ("scalar-shaped", "---\njust words\n---\nBody\n", 2, "found a value"),
    ("tab indentation", "---\nname: a\ndescription: b\ntools:\n\t- Read\n---\n", 5, "invalid YAML"),
    ("bad YAML", "---\nname: [a\ndescription: b\n---\n", 3, "invalid YAML"),
    ("empty file", "", None, "empty file"),
    ("whitespace file", "  \n\n", None, "empty file"),
    ("empty front matter", "---\n---\nBody\n", 1, "front matter is empty"),
    ("comment-only front matter", "---\n# nothing\n---\nBody\n", 1, "missing required key 'name'"),
    ("opening fence missing", "name: a\ndescription: b\n---\nBody\n", 1, "opening '---'"),
    ("duplicate keys", "---\nname: a\nname: b\ndescription: c\n---\n", 3, "duplicate key 'name'"),
    ("unsafe tag", "---\nname: !!python/object/apply:os.system [id]\ndescription: b\n---\n", 2,
     "explicit YAML tags"),
    ("alias", "---\nname: &n a\ndescription: *n\n---\n", 2, "anchors"),
    ("missing name", "---\ndescription: b\n---\n", 1, "missing required key 'name'"),
    ("missing description", "---\nname: a\n---\n", 1, "missing required key 'description'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "text", "line", "reason"), T32_CASES, ids=[c[0] for c in T32_CASES]
)
def test_t32_malformed_front_matter(label: str, text: str, line: int | None, reason: str) -> None:
    err = error(text)
    assert err.line == line, f"{label}: {err}"
    assert reason in err.reason, f"{label}: {err}"
    assert str(err).startswith(f"{P}:{line}: " if line else f"{P}: ")


def test_bom_is_accepted() -> None:
    agent = ok(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert agent.name == "helper"


def test_crlf_is_accepted_and_body_has_no_cr() -> None:
    agent = ok(MINIMAL.replace("\n", "\r\n").encode())
    assert agent.description == "Helps."
    assert "\r" not in agent.body
    assert agent.body == "You help."


def test_bom_and_crlf_with_domain_lines_are_right() -> None:
    text = "---\r\nname: a\r\ndescription: b\r\n---\r\n## Domain\r\n```\r\nbackend/\r\n```\r\n"
    agent = ok(b"\xef\xbb\xbf" + text.encode())
    assert agent.domain == ("backend/",)


def test_fence_with_trailing_spaces_accepted() -> None:
    assert ok("---  \nname: a\ndescription: b\n--- \nBody\n").name == "a"


def test_markdown_without_front_matter_is_skipped_documentation() -> None:
    result = load("# Our agents\n\nThis folder holds the team.\n")
    assert isinstance(result, SkippedFile)
    assert "no front matter" in result.reason


def test_horizontal_rule_readme_is_documentation() -> None:
    assert isinstance(load("Intro\n\n---\n\nMore\n"), SkippedFile)


def test_invalid_utf8_names_the_line() -> None:
    err = error(b"---\nname: a\ndescription: \xff\xfe\n---\n")
    assert err.line == 3 and "UTF-8" in err.reason


def test_nul_byte_rejected() -> None:
    err = error("---\nname: a\ndescription: b\x00\n---\n")
    assert err.line == 3 and "NUL" in err.reason


def test_oversized_file_rejected() -> None:
    err = error(MINIMAL + "x" * 600_000)
    assert "limited to" in err.reason


def test_oversized_front_matter_rejected() -> None:
    err = error("---\nname: a\ndescription: " + "b" * 17_000 + "\n---\n")
    assert "larger than 16,384 bytes" in err.reason


def test_body_is_the_system_prompt() -> None:
    agent = ok(agent_text("name: a\ndescription: b", "# Title\n\nDo things.\n"))
    assert agent.system_prompt == "# Title\n\nDo things."


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    result = parse_agent_file(tmp_path / "missing.md")
    assert isinstance(result, AgentLoadError)
    assert "cannot read" in result.reason


# --- the unquoted ': ' fallback ---------------------------------------------------------------


def test_unquoted_colon_description_read_line_by_line_with_warning() -> None:
    text = (
        "---\nname: reviewer\ndescription: Use when: the diff is large. Example: a refactor\n"
        "tools: Read, Grep\nmodel: haiku\nmaxTurns: 5\n---\nBody\n"
    )
    agent = ok(text)
    assert agent.description == "Use when: the diff is large. Example: a refactor"
    assert agent.tools == ("Read", "Grep")
    assert agent.model == "haiku" and agent.max_turns == 5
    assert any("line 3" in w and "': '" in w for w in agent.warnings)


def test_fallback_keeps_block_lists() -> None:
    text = "---\nname: r\ndescription: Note: x\ntools:\n  - Read\n  - Glob\n---\n"
    agent = ok(text)
    assert agent.tools == ("Read", "Glob")


def test_fallback_does_not_relax_duplicates() -> None:
    err = error("---\nname: r\ndescription: Note: x\nname: s\n---\n")
    assert err.line == 4 and "duplicate key 'name'" in err.reason


def test_fallback_does_not_relax_coercions() -> None:
    err = error("---\nname: yes\ndescription: Note: x\n---\n")
    assert err.line == 2 and "boolean" in err.reason


def test_fallback_does_not_relax_tags_or_aliases() -> None:
    err = error("---\nname: r\ndescription: Note: x\nmodel: !!python/name:os.system\n---\n")
    assert err.line == 4 and "tags" in err.reason
    err = error("---\nname: &a r\ndescription: Note: x\n---\n")
    assert err.line == 2


def test_fallback_gives_up_on_nested_structure_with_original_error() -> None:
    err = error("---\nname: r\ndescription: Note: x\nhooks:\n  Stop:\n    cmd: y\n---\n")
    assert err.line == 3
    assert err.reason == "invalid YAML: mapping values are not allowed here"


def test_fallback_not_used_for_quoted_values() -> None:
    err = error('---\nname: r\ndescription: "broken: x\n---\n')
    assert "invalid YAML" in err.reason
