"""Server-sent-event encoding of one scripted assistant turn, in the Messages API's wire format.

:func:`turn_events` turns a :class:`~agents.scripted.scenario.Turn` into the event sequence the
real API streams (``message_start``, ``content_block_start``, ``content_block_delta``...,
``message_delta``, ``message_stop``); :func:`encode` turns one event into bytes;
:func:`message_json` builds the single JSON message a non-streaming request receives. Each
:class:`SseEvent` says whether it is a delta, so the server can inject faults "after N deltas"
or "inside a tool call".
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agents.scripted.scenario import Block, Turn

#: Characters per "token" when the scripted server estimates token counts.
CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class SseEvent:
    """One event of a streamed turn: its SSE name, its JSON payload and what kind of delta it is.

    ``delta`` is ``""`` for structural events, ``"text"`` for a text delta and ``"json"`` for an
    ``input_json_delta`` (a piece of a tool call's input). ``block`` is the content-block index.
    """

    name: str
    data: Mapping[str, Any]
    delta: str = ""
    block: int = -1


def encode(name: str, data: Mapping[str, Any] | str) -> bytes:
    """Encode one SSE event; a ``str`` payload is sent verbatim (used to send malformed JSON)."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    lines = "".join(f"data: {line}\n" for line in payload.split("\n"))
    return f"event: {name}\n{lines}\n".encode()


def estimate_tokens(text: str) -> int:
    """A deterministic token estimate: one token per ``CHARS_PER_TOKEN`` characters, at least 1."""
    return max(1, math.ceil(len(text) / CHARS_PER_TOKEN))


def tool_input_json(block: Block) -> str:
    """The JSON text of a tool call's input, as the model would stream it."""
    return json.dumps(block.input, separators=(",", ":"), ensure_ascii=False)


def output_tokens(turn: Turn) -> int:
    """The output-token count the server reports for ``turn`` (unless the scenario overrides it)."""
    total = 0
    for block in turn.blocks:
        total += estimate_tokens(block.text if block.kind == "text" else tool_input_json(block))
    return max(1, total)


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def block_start_payload(index: int, block: Block, tool_id: str) -> dict[str, Any]:
    """The ``content_block_start`` payload for ``block``."""
    if block.kind == "text":
        content: dict[str, Any] = {"type": "text", "text": ""}
    else:
        content = {"type": "tool_use", "id": tool_id, "name": block.name, "input": {}}
    return {"type": "content_block_start", "index": index, "content_block": content}


def turn_events(
    turn: Turn,
    *,
    message_id: str,
    model: str,
    tool_ids: list[str],
    usage: Mapping[str, int],
    chunk: int,
) -> list[SseEvent]:
    """Every event of ``turn`` in order, text and tool input split into ``chunk``-character deltas.

    ``usage`` holds the four token counts; ``message_start`` carries the input side and
    ``message_delta`` the final output count, as the real API does.
    """
    start_usage = {
        "input_tokens": usage["input_tokens"],
        "cache_creation_input_tokens": usage["cache_creation_input_tokens"],
        "cache_read_input_tokens": usage["cache_read_input_tokens"],
        "output_tokens": 1,
    }
    events = [
        SseEvent(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": message_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": start_usage,
                },
            },
        )
    ]
    for index, block in enumerate(turn.blocks):
        events.append(
            SseEvent("content_block_start", block_start_payload(index, block, tool_ids[index]))
        )
        if block.kind == "text":
            for piece in _chunks(block.text, chunk):
                delta = {"type": "text_delta", "text": piece}
                events.append(_delta(index, delta, "text"))
        else:
            for piece in _chunks(tool_input_json(block), chunk):
                delta = {"type": "input_json_delta", "partial_json": piece}
                events.append(_delta(index, delta, "json"))
        events.append(
            SseEvent("content_block_stop", {"type": "content_block_stop", "index": index})
        )
    events.append(message_delta(turn.stop_reason, usage["output_tokens"]))
    events.append(SseEvent("message_stop", {"type": "message_stop"}))
    return events


def _delta(index: int, delta: Mapping[str, Any], kind: str) -> SseEvent:
    payload = {"type": "content_block_delta", "index": index, "delta": dict(delta)}
    return SseEvent("content_block_delta", payload, delta=kind, block=index)


def message_delta(stop_reason: str, output: int) -> SseEvent:
    """The ``message_delta`` event that carries the stop reason and the output-token count."""
    return SseEvent(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": output},
        },
    )


def message_json(
    turn: Turn,
    *,
    message_id: str,
    model: str,
    tool_ids: list[str],
    usage: Mapping[str, int],
) -> dict[str, Any]:
    """The whole turn as one Messages API response object (for ``stream: false``)."""
    content: list[dict[str, Any]] = []
    for index, block in enumerate(turn.blocks):
        if block.kind == "text":
            content.append({"type": "text", "text": block.text})
        else:
            content.append(
                {
                    "type": "tool_use",
                    "id": tool_ids[index],
                    "name": block.name,
                    "input": block.input,
                }
            )
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": turn.stop_reason,
        "stop_sequence": None,
        "usage": dict(usage),
    }


def error_json(error_type: str, message: str) -> dict[str, Any]:
    """An API error body (``{"type": "error", "error": {...}}``)."""
    return {"type": "error", "error": {"type": error_type, "message": message}}
