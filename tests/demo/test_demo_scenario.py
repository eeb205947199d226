"""The bundled scenario: it loads, it is paced like a person reading, and it fits the files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from agents.demo import SCENARIO_PATH, load_demo_scenario
from agents.demo_files import FILES
from agents.scripted.play import choose_turn
from agents.scripted.scenario import Block, Scenario, Turn, parse_scenario

ROOT = Path(__file__).resolve().parents[2]


def turns(scenario: Scenario, agent: str) -> Iterator[Turn]:
    for step in scenario.scripts[agent].steps:
        for turn in (step.turn, step.if_error, step.if_ok):
            if turn is not None:
                yield turn
        for _needle, turn in step.if_result_contains:
            yield turn


def tool_blocks(scenario: Scenario, agent: str, name: str) -> list[Block]:
    return [
        b
        for t in turns(scenario, agent)
        for b in t.blocks
        if b.kind == "tool_use" and b.name == name
    ]


def test_it_ships_inside_the_package_and_loads() -> None:
    assert SCENARIO_PATH.is_file()
    assert SCENARIO_PATH.is_relative_to(ROOT / "agents")
    scenario = load_demo_scenario()
    assert set(scenario.scripts) == {
        "backend-architect",
        "frontend-architect",
        "delivery-lead",
        "default",
    }
    # The same file parses through the strict loader from plain YAML as well.
    parse_scenario(yaml.safe_load(SCENARIO_PATH.read_text(encoding="utf-8")))


def test_lifelike_pace_that_can_be_overridden() -> None:
    scenario = load_demo_scenario()
    chars_per_s = scenario.speed.tokens_per_s * scenario.speed.chunk
    assert 40 <= chars_per_s / 4 <= 80  # about four characters a token
    for name, script in scenario.scripts.items():
        assert script.speed is None, name
        assert all(t.speed is None for t in turns(scenario, name)), name
    fast = load_demo_scenario(0)
    assert fast.speed.tokens_per_s == 0
    assert fast.scripts.keys() == scenario.scripts.keys()


def test_no_fault_is_injected() -> None:
    scenario = load_demo_scenario()
    for name, script in scenario.scripts.items():
        assert script.fault is None
        assert all(t.fault is None for t in turns(scenario, name))


def test_every_edit_applies_to_the_file_it_names() -> None:
    """An Edit's old_string occurs exactly once in the shipped file (or in what the scenario
    wrote there first), so the demo never shows a failed edit because the files moved on."""
    scenario = load_demo_scenario()
    for agent in scenario.scripts:
        written = {
            b.input["file_path"]: b.input["content"] for b in tool_blocks(scenario, agent, "Write")
        }
        for block in tool_blocks(scenario, agent, "Edit"):
            path = block.input["file_path"]
            text = FILES.get(path, written.get(path))
            assert text is not None, f"{agent} edits {path}, which nothing creates"
            assert text.count(block.input["old_string"]) == 1, (agent, path)


def test_the_page_edit_imports_what_it_renders() -> None:
    scenario = load_demo_scenario()
    edits = {
        (b.input["old_string"], b.input["new_string"])
        for b in tool_blocks(scenario, "frontend-architect", "Edit")
    }
    assert len(edits) == 1
    ((old, replacement),) = edits
    new = FILES["frontend/src/App.tsx"].replace(old, replacement)
    assert 'import { ProductList } from "./ProductList";' in new
    assert "<ProductList />" in new


def test_reads_name_files_that_exist_and_writes_respect_the_plan() -> None:
    scenario = load_demo_scenario()
    for agent in ("backend-architect", "frontend-architect", "delivery-lead"):
        for block in tool_blocks(scenario, agent, "Read"):
            assert block.input["file_path"] in FILES, (agent, block.input)
    # The backend's one Write is the attempt outside its Domain that the guard refuses.
    backend_writes = {
        b.input["file_path"] for b in tool_blocks(scenario, "backend-architect", "Write")
    }
    assert backend_writes == {"frontend/src/health.ts"}
    frontend_writes = {
        b.input["file_path"] for b in tool_blocks(scenario, "frontend-architect", "Write")
    }
    assert frontend_writes == {"frontend/src/ProductList.tsx"}


def _rejected(reason: str, tool: str = "Write") -> list[dict[str, object]]:
    text = f"The person rejected this {tool} call. Their reason: {reason}"
    result = {"type": "tool_result", "tool_use_id": "t", "content": text, "is_error": True}
    return [{"role": "user", "content": [result]}]


def _first_text(turn: Turn) -> str:
    return next(b.text for b in turn.blocks if b.kind == "text")


def test_the_frontend_answers_the_reason_it_was_given() -> None:
    """Step 2 of the frontend's script picks its answer from the rejection's wording."""
    script = load_demo_scenario().scripts["frontend-architect"]
    cases = {
        "use the product id as the key": "index keys break",
        "the price shows as 4.5": "`4.5` is not a price",
        "I would rather not": "Thanks for the review",
    }
    for reason, expected in cases.items():
        turn, _branch = choose_turn(script, 2, _rejected(reason))
        assert expected in _first_text(turn), reason
        (write,) = [b for b in turn.blocks if b.kind == "tool_use"]
        assert "key={product.id}" in write.input["content"]
    applied = [
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "t",
                    "content": "Applied: Create frontend/src/ProductList.tsx (+20 −0)",
                }
            ],
        }
    ]
    turn, _branch = choose_turn(script, 2, applied)
    assert [b.name for b in turn.blocks if b.kind == "tool_use"] == ["Edit"]
