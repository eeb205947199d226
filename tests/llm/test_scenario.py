"""Scenario files: the format, its shorthands, and errors that name the place and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agents.scripted import ScenarioError, load_scenario, parse_scenario

GOOD = """
speed: {tokens_per_s: 200, chunk: 4}
agents:
  default:
    steps:
      - text: "Nothing scripted for you."
  backend-architect:
    fault: {kind: r429, retry_after: 1}
    steps:
      - blocks:
          - text: "I'll add the route."
          - tool_use: {name: Write, input: {file_path: backend/app.py, content: "x = 1\\n"}}
      - text: "Done."
        if_error: {text: "Understood."}
        if_ok: {text: "Applied."}
        if_result_contains: {"FAILED": {text: "Fixing the tests."}}
        fault: {kind: midstream_error, after_deltas: 1, times: 2}
        usage: {input_tokens: 1200, output_tokens: 40}
"""


def test_loads_a_full_scenario(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(GOOD, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.speed.tokens_per_s == 200 and scenario.speed.chunk == 4
    script = scenario.script_for("backend-architect")
    assert script is not None and script.fault is not None
    assert script.fault.kind == "r429" and script.fault.retry_after == 1
    first, second = script.steps
    assert first.turn is not None and first.turn.stop_reason == "tool_use"
    assert first.turn.blocks[1].input == {"file_path": "backend/app.py", "content": "x = 1\n"}
    assert second.turn is not None and second.turn.stop_reason == "end_turn"
    assert second.turn.fault is not None and second.turn.fault.times == 2
    assert second.if_error is not None and second.if_error.blocks[0].text == "Understood."
    assert second.if_result_contains[0][0] == "FAILED"
    assert dict(second.turn.usage) == {"input_tokens": 1200, "output_tokens": 40}
    fallback = scenario.script_for("someone-else")
    assert fallback is not None and fallback.name == "default"


def test_top_level_steps_are_the_default_script() -> None:
    scenario = parse_scenario({"steps": [{"text": "hi"}]})
    assert list(scenario.scripts) == ["default"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "expected a mapping"),
        ({}, "needs 'agents' or 'steps'"),
        ({"stepz": []}, "unknown key(s) ['stepz']"),
        ({"steps": [{"txt": "x"}]}, "steps[0]: unknown key(s) ['txt']"),
        ({"steps": [{"text": ""}]}, "steps[0].text: expected a non-empty string"),
        ({"steps": [{"blocks": []}]}, "steps[0].blocks: expected a non-empty list"),
        ({"steps": [{"blocks": [{"text": "a", "tool_use": {}}]}]}, "exactly one of"),
        ({"steps": [{"blocks": [{"tool_use": {"input": {}}}]}]}, "needs a non-empty string name"),
        ({"steps": [{"blocks": [{"tool_use": {"name": "W", "input": [1]}}]}]}, "must be a mapping"),
        ({"steps": [{"text": "a", "stop_reason": "done"}]}, "stop_reason: expected one of"),
        ({"steps": [{"text": "a", "fault": {"kind": "boom"}}]}, "unknown fault kind 'boom'"),
        ({"steps": [{"text": "a", "fault": {"kind": "r429", "times": 0}}]}, "times: expected"),
        ({"steps": [{"text": "a", "fault": {"kind": "truncated_tool"}}]}, "needs a tool_use"),
        ({"steps": [{"text": "a", "speed": {"chunk": 0}}]}, "chunk: expected an integer >= 1"),
        ({"steps": [{"text": "a", "usage": {"input_tokens": -1}}]}, "usage.input_tokens"),
        ({"steps": [{"text": "a", "usage": {"tokens": 1}}]}, "unknown key(s) ['tokens']"),
        ({"steps": [{"if_error": {"text": "a"}}]}, "or both if_error and if_ok"),
        ({"steps": [{"stop_reason": "end_turn"}]}, "without 'blocks' or 'text'"),
        ({"steps": [{"text": "a", "blocks": [{"text": "b"}]}]}, "not both"),
        ({"agents": {"x": {"steps": {}}}}, "agents.x.steps: expected a list"),
        ({"steps": [], "agents": {"default": {"steps": []}}}, "both top-level 'steps'"),
        ({"speed": {"tokens_per_s": True}, "steps": []}, "tokens_per_s: expected a number"),
    ],
)
def test_invalid_scenarios_say_where_and_why(data: Any, fragment: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, source="s.yaml")
    assert str(info.value).startswith("s.yaml: ")
    assert fragment in str(info.value)


def test_unreadable_and_invalid_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load_scenario(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: not valid YAML"):
        load_scenario(bad)
    unsafe = tmp_path / "unsafe.yaml"
    unsafe.write_text("steps: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(unsafe)
