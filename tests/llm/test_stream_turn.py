"""stream_turn against the real SDK over loopback: whole turns, and every broken turn refused."""

from __future__ import annotations

from typing import Any

import pytest

from agents.llm import TurnFailed, TurnResult, stream_turn
from tests.llm.conftest import WRITE_TURN, client_for, one_step

TOOLS = [
    {"name": "Read", "description": "read", "input_schema": {"type": "object"}},
    {"name": "Write", "description": "write", "input_schema": {"type": "object"}},
]
USER = [{"role": "user", "content": "add a hello script"}]


async def run_turn(client: Any, texts: list[str] | None = None, **kw: Any) -> TurnResult:
    params: dict[str, Any] = {
        "model": "scripted-model",
        "system": "You are backend-architect.",
        "messages": USER,
        "tools": TOOLS,
        "max_tokens": 1024,
        "on_text": (texts.append if texts is not None else (lambda _t: None)),
        "extra_headers": {"x-agentdesk-agent": "backend-architect"},
    }
    params.update(kw)
    return await stream_turn(client, **params)


async def test_whole_turn_with_text_and_tool_call(serve: Any) -> None:
    server = serve(one_step(usage={"input_tokens": 120, "output_tokens": 33}))
    texts: list[str] = []
    result = await run_turn(client_for(server), texts)
    assert result.stop_reason == "tool_use"
    assert result.content[0] == {"type": "text", "text": "I'll write the file now."}
    tool = result.content[1]
    assert tool["type"] == "tool_use" and tool["name"] == "Write"
    assert tool["id"].startswith("toolu_")
    assert tool["input"] == {"file_path": "src/app.py", "content": "print('hello')\n" * 4}
    assert "".join(texts) == "I'll write the file now."
    assert len(texts) > 1  # it really streamed, in pieces
    assert result.usage["input_tokens"] == 120
    assert result.usage["output_tokens"] == 33
    assert result.usage["cache_creation_input_tokens"] > 0  # first turn writes the cache
    assert result.usage["cache_read_input_tokens"] == 0


async def test_end_turn_text_only(serve: Any) -> None:
    server = serve(one_step({"text": "All done."}))
    result = await run_turn(client_for(server))
    assert result.stop_reason == "end_turn"
    assert result.content == [{"type": "text", "text": "All done."}]


async def test_prompt_caching_markers_in_the_request(serve: Any) -> None:
    server = serve(one_step({"text": "ok"}))
    await run_turn(client_for(server))
    body = server.requests[-1].body
    assert body["stream"] is True
    assert body["system"] == [
        {
            "type": "text",
            "text": "You are backend-architect.",
            "cache_control": {"type": "ephemeral"},
        }
    ]
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in body["tools"][0]
    assert "cache_control" not in TOOLS[-1]  # the caller's list is not modified
    assert server.requests[-1].headers["x-agentdesk-agent"] == "backend-architect"


async def test_no_caching_markers_when_disabled(serve: Any) -> None:
    server = serve(one_step({"text": "ok"}))
    result = await run_turn(client_for(server), cache=False)
    assert "cache_control" not in server.requests[-1].raw.decode()
    assert result.usage["cache_creation_input_tokens"] == 0


async def test_large_max_tokens_streams_fine(serve: Any) -> None:
    """T50: a non-streaming call with max_tokens=32000 is refused by the SDK; we always stream."""
    server = serve(one_step({"text": "ok"}))
    result = await run_turn(client_for(server), max_tokens=32000)
    assert result.stop_reason == "end_turn"
    assert server.requests[-1].body["max_tokens"] == 32000


async def test_midstream_error_is_retryable_and_yields_no_tool_call(serve: Any) -> None:
    """T44: event: error after some deltas -> TurnFailed(midstream), nothing partial returned."""
    server = serve(one_step(fault={"kind": "midstream_error", "after_deltas": 3}))
    texts: list[str] = []
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server), texts)
    assert info.value.kind == "midstream"
    assert info.value.retryable
    assert "overloaded_error" in info.value.message
    assert texts  # some text had streamed before the error


async def test_truncated_tool_never_becomes_a_result(serve: Any) -> None:
    """T45: the connection drops mid input_json_delta -> no TurnResult with a partial input."""
    server = serve(one_step(fault={"kind": "truncated_tool"}))
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server))
    assert info.value.kind == "truncated"
    assert info.value.retryable


async def test_truncated_text_stream(serve: Any) -> None:
    server = serve(one_step({"text": "a fairly long answer " * 5}, fault={"kind": "truncated"}))
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server))
    assert info.value.kind == "truncated"


async def test_max_tokens_inside_a_tool_call(serve: Any) -> None:
    """T46: stop_reason max_tokens with a tool_use -> max_tokens_tool, not retried, says why."""
    server = serve(one_step(fault={"kind": "max_tokens_tool"}))
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server), max_tokens=2048)
    assert info.value.kind == "max_tokens_tool"
    assert not info.value.retryable
    assert "max_tokens (2048)" in info.value.message


async def test_max_tokens_without_tool_call_is_a_result(serve: Any) -> None:
    server = serve(one_step({"text": "cut short", "stop_reason": "max_tokens"}))
    result = await run_turn(client_for(server))
    assert result.stop_reason == "max_tokens"
    assert result.content == [{"type": "text", "text": "cut short"}]


async def test_malformed_sse(serve: Any) -> None:
    """T47: bad JSON in a data: line -> TurnFailed(malformed), retryable."""
    server = serve(one_step(fault={"kind": "malformed"}))
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server))
    assert info.value.kind == "malformed"
    assert info.value.retryable


async def test_stall_beyond_read_timeout(serve: Any) -> None:
    """T47: the stream goes silent longer than the read timeout -> TurnFailed(timeout)."""
    server = serve(one_step(fault={"kind": "stall", "seconds": 5}))
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server, read_timeout=0.3))
    assert info.value.kind == "timeout"
    assert info.value.retryable


async def test_short_stall_within_read_timeout_succeeds(serve: Any) -> None:
    server = serve(one_step(fault={"kind": "stall", "seconds": 0.1}))
    result = await run_turn(client_for(server, read_timeout=5))
    assert result.stop_reason == "tool_use"


@pytest.mark.parametrize(
    ("fault", "kind", "hint"),
    [
        ("r400", "bad_request", "rejected the request"),
        ("r401", "auth", "ANTHROPIC_API_KEY"),
        ("r403", "permission", "permission"),
        ("r404", "not_found", "Unknown model 'scripted-model'"),
        ("r413", "too_large", "Request too large"),
    ],
)
async def test_client_errors_are_final_and_actionable(
    serve: Any, fault: str, kind: str, hint: str
) -> None:
    """T51: 400/401/403/404/413 are not retryable and say what to do."""
    server = serve(one_step(fault={"kind": fault}))
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server))
    assert info.value.kind == kind
    assert not info.value.retryable
    assert hint in info.value.message
    assert len(server.requests) == 1  # the SDK did not retry either


@pytest.mark.parametrize(
    ("fault", "kind"),
    [("r429", "rate_limited"), ("r529", "overloaded"), ("r500", "server"), ("r408", "timeout")],
)
async def test_transient_statuses_are_retryable(serve: Any, fault: str, kind: str) -> None:
    server = serve(one_step(fault={"kind": fault, "retry_after": 7}))
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server))
    assert info.value.kind == kind
    assert info.value.retryable
    assert info.value.retry_after == 7
    assert len(server.requests) == 1  # SDK retries are off: the app decides


async def test_connection_refused(serve: Any) -> None:
    server = serve(one_step())
    client = client_for(server)
    server.stop()
    with pytest.raises(TurnFailed) as info:
        await run_turn(client)
    assert info.value.kind == "connection"
    assert info.value.retryable
    assert "ANTHROPIC_BASE_URL" in info.value.message


async def test_tool_calls_with_wrong_stop_reason_are_refused(serve: Any) -> None:
    turn = dict(WRITE_TURN, stop_reason="end_turn")
    server = serve(one_step(turn))
    with pytest.raises(TurnFailed) as info:
        await run_turn(client_for(server))
    assert info.value.kind == "malformed"
