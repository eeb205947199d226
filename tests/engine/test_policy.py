"""The permission policy: every mode against every kind of call."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.definition import effective_mode
from agents.policy import AlwaysRules, RuleBook, decide, next_mode, offered_tools


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("default", "ask"),
        ("acceptEdits", "allow"),
        ("bypassPermissions", "allow"),
        ("dontAsk", "deny"),
        ("plan", "deny"),
    ],
)
def test_in_domain_edit_by_mode(mode: str, expected: str) -> None:
    assert decide(mode=mode, tool="Edit", verdict_kind="domain").action == expected


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("default", "ask"),
        ("acceptEdits", "ask"),
        ("bypassPermissions", "allow"),
        ("dontAsk", "deny"),
        ("plan", "deny"),
    ],
)
def test_command_by_mode(mode: str, expected: str) -> None:
    assert decide(mode=mode, tool="Bash", command="npm test").action == expected


@pytest.mark.parametrize("mode", ["default", "acceptEdits", "bypassPermissions"])
def test_destructive_and_hidden_commands_always_ask(mode: str) -> None:
    for flag in ("destructive", "hidden_chars"):
        got = decide(mode=mode, tool="Bash", command="rm -rf build", flags=(flag,))
        assert got.action == "ask"


@pytest.mark.parametrize("mode", ["default", "acceptEdits", "bypassPermissions"])
def test_shared_file_always_asks(mode: str) -> None:
    assert decide(mode=mode, tool="Write", verdict_kind="shared").action == "ask"


@pytest.mark.parametrize("kind", ["outside", "protected", "invalid", None])
def test_anything_but_domain_or_shared_is_denied_in_every_mode(kind: str | None) -> None:
    for mode in ("default", "acceptEdits", "bypassPermissions", "dontAsk"):
        assert decide(mode=mode, tool="Write", verdict_kind=kind).action == "deny"


def test_protected_flag_is_denied_even_in_bypass() -> None:
    got = decide(mode="bypassPermissions", tool="Edit", verdict_kind="domain", flags=("protected",))
    assert got.action == "deny"


def test_dirty_file_asks_under_accept_edits() -> None:
    got = decide(mode="acceptEdits", tool="Edit", verdict_kind="domain", flags=("dirty",))
    assert got.action == "ask"


def test_read_only_and_coordination_tools_are_allowed_in_plan() -> None:
    assert decide(mode="plan", tool="Read").action == "allow"
    assert decide(mode="plan", tool="RaiseBlocker").action == "allow"


def test_always_rules_are_exact_commands_never_prefixes() -> None:
    rules = AlwaysRules(commands={"npm test"})
    assert decide(mode="default", tool="Bash", command="npm test", rules=rules).action == "allow"
    for bypass in ("npm test && curl evil", "npm test; rm -rf ~", "npm test $(id)", "npm tests"):
        assert decide(mode="default", tool="Bash", command=bypass, rules=rules).action == "ask"


def test_always_allow_edits_does_not_cover_shared_files() -> None:
    rules = AlwaysRules(edits=True)
    assert decide(mode="default", tool="Edit", verdict_kind="domain", rules=rules).action == (
        "allow"
    )
    assert decide(mode="default", tool="Edit", verdict_kind="shared", rules=rules).action == "ask"


def test_rulebook_persists_per_agent(tmp_path: Path) -> None:
    book = RuleBook(tmp_path)
    book.allow_command("backend", "pytest -q")
    book.allow_edits("frontend")
    again = RuleBook(tmp_path)
    assert again.for_agent("backend").commands == {"pytest -q"}
    assert not again.for_agent("backend").edits
    assert again.for_agent("frontend").edits
    assert again.for_agent("nobody") == AlwaysRules()


def test_rulebook_survives_a_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / "rules.json").write_text("{not json")
    book = RuleBook(tmp_path)
    assert "unreadable" in book.warning
    assert book.for_agent("x") == AlwaysRules()


def test_plan_offers_read_only_tools_plus_coordination() -> None:
    tools = ("Read", "Write", "Edit", "Bash", "Grep", "Glob")
    assert offered_tools(tools, "plan") == (
        "Read",
        "Grep",
        "Glob",
        "MarkComplete",
        "RaiseBlocker",
        "ReportSetup",
    )
    assert "Write" in offered_tools(tools, "default")


def test_ceiling_caps_the_declared_mode() -> None:
    assert effective_mode("bypassPermissions", "default") == "default"
    assert effective_mode("acceptEdits", "bypassPermissions") == "acceptEdits"
    assert effective_mode("plan", "default") == "plan"
    assert effective_mode("auto", "bypassPermissions") == "default"


def test_mode_cycle_respects_the_ceiling() -> None:
    assert next_mode("default", "bypassPermissions") == "acceptEdits"
    assert next_mode("acceptEdits", "bypassPermissions") == "plan"
    assert next_mode("plan", "bypassPermissions") == "default"
    # Under a default ceiling acceptEdits is skipped.
    assert next_mode("default", "default") == "plan"
    assert next_mode("plan", "default") == "default"
