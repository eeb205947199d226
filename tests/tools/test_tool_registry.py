"""The registry, the schemas the model sees, and validation before anything else (T48)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from agents.definition import COORDINATION_TOOLS, FILE_TOOLS
from agents.tools import TOOLS, get_tool, tool_schemas
from agents.tools.base import ToolError

ALL = (*FILE_TOOLS, *COORDINATION_TOOLS)


def test_every_tool_is_registered() -> None:
    assert set(TOOLS) == set(ALL)
    assert {n for n, t in TOOLS.items() if t.read_only} == {"Read", "Glob", "Grep"}


def test_schemas_in_messages_api_form() -> None:
    schemas = tool_schemas([*ALL, "Read", "NotebookEdit"])
    assert [s["name"] for s in schemas] == list(ALL)
    for schema in schemas:
        assert set(schema) == {"name", "description", "input_schema"}
        body = schema["input_schema"]
        assert body["type"] == "object" and body["additionalProperties"] is False
        assert '"title": "' not in json.dumps(body)
        json.dumps(schema)  # serialisable as sent


def test_claude_code_parameter_names() -> None:
    props = {n: set(TOOLS[n].input_schema()["properties"]) for n in TOOLS}
    assert props["Read"] == {"file_path", "offset", "limit"}
    assert props["Write"] == {"file_path", "content"}
    assert props["Edit"] == {"file_path", "old_string", "new_string", "replace_all"}
    assert props["Bash"] == {"command", "timeout", "description"}
    assert props["Glob"] == {"pattern", "path"}
    assert props["Grep"] == {
        "pattern", "path", "glob", "type", "output_mode", "-i", "-n", "-A", "-B", "-C",
        "multiline", "head_limit",
    }  # fmt: skip
    assert TOOLS["Read"].input_schema()["required"] == ["file_path"]


def test_unknown_tool() -> None:
    with pytest.raises(ToolError, match="unknown tool"):
        get_tool("WebFetch")


@pytest.mark.parametrize(
    ("tool", "raw", "message"),
    [
        ("Read", {}, "file_path: required parameter is missing"),
        ("Read", {"file_path": "a", "extra": 1}, "extra: unknown parameter"),
        ("Read", {"file_path": 3}, "file_path:"),
        ("Read", {"file_path": "a", "offset": "5"}, "offset:"),
        ("Read", {"file_path": "a", "limit": 0}, "limit:"),
        (
            "Edit",
            {"file_path": "a", "old_string": "x", "new_string": "y", "replace_all": "yes"},
            "replace_all",
        ),
        ("Bash", {"command": "ls", "timeout": 10**7}, "timeout:"),
        ("Grep", {"pattern": "x", "case_insensitive": True}, "case_insensitive: unknown"),
        ("Grep", {"pattern": "x", "output_mode": "lines"}, "output_mode:"),
        ("Write", {"file_path": "a"}, "content: required"),
        ("Read", ["file_path"], "JSON object"),
        ("Read", None, "JSON object"),
    ],
)
def test_validation_messages(tool: str, raw: Any, message: str) -> None:
    with pytest.raises(ToolError) as info:
        TOOLS[tool].validate(raw)
    assert message in str(info.value)


def test_validation_never_echoes_input() -> None:
    with pytest.raises(ToolError) as info:
        TOOLS["Read"].validate({"file_path": "a", "offset": "sk-ant-secret"})
    assert "sk-ant-secret" not in str(info.value)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(
    ["file_path", "content", "old_string", "new_string", "replace_all", "offset", "limit",
     "command", "timeout", "description", "pattern", "path", "glob", "type", "output_mode",
     "-i", "-n", "-A", "-B", "-C", "multiline", "head_limit", "notes", "text", "title",
     "instructions", "x"]
)  # fmt: skip
_inputs = st.dictionaries(_keys, _json, max_size=6) | _json


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(ALL), raw=_inputs)
def test_random_json_only_ever_gives_tool_error_or_valid_args(name: str, raw: Any) -> None:
    tool = TOOLS[name]
    try:
        args = tool.validate(raw)
    except ToolError as exc:
        assert str(exc)
        return
    assert isinstance(args, BaseModel)
    # a valid args object round-trips through its own schema: nothing invalid slips through
    dumped = args.model_dump(by_alias=True, exclude_none=True)
    assert tool.validate(dumped) == args
    assert isinstance(raw, dict) and set(raw) <= set(tool.input_schema()["properties"])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(["Write", "Edit", "Bash", *COORDINATION_TOOLS]), raw=_inputs)
def test_random_json_never_makes_an_invalid_proposal(name: str, raw: Any, tmp_path: Path) -> None:
    from agents.domain import PathGuard
    from agents.tools.base import ToolContext

    root = tmp_path / "p"
    root.mkdir(exist_ok=True)
    ctx = ToolContext(root=root, guard=PathGuard(root, ["**"], agent="a"), agent="a")
    tool = TOOLS[name]
    try:
        args = tool.validate(raw)
        proposal = tool.propose(ctx, args, tool_use_id="t")
    except ToolError:
        return
    assert proposal.tool == name and proposal.agent == "a"
    assert proposal.command is not None or proposal.changes
    for change in proposal.changes:
        assert ctx.guard.check_write(change.rel).allowed
