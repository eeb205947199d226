"""TurnBuilder on hand-made event sequences: shapes the scripted server does not produce."""

from __future__ import annotations

from types import SimpleNamespace as NS
from typing import Any

import pytest

from agents.llm_errors import TurnFailed
from agents.llm_stream import TurnBuilder


def usage(**kw: int) -> NS:
    return NS(**kw)


def start(**u: int) -> NS:
    return NS(type="message_start", message=NS(usage=usage(**u)))


def block(index: int, **content: Any) -> NS:
    return NS(type="content_block_start", index=index, content_block=Block(**content))


class Block(NS):
    def model_dump(self, exclude_none: bool = False) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not (exclude_none and v is None)}


def delta(index: int, **d: Any) -> NS:
    return NS(type="content_block_delta", index=index, delta=NS(**d))


def stop(index: int) -> NS:
    return NS(type="content_block_stop", index=index)


def end(reason: str | None, **u: int) -> list[NS]:
    return [NS(type="message_delta", delta=NS(stop_reason=reason), usage=usage(**u))]


FINISH = NS(type="message_stop")


def build(events: list[NS]) -> tuple[TurnBuilder, list[str]]:
    builder, texts = TurnBuilder(), []
    for event in events:
        text = builder.feed(event)
        if text:
            texts.append(text)
    return builder, texts


def test_thinking_and_unknown_blocks_are_kept_and_empty_text_dropped() -> None:
    builder, texts = build(
        [
            start(input_tokens=5, cache_read_input_tokens=7, output_tokens=1),
            block(0, type="thinking", thinking="", signature=""),
            delta(0, type="thinking_delta", thinking="hmm"),
            delta(0, type="signature_delta", signature="sig"),
            stop(0),
            block(1, type="text", text=""),
            stop(1),
            block(2, type="server_tool_use", id="s1", name="web", input={}, extra=None),
            stop(2),
            block(3, type="text", text=""),
            delta(3, type="text_delta", text="Hi"),
            delta(3, type="citations_delta", citation={}),
            delta(9, type="text_delta", text="orphan"),  # unknown index: ignored
            stop(3),
            *end("end_turn", output_tokens=12, input_tokens=None),
            FINISH,
        ]
    )
    result = builder.result(100)
    assert texts == ["Hi"]
    assert result.content == [
        {"type": "thinking", "thinking": "hmm", "signature": "sig"},
        {"type": "server_tool_use", "id": "s1", "name": "web", "input": {}},
        {"type": "text", "text": "Hi"},
    ]
    assert result.usage == {
        "input_tokens": 5,
        "output_tokens": 12,
        "cache_read_input_tokens": 7,
        "cache_creation_input_tokens": 0,
    }


def tool_turn(parts: list[str], reason: str | None, finish: bool = True) -> list[NS]:
    events = [start(input_tokens=1), block(0, type="tool_use", id="t1", name="Write")]
    events += [delta(0, type="input_json_delta", partial_json=p) for p in parts]
    events += [stop(0), *end(reason)]
    return [*events, FINISH] if finish else events


def test_tool_input_is_parsed_once_whole() -> None:
    builder, _ = build(tool_turn(['{"file_', 'path": "a.py"}'], "tool_use"))
    result = builder.result(100)
    assert result.content == [
        {"type": "tool_use", "id": "t1", "name": "Write", "input": {"file_path": "a.py"}}
    ]
    empty, _ = build(tool_turn([], "tool_use"))
    assert empty.result(100).content[0]["input"] == {}


@pytest.mark.parametrize(
    ("events", "kind", "retryable"),
    [
        (tool_turn(['{"a": 1}'], "tool_use", finish=False), "truncated", True),
        (tool_turn(['{"a": 1}'], None), "truncated", True),
        (tool_turn(['{"a": '], "max_tokens"), "max_tokens_tool", False),
        (tool_turn(['{"a": '], "tool_use"), "malformed", True),
        (tool_turn(["[1, 2]"], "tool_use"), "malformed", True),
        (tool_turn(['{"a": 1}'], "end_turn"), "malformed", False),
        (tool_turn(['{"a": 1}'], "refusal"), "bad_request", False),
        (tool_turn(['{"a": 1}'], "model_context_window_exceeded"), "too_large", False),
        ([start(), *end("tool_use"), FINISH], "malformed", False),
    ],
)
def test_incomplete_turns_are_refused(events: list[NS], kind: str, retryable: bool) -> None:
    builder, _ = build(events)
    with pytest.raises(TurnFailed) as info:
        builder.result(100)
    assert info.value.kind == kind
    assert info.value.retryable is retryable


@pytest.mark.parametrize(
    "event",
    [
        delta(0, type="input_json_delta", partial_json="{"),  # json delta into a text block
        NS(type="content_block_delta", index=0),  # no delta
        NS(type="message_start"),  # no message
        NS(type="content_block_start", index=1, content_block=NS(type="tool_use")),
    ],
)
def test_events_that_do_not_fit_are_malformed_not_crashes(event: NS) -> None:
    builder, _ = build([start(), block(0, type="text", text="")])
    with pytest.raises(TurnFailed) as info:
        builder.feed(event)
    assert info.value.kind == "malformed"


def test_message_delta_without_usage_is_accepted() -> None:
    builder, _ = build(
        [
            start(input_tokens=3),
            block(0, type="text", text="ok"),
            stop(0),
            NS(type="message_delta", delta=NS(stop_reason="end_turn")),
            FINISH,
        ]
    )
    result = builder.result(10)
    assert result.content == [{"type": "text", "text": "ok"}]
    assert result.usage["input_tokens"] == 3
