"""Scenario files for the scripted model: what each agent's model says, turn by turn.

A scenario is YAML (read with ``yaml.safe_load``)::

    speed: {tokens_per_s: 0, chunk: 16}   # optional defaults: 0 = as fast as possible
    agents:
      default:                            # used when no script names the requesting agent
        steps:
          - text: "Nothing scripted for you."
      backend-architect:                  # matched against the x-agentdesk-agent header
        speed: {tokens_per_s: 200, chunk: 4}
        fault: {kind: r429, retry_after: 1}   # default fault for every step of this script
        steps:
          - blocks:                       # one assistant turn
              - text: "I'll add the route."
              - tool_use: {name: Write, input: {file_path: backend/app.py, content: "..."}}
            # stop_reason defaults to tool_use when a tool_use block is present, else end_turn
          - text: "Done."                 # shorthand for blocks: [{text: ...}]
            if_error: {text: "Understood, I'll leave it."}    # last tool_result had is_error
            if_ok: {text: "Applied."}                          # last tool_result without is_error
            if_result_contains: {"FAILED": {text: "Tests fail; fixing."}}
            fault: {kind: midstream_error, after_deltas: 2, times: 1}
            usage: {input_tokens: 1200, output_tokens: 40}

A top-level ``steps:`` list is shorthand for ``agents: {default: {steps: ...}}``.

**Which step plays** is decided by the request alone: step *n* answers a request whose
``messages`` hold *n* assistant messages, so an app-level retry replays the same step. Past the
last step the server answers ``end_turn`` with the text :data:`END_TEXT`. Branches are checked in
order ``if_result_contains`` (first matching substring), ``if_error`` / ``if_ok``, then the step's
own turn; a step needs its own turn unless it has both ``if_error`` and ``if_ok``.

**Faults** (``fault: {kind, times, retry_after, after_deltas, seconds, message}``) fire on the
first ``times`` (default 1) requests for that agent, step and branch, counted per server
instance, and the step plays normally afterwards. Kinds: the statuses ``r400 r401 r403 r404
r408 r409 r413 r429 r500 r502 r503 r504 r529`` (``retry_after`` adds the header); ``hang``
(no response for ``seconds``); and, after ``after_deltas`` deltas of a 200 stream,
``midstream_error`` (an ``event: error`` overloaded_error), ``truncated`` (connection closed,
no ``message_stop``), ``malformed`` (bad JSON in a ``data:`` line), ``stall`` (silence for
``seconds``, then the rest); inside the first tool call, ``truncated_tool`` (closed mid
``input_json_delta``) and ``max_tokens_tool`` (``stop_reason: max_tokens`` mid tool input);
a script-wide tool fault skips the steps that have no tool call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: The text of the turn played when an agent's script has no more steps.
END_TEXT = "(scripted model: no more steps for this agent)"

#: fault kind -> (HTTP status, error type, default message as the real API words it)
STATUS_FAULTS: dict[str, tuple[int, str, str]] = {
    "r400": (400, "invalid_request_error", "messages: roles must alternate"),
    "r401": (401, "authentication_error", "invalid x-api-key"),
    "r403": (403, "permission_error", "Your API key does not have permission to use this model"),
    "r404": (404, "not_found_error", "model: not found"),
    "r408": (408, "timeout_error", "Request timed out"),
    "r409": (409, "api_error", "Conflict"),
    "r413": (413, "request_too_large", "Request exceeds the maximum allowed number of bytes"),
    "r429": (429, "rate_limit_error", "Number of request tokens has exceeded your rate limit"),
    "r500": (500, "api_error", "Internal server error"),
    "r502": (502, "api_error", "Bad gateway"),
    "r503": (503, "api_error", "Service unavailable"),
    "r504": (504, "timeout_error", "Gateway timeout"),
    "r529": (529, "overloaded_error", "Overloaded"),
}
STREAM_FAULTS = ("midstream_error", "truncated", "malformed", "stall")
TOOL_FAULTS = ("truncated_tool", "max_tokens_tool")
FAULT_KINDS = (*STATUS_FAULTS, "hang", *STREAM_FAULTS, *TOOL_FAULTS)
STOP_REASONS = ("end_turn", "tool_use", "max_tokens", "stop_sequence")
USAGE_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
)


class ScenarioError(ValueError):
    """A scenario file that does not load: the message names the file and the place in it."""


@dataclass(frozen=True)
class Speed:
    """Streaming pace: ``tokens_per_s`` deltas a second (0 = no delay), ``chunk`` chars each."""

    tokens_per_s: float = 0.0
    chunk: int = 16


@dataclass(frozen=True)
class Fault:
    """A failure injected into the first ``times`` requests that play a step."""

    kind: str
    times: int = 1
    retry_after: float | None = None
    after_deltas: int = 2
    seconds: float = 5.0
    message: str = ""


@dataclass(frozen=True)
class Block:
    """One content block of a scripted turn: ``text``, or a ``tool_use`` with name and input."""

    kind: str
    text: str = ""
    name: str = ""
    input: dict[str, Any] = field(default_factory=dict)
    id: str | None = None


@dataclass(frozen=True)
class Turn:
    """One assistant turn: its blocks, stop reason and optional pace, usage and fault."""

    blocks: tuple[Block, ...]
    stop_reason: str
    speed: Speed | None = None
    usage: Mapping[str, int] = field(default_factory=dict)
    fault: Fault | None = None


@dataclass(frozen=True)
class Step:
    """A step of a script: a default turn and branches on the last tool result."""

    turn: Turn | None
    if_error: Turn | None = None
    if_ok: Turn | None = None
    if_result_contains: tuple[tuple[str, Turn], ...] = ()


@dataclass(frozen=True)
class Script:
    """One agent's steps, with script-wide defaults for pace and fault."""

    name: str
    steps: tuple[Step, ...]
    speed: Speed | None = None
    fault: Fault | None = None


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: scripts by agent name (``default`` is the fallback)."""

    scripts: Mapping[str, Script]
    speed: Speed = Speed()
    source: str = "<scenario>"

    def script_for(self, agent: str) -> Script | None:
        """The script for ``agent``, else the ``default`` script, else ``None``."""
        return self.scripts.get(agent) or self.scripts.get("default")


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file; raises :class:`ScenarioError` naming the problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{source}: cannot read scenario: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    return parse_scenario(data, source=source)


def parse_scenario(data: Any, *, source: str = "<scenario>") -> Scenario:
    """Validate an already-parsed scenario (a mapping) and build a :class:`Scenario`."""
    where = _Where(source)
    top = where.mapping(data, "", {"agents", "steps", "speed"})
    speed = _speed(top["speed"], where.at("speed")) if "speed" in top else Speed()
    scripts_data: dict[str, Any] = {}
    if "agents" in top:
        scripts_data.update(where.mapping(top["agents"], "agents", None))
    if "steps" in top:
        if "default" in scripts_data:
            raise ScenarioError(f"{source}: both top-level 'steps' and agents.default are set")
        scripts_data["default"] = {"steps": top["steps"]}
    if not scripts_data:
        raise ScenarioError(f"{source}: a scenario needs 'agents' or 'steps'")
    scripts = {}
    for name, body in scripts_data.items():
        if not isinstance(name, str) or not name:
            raise ScenarioError(f"{source}: agents: script names must be non-empty strings")
        scripts[name] = _script(name, body, where.at(f"agents.{name}"))
    return Scenario(scripts=scripts, speed=speed, source=source)


class _Where:
    """A position in the scenario, for error messages like ``file: agents.x.steps[2]: ...``."""

    def __init__(self, source: str, path: str = "") -> None:
        self.source = source
        self.path = path

    def at(self, sub: str) -> _Where:
        if not self.path or sub.startswith("["):
            return _Where(self.source, self.path + sub)
        return _Where(self.source, f"{self.path}.{sub}")

    def fail(self, message: str) -> ScenarioError:
        place = f"{self.path}: " if self.path else ""
        return ScenarioError(f"{self.source}: {place}{message}")

    def mapping(self, value: Any, sub: str, allowed: set[str] | None) -> dict[str, Any]:
        here = self.at(sub) if sub else self
        if not isinstance(value, dict):
            raise here.fail(f"expected a mapping, got {type(value).__name__}")
        if allowed is not None:
            unknown = sorted(str(k) for k in value if k not in allowed)
            if unknown:
                raise here.fail(f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")
        return value


def _number(value: Any, where: _Where, *, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise where.fail(f"expected a number >= {minimum:g}, got {value!r}")
    return float(value)


def _integer(value: Any, where: _Where, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise where.fail(f"expected an integer >= {minimum}, got {value!r}")
    return value


def _speed(value: Any, where: _Where) -> Speed:
    data = where.mapping(value, "", {"tokens_per_s", "chunk"})
    return Speed(
        tokens_per_s=_number(data.get("tokens_per_s", 0), where.at("tokens_per_s")),
        chunk=_integer(data.get("chunk", 16), where.at("chunk"), minimum=1),
    )


def _fault(value: Any, where: _Where) -> Fault:
    allowed = {"kind", "times", "retry_after", "after_deltas", "seconds", "message"}
    data = where.mapping(value, "", allowed)
    kind = data.get("kind")
    if kind not in FAULT_KINDS:
        raise where.at("kind").fail(f"unknown fault kind {kind!r}; one of {list(FAULT_KINDS)}")
    retry_after = data.get("retry_after")
    return Fault(
        kind=kind,
        times=_integer(data.get("times", 1), where.at("times"), minimum=1),
        retry_after=None if retry_after is None else _number(retry_after, where.at("retry_after")),
        after_deltas=_integer(data.get("after_deltas", 2), where.at("after_deltas"), minimum=0),
        seconds=_number(data.get("seconds", 5.0), where.at("seconds")),
        message=str(data.get("message", "")),
    )


def _block(value: Any, where: _Where) -> Block:
    data = where.mapping(value, "", {"text", "tool_use"})
    if len(data) != 1:
        raise where.fail("a block is exactly one of {text: ...} or {tool_use: ...}")
    if "text" in data:
        if not isinstance(data["text"], str) or not data["text"]:
            raise where.at("text").fail("expected a non-empty string")
        return Block(kind="text", text=data["text"])
    tool = where.mapping(data["tool_use"], "tool_use", {"name", "input", "id"})
    here = where.at("tool_use")
    name = tool.get("name")
    if not isinstance(name, str) or not name:
        raise here.at("name").fail("a tool_use needs a non-empty string name")
    tool_input = tool.get("input", {})
    if not isinstance(tool_input, dict):
        raise here.at("input").fail("a tool_use input must be a mapping")
    tool_id = tool.get("id")
    if tool_id is not None and (not isinstance(tool_id, str) or not tool_id):
        raise here.at("id").fail("a tool_use id must be a non-empty string")
    return Block(kind="tool_use", name=name, input=tool_input, id=tool_id)


_TURN_KEYS = {"blocks", "text", "stop_reason", "speed", "usage", "fault"}


def _turn(data: Mapping[str, Any], where: _Where) -> Turn:
    if "blocks" in data and "text" in data:
        raise where.fail("use either 'blocks' or the 'text' shorthand, not both")
    blocks: tuple[Block, ...]
    if "text" in data:
        blocks = (_block({"text": data["text"]}, where),)
    else:
        raw = data.get("blocks")
        if not isinstance(raw, list) or not raw:
            raise where.at("blocks").fail("expected a non-empty list of blocks")
        blocks = tuple(_block(b, where.at(f"blocks[{i}]")) for i, b in enumerate(raw))
    has_tool = any(b.kind == "tool_use" for b in blocks)
    stop_reason = data.get("stop_reason", "tool_use" if has_tool else "end_turn")
    if stop_reason not in STOP_REASONS:
        raise where.at("stop_reason").fail(f"expected one of {list(STOP_REASONS)}")
    usage: dict[str, int] = {}
    if "usage" in data:
        raw_usage = where.mapping(data["usage"], "usage", set(USAGE_KEYS))
        for key, value in raw_usage.items():
            usage[key] = _integer(value, where.at(f"usage.{key}"), minimum=0)
    fault = _fault(data["fault"], where.at("fault")) if "fault" in data else None
    if fault is not None and fault.kind in TOOL_FAULTS and not has_tool:
        raise where.at("fault").fail(f"fault {fault.kind!r} needs a tool_use block in the turn")
    speed = _speed(data["speed"], where.at("speed")) if "speed" in data else None
    return Turn(blocks=blocks, stop_reason=stop_reason, speed=speed, usage=usage, fault=fault)


def _step(value: Any, where: _Where) -> Step:
    branch_keys = {"if_error", "if_ok", "if_result_contains"}
    data = where.mapping(value, "", _TURN_KEYS | branch_keys)
    own = {k: v for k, v in data.items() if k in _TURN_KEYS}
    turn = _turn(own, where) if ("blocks" in own or "text" in own) else None
    if turn is None and own:
        raise where.fail(f"{sorted(own)} given without 'blocks' or 'text'")

    def branch(key: str) -> Turn | None:
        if key not in data:
            return None
        return _turn(where.mapping(data[key], key, _TURN_KEYS), where.at(key))

    if_error, if_ok = branch("if_error"), branch("if_ok")
    contains: list[tuple[str, Turn]] = []
    if "if_result_contains" in data:
        table = where.mapping(data["if_result_contains"], "if_result_contains", None)
        for needle, body in table.items():
            here = where.at(f"if_result_contains.{needle}")
            if not isinstance(needle, str) or not needle:
                raise where.at("if_result_contains").fail("keys must be non-empty strings")
            contains.append((needle, _turn(here.mapping(body, "", _TURN_KEYS), here)))
    if turn is None and (if_error is None or if_ok is None):
        raise where.fail(
            "a step needs its own turn ('blocks' or 'text') or both if_error and if_ok"
        )
    return Step(turn=turn, if_error=if_error, if_ok=if_ok, if_result_contains=tuple(contains))


def _script(name: str, value: Any, where: _Where) -> Script:
    data = where.mapping(value, "", {"steps", "speed", "fault"})
    steps = data.get("steps")
    if not isinstance(steps, list):
        raise where.at("steps").fail("expected a list of steps")
    return Script(
        name=name,
        steps=tuple(_step(s, where.at(f"steps[{i}]")) for i, s in enumerate(steps)),
        speed=_speed(data["speed"], where.at("speed")) if "speed" in data else None,
        fault=_fault(data["fault"], where.at("fault")) if "fault" in data else None,
    )
