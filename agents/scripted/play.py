"""Choosing what the scripted model answers: the step, the branch, the fault and the usage.

Everything here is a pure function of the scenario and the request (plus, for faults, a count
of earlier identical requests kept by the server), so a retry of a request replays its step.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agents.scripted import sse
from agents.scripted.scenario import (
    END_TEXT,
    TOOL_FAULTS,
    Block,
    Fault,
    Scenario,
    Script,
    Speed,
    Turn,
)

_END_TURN = Turn(blocks=(Block(kind="text", text=END_TEXT),), stop_reason="end_turn")


class PlanError(Exception):
    """The request cannot be answered from the scenario (no script, no matching branch)."""


@dataclass(frozen=True)
class Plan:
    """The answer to one request: the turn to play, ids, usage, pace and the fault (if any)."""

    agent: str
    step: int
    turn: Turn
    fault: Fault | None
    speed: Speed
    message_id: str
    tool_ids: list[str]
    usage: dict[str, int]
    model: str


def last_tool_result(messages: list[Any]) -> tuple[bool, str] | None:
    """``(is_error, text)`` of the last tool_result in the last user message, if it has one."""
    for message in reversed(messages):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if not isinstance(content, list):
            return None
        for block in reversed(content):
            if isinstance(block, dict) and block.get("type") == "tool_result":
                return bool(block.get("is_error", False)), _result_text(block.get("content"))
        return None
    return None


def _result_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
        ]
        return "\n".join(str(t) for t in texts)
    return ""


def choose_turn(script: Script, step: int, messages: list[Any]) -> tuple[Turn, str]:
    """The turn step ``step`` plays for this conversation, and a label naming the branch."""
    if step >= len(script.steps):
        return _END_TURN, "end"
    chosen = script.steps[step]
    result = last_tool_result(messages)
    is_error = result is not None and result[0]
    if result is not None:
        for needle, turn in chosen.if_result_contains:
            if needle in result[1]:
                return turn, f"contains:{needle}"
    if is_error and chosen.if_error is not None:
        return chosen.if_error, "if_error"
    if not is_error and chosen.if_ok is not None and (result is not None or chosen.turn is None):
        return chosen.if_ok, "if_ok"
    if chosen.turn is None:  # only if_error/if_ok and is_error without if_error: impossible
        raise PlanError(f"step {step} of script {script.name!r} has no turn for this request")
    return chosen.turn, "turn"


def compute_usage(turn: Turn, body: Mapping[str, Any], raw: bytes, step: int) -> dict[str, int]:
    """Deterministic usage, about four characters a token.

    When the request marks its system prompt or tools with ``cache_control``, that prefix counts
    as a cache write on the agent's first turn and as a cache read afterwards.
    """
    prefix = json.dumps([body.get("system"), body.get("tools")])
    cached = sse.estimate_tokens(prefix) if '"cache_control"' in prefix else 0
    total = sse.estimate_tokens(raw.decode("utf-8", "replace"))
    usage = {
        "input_tokens": max(1, total - cached),
        "output_tokens": sse.output_tokens(turn),
        "cache_creation_input_tokens": cached if step == 0 else 0,
        "cache_read_input_tokens": cached if step > 0 else 0,
    }
    usage.update(turn.usage)
    return usage


def plan_reply(
    scenario: Scenario,
    agent: str,
    body: Mapping[str, Any],
    raw: bytes,
    consume: Callable[[tuple[str, int, str]], int],
) -> Plan:
    """Decide the answer to a Messages API request ``body`` sent by ``agent``.

    ``consume(key)`` returns how many earlier requests had the same ``(agent, step, branch)`` and
    counts this one; a fault fires while that number is below the fault's ``times``.
    """
    script = scenario.script_for(agent)
    if script is None:
        raise PlanError(f"the scenario has no script for agent {agent!r} and no 'default' script")
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise PlanError("the request has no 'messages' list")
    step = sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")
    turn, branch = choose_turn(script, step, messages)
    has_tool = any(b.kind == "tool_use" for b in turn.blocks)
    fault = turn.fault or (script.fault if branch != "end" else None)
    if fault is not None and fault.kind in TOOL_FAULTS and not has_tool:
        fault = None
    if fault is not None and consume((agent, step, branch)) >= fault.times:
        fault = None
    tag = f"{zlib.crc32(agent.encode()):08x}"
    tool_ids = [b.id or f"toolu_{tag}_{step}_{i}" for i, b in enumerate(turn.blocks)]
    model = body.get("model")
    return Plan(
        agent=agent,
        step=step,
        turn=turn,
        fault=fault,
        speed=turn.speed or script.speed or scenario.speed,
        message_id=f"msg_{tag}_{step}",
        tool_ids=tool_ids,
        usage=compute_usage(turn, body, raw, step),
        model=model if isinstance(model, str) else "scripted",
    )
