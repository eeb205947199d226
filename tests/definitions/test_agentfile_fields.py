"""Front matter fields: types (T34), tools (T37), model, permission mode and the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.agent_tools import split_tools
from agents.agentfile import parse_agent_bytes
from agents.definition import AgentDefinition, AgentLoadError

from .conftest import agent_text, domain_body

P = Path("x.md")
BASE = "name: a\ndescription: b"


def load(front: str, body: str = "Body\n") -> AgentDefinition | AgentLoadError:
    result = parse_agent_bytes(agent_text(front, body).encode(), P)
    assert isinstance(result, AgentDefinition | AgentLoadError)
    return result


def ok(front: str, body: str = "Body\n") -> AgentDefinition:
    result = load(front, body)
    assert isinstance(result, AgentDefinition), result
    return result


def error(front: str, body: str = "Body\n") -> AgentLoadError:
    result = load(front, body)
    assert isinstance(result, AgentLoadError), result
    return result


# --- T34: YAML 1.1 coercions where a string (or a plain number) is required -------------------

COERCIONS = [
    ("name: yes\ndescription: b", 2, "`yes` as a boolean"),
    ("name: no\ndescription: b", 2, "`no` as a boolean"),
    ("name: on\ndescription: b", 2, "`on` as a boolean"),
    ("name: 0123\ndescription: b", 2, "`0123` as an integer"),
    ("name: 1.5\ndescription: b", 2, "`1.5` as a number"),
    ("name: 2024-01-01\ndescription: b", 2, "`2024-01-01` as a date"),
    ("name: ~\ndescription: b", 2, "'name' is empty"),
    ("name: a\ndescription: 12", 3, "`12` as an integer"),
    ("name: a\ndescription: [x, y]", 3, "'description' must be a string, not a list"),
    (f"{BASE}\nmodel: 4", 4, "`4` as an integer"),
    (f"{BASE}\npermissionMode: off", 4, "`off` as a boolean"),
    (f"{BASE}\ncolor: true", 4, "as a boolean"),
    (f"{BASE}\ninitialPrompt: 2024-01-01", 4, "as a date"),
    (f"{BASE}\nmaxTurns: 0123", 4, "YAML reads `0123` as 83"),
    (f"{BASE}\nmaxTurns: yes", 4, "not a boolean"),
    (f"{BASE}\nmaxTurns: '20'", 4, "not a string"),
    (f"{BASE}\nmaxTurns: 0x10", 4, "YAML reads `0x10` as 16"),
    (f"{BASE}\nmaxTurns: 0", 4, "plain positive number"),
]


@pytest.mark.parametrize(("front", "line", "reason"), COERCIONS)
def test_t34_coercions_rejected(front: str, line: int, reason: str) -> None:
    err = error(front)
    assert err.line == line, str(err)
    assert reason in err.reason, str(err)


def test_quoted_values_are_strings() -> None:
    agent = ok("name: 'yes'\ndescription: '0123'")
    assert agent.name == "yes" and agent.description == "0123"


def test_block_scalar_description() -> None:
    agent = ok("name: a\ndescription: >-\n  First line\n  second line.")
    assert agent.description == "First line second line."


def test_name_must_be_a_safe_identifier() -> None:
    assert "letters, digits" in error("name: ../../etc\ndescription: b").reason
    assert "letters, digits" in error("name: a b\ndescription: b").reason
    assert ok("name: Backend_Dev-2\ndescription: b").name == "Backend_Dev-2"


def test_empty_description_rejected() -> None:
    err = error("name: a\ndescription: '  '")
    assert err.line == 3 and "'description' is empty" in err.reason


# --- tools (T37) ------------------------------------------------------------------------------


def test_tools_comma_string_and_lists() -> None:
    assert ok(f"{BASE}\ntools: Read, Grep,Glob").tools == ("Read", "Grep", "Glob")
    assert ok(f"{BASE}\ntools: [Read, Grep]").tools == ("Read", "Grep")
    assert ok(f'{BASE}\ntools: ["Read", "Grep"]').tools == ("Read", "Grep")
    assert ok(f"{BASE}\ntools:\n  - Read\n  - Bash").tools == ("Read", "Bash")


def test_unknown_tool_is_an_error_naming_it() -> None:  # T37
    err = error(f"{BASE}\ntools: Bash, Wrte")
    assert err.line == 4
    assert "unknown tool 'Wrte'" in err.reason and "did you mean 'Write'" in err.reason


def test_unknown_tool_in_block_list_names_its_line() -> None:
    err = error(f"{BASE}\ntools:\n  - Read\n  - grep")
    assert err.line == 6 and "unknown tool 'grep'" in err.reason


def test_unknown_disallowed_tool_is_an_error() -> None:
    err = error(f"{BASE}\ndisallowedTools: Writ")
    assert "unknown tool 'Writ' in disallowedTools" in err.reason


def test_omitted_tools_and_no_domain_is_read_only() -> None:  # T37
    agent = ok(BASE)
    assert agent.tools is None
    assert agent.effective_tools() == ("Read", "Bash", "Grep", "Glob")
    assert any("no Domain" in w for w in agent.warnings)


def test_omitted_tools_with_domain_gets_every_file_tool() -> None:
    agent = ok(BASE, domain_body("backend/"))
    assert agent.effective_tools() == ("Read", "Write", "Edit", "Bash", "Grep", "Glob")


def test_disallowed_tools_applied_first() -> None:
    agent = ok(f"{BASE}\ndisallowedTools: Write, Bash", domain_body("backend/"))
    assert agent.effective_tools() == ("Read", "Edit", "Grep", "Glob")
    agent = ok(f"{BASE}\ntools: Read, Write\ndisallowedTools: [Write]", domain_body("a/"))
    assert agent.effective_tools() == ("Read",)


def test_empty_tools_list_fails_like_claude_code() -> None:
    assert "lists no tool" in error(f"{BASE}\ntools: []").reason
    assert "lists no tool" in error(f"{BASE}\ntools: ''").reason


def test_null_tools_is_omitted_with_warning() -> None:
    agent = ok(f"{BASE}\ntools:")
    assert agent.tools is None
    assert any("read as omitted" in w for w in agent.warnings)


def test_agent_and_mcp_forms_kept_with_warning() -> None:
    agent = ok(f"{BASE}\ntools: Read, Agent(worker, researcher), mcp__github__create_issue")
    assert agent.tools == ("Read", "Agent(worker, researcher)", "mcp__github__create_issue")
    assert agent.effective_tools() == ("Read",)
    assert any("agentdesk cannot run them" in w and "mcp__github" in w for w in agent.warnings)


def test_rule_form_of_a_file_tool_fails_closed() -> None:
    agent = ok(f"{BASE}\ntools: Read, Bash(git status:*)", domain_body("a/"))
    assert "Bash" not in agent.effective_tools()
    assert any("Bash is not offered" in w for w in agent.warnings)
    agent = ok(f"{BASE}\ndisallowedTools: Bash(rm:*)", domain_body("a/"))
    assert "Bash" not in agent.effective_tools()


def test_non_string_tool_item_rejected() -> None:
    err = error(f"{BASE}\ntools:\n  - Read\n  - 3")
    assert err.line == 6 and "an integer" in err.reason


def test_tools_wrong_type_rejected() -> None:
    assert "comma-separated string or a list" in error(f"{BASE}\ntools: {{a: b}}").reason


def test_split_tools_respects_parentheses() -> None:
    assert split_tools("Read, Agent(a, b), Grep") == ["Read", "Agent(a, b)", "Grep"]
    assert split_tools(" , Read,,") == ["Read"]


# --- model, permissionMode and the rest -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("sonnet", "sonnet"), ("Opus", "opus"), ("haiku", "haiku"), ("inherit", "inherit"),
     ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929"),
     ("us.anthropic.claude-opus-4-1:0", "us.anthropic.claude-opus-4-1:0")],
)  # fmt: skip
def test_model_values(value: str, expected: str) -> None:
    assert ok(f"{BASE}\nmodel: {value}").model == expected


def test_bad_model_rejected() -> None:
    assert "neither an alias" in error(f"{BASE}\nmodel: 'gpt 4'").reason


@pytest.mark.parametrize(
    "mode", ["default", "manual", "acceptEdits", "plan", "dontAsk", "auto", "bypassPermissions"]
)
def test_every_documented_permission_mode(mode: str) -> None:
    assert ok(f"{BASE}\npermissionMode: {mode}").permission_mode == mode


def test_unknown_permission_mode_rejected() -> None:
    err = error(f"{BASE}\npermissionMode: bypass")
    assert err.line == 4 and "'bypass' is not one of" in err.reason


def test_other_documented_fields() -> None:
    agent = ok(
        f"{BASE}\nmaxTurns: 20\ncolor: blue\nisolation: worktree\n"
        "initialPrompt: Start with the tests\neffort: high"
    )
    assert agent.max_turns == 20 and agent.color == "blue"
    assert agent.isolation == "worktree" and agent.initial_prompt == "Start with the tests"
    assert agent.effort == "high"
    assert any("isolation 'worktree' is not supported" in w for w in agent.warnings)


def test_unknown_keys_kept_not_fatal() -> None:
    agent = ok(f"{BASE}\nskills: [a, b]\nmemory: project\nfavouriteFood: soup")
    assert agent.extra == {"skills": ["a", "b"], "memory": "project", "favouriteFood": "soup"}
    assert any("'skills' is kept" in w for w in agent.warnings)
    assert any("unknown key 'favouriteFood'" in w for w in agent.warnings)


@pytest.mark.parametrize(
    ("key", "meant"),
    [("disallowed_tools", "disallowedTools"), ("permission-mode", "permissionMode"),
     ("Tools", "tools"), ("maxturns", "maxTurns")],
)  # fmt: skip
def test_misspelt_known_key_is_an_error(key: str, meant: str) -> None:
    err = error(f"{BASE}\n{key}: x")
    assert err.line == 4 and f"did you mean '{meant}'" in err.reason


def test_unknown_color_and_effort_warn() -> None:
    agent = ok(f"{BASE}\ncolor: teal\neffort: extreme")
    assert any("color 'teal'" in w for w in agent.warnings)
    assert any("effort 'extreme'" in w for w in agent.warnings)


def test_empty_body_warns() -> None:
    agent = ok(BASE, "")
    assert any("no system prompt" in w for w in agent.warnings)
