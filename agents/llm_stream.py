"""Turning the Messages API's raw stream events into one whole assistant turn, or a refusal.

:class:`TurnBuilder` accumulates ``content_block_*`` and ``message_*`` events itself (tool input is
parsed once, when its block ends, not on every delta) and :meth:`TurnBuilder.result` accepts the
turn only when it ended with ``message_stop`` and a stop reason that leaves its tool calls whole
(THREATS T44–T46). Anything else raises :class:`~agents.llm_errors.TurnFailed`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from agents.llm_errors import TurnFailed

ACCEPTED_STOP_REASONS = frozenset({"end_turn", "tool_use", "stop_sequence", "max_tokens"})


@dataclass(frozen=True)
class TurnResult:
    """A complete assistant turn.

    ``content`` holds the blocks as plain dicts (``text``; ``tool_use`` with ``id``, ``name`` and a
    parsed ``input``), ready to go back into ``messages``. ``stop_reason`` is ``end_turn``,
    ``tool_use``, ``stop_sequence`` or ``max_tokens`` (the last only without tool calls).
    ``usage`` has ``input_tokens``, ``output_tokens``, ``cache_read_input_tokens`` and
    ``cache_creation_input_tokens``. Empty text blocks are dropped (the API refuses them in
    history), so ``content`` can be empty for an ``end_turn`` with nothing said.
    """

    content: list[dict[str, Any]]
    stop_reason: str
    usage: dict[str, int]


class TurnBuilder:
    """Accumulates raw stream events into a turn; it parses tool input only when a block ends."""

    def __init__(self) -> None:
        self.blocks: dict[int, dict[str, Any]] = {}
        self.json_parts: dict[int, list[str]] = {}
        self.bad_json: set[int] = set()
        self.stopped: set[int] = set()
        self.stop_reason: str | None = None
        self.finished = False
        self.usage = dict.fromkeys(
            (
                "input_tokens",
                "output_tokens",
                "cache_read_input_tokens",
                "cache_creation_input_tokens",
            ),
            0,
        )

    def feed(self, event: Any) -> str:
        """Take one event; returns the text delta it carried, if any.

        An event that does not fit the turn so far (a delta of the wrong kind for its block, a
        missing field) raises :class:`TurnFailed` ``malformed`` rather than a bare error.
        """
        try:
            return self._feed(event)
        except (AttributeError, KeyError, TypeError) as exc:
            problem = f"{type(exc).__name__} on a {getattr(event, 'type', '?')!s:.40} event"
        raise TurnFailed("malformed", f"The response stream did not fit the protocol ({problem}).")

    def _feed(self, event: Any) -> str:
        kind = event.type
        if kind == "content_block_delta":
            delta = event.delta
            block = self.blocks.get(event.index)
            if block is None:
                return ""
            if delta.type == "text_delta":
                block["text"] += delta.text
                return str(delta.text)
            if delta.type == "input_json_delta":
                self.json_parts[event.index].append(delta.partial_json)
            elif delta.type == "thinking_delta":
                block["thinking"] += delta.thinking
            elif delta.type == "signature_delta":
                block["signature"] += delta.signature
        elif kind == "content_block_start":
            self._start(event.index, event.content_block)
        elif kind == "content_block_stop":
            self._stop(event.index)
        elif kind == "message_start":
            self._usage(event.message.usage)
        elif kind == "message_delta":
            self.stop_reason = event.delta.stop_reason
            self._usage(getattr(event, "usage", None))  # some compatible servers omit it
        elif kind == "message_stop":
            self.finished = True
        return ""

    def _start(self, index: int, block: Any) -> None:
        if block.type == "text":
            self.blocks[index] = {"type": "text", "text": block.text or ""}
        elif block.type == "tool_use":
            self.blocks[index] = {"type": "tool_use", "id": block.id, "name": block.name}
            self.json_parts[index] = []
        elif block.type == "thinking":
            self.blocks[index] = {"type": "thinking", "thinking": "", "signature": ""}
        else:
            self.blocks[index] = block.model_dump(exclude_none=True)

    def _stop(self, index: int) -> None:
        self.stopped.add(index)
        if index not in self.json_parts:
            return
        raw = "".join(self.json_parts[index]) or "{}"
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if isinstance(value, dict):
            self.blocks[index]["input"] = value
        else:
            self.bad_json.add(index)

    def _usage(self, usage: Any) -> None:
        for key in self.usage:
            value = getattr(usage, key, None)
            if isinstance(value, int):
                self.usage[key] = value

    def result(self, max_tokens: int) -> TurnResult:
        """The finished turn, or :class:`TurnFailed` if it is not whole."""
        tools = [i for i, b in self.blocks.items() if b["type"] == "tool_use"]
        if not self.finished or self.stop_reason is None:
            raise TurnFailed(
                "truncated",
                "The response stream ended before message_stop; the partial turn was discarded.",
            )
        if self.stop_reason == "max_tokens" and tools:
            raise TurnFailed(
                "max_tokens_tool",
                f"The model reached max_tokens ({max_tokens}) while writing a tool call, so the "
                "call was discarded. Ask for smaller steps (e.g. several smaller edits) or raise "
                "max_tokens.",
                retryable=False,
            )
        if self.stop_reason not in ACCEPTED_STOP_REASONS:
            kind = "too_large" if "context_window" in self.stop_reason else "bad_request"
            raise TurnFailed(
                kind,
                f"The model stopped with stop_reason {self.stop_reason!r}; the turn was discarded.",
                retryable=False,
            )
        whole = all(i in self.stopped and i not in self.bad_json for i in tools)
        if tools and (self.stop_reason != "tool_use" or not whole):
            raise TurnFailed(
                "malformed",
                f"The model's tool calls were incomplete (stop_reason {self.stop_reason!r}); "
                "they were discarded.",
                retryable=self.stop_reason == "tool_use",
            )
        if self.stop_reason == "tool_use" and not tools:
            raise TurnFailed(
                "malformed", "stop_reason tool_use without a tool call.", retryable=False
            )
        content = [
            self.blocks[i]
            for i in sorted(self.blocks)
            if not (self.blocks[i]["type"] == "text" and not self.blocks[i]["text"])
        ]
        return TurnResult(content=content, stop_reason=self.stop_reason, usage=dict(self.usage))
