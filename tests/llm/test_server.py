"""The scripted server as the real SDK sees it: scripts, steps, branches, faults, recording."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import time
from typing import Any

import pytest

from agents.llm import TurnFailed, TurnResult, stream_turn
from agents.scripted import ScriptedServer
from agents.scripted.scenario import END_TEXT
from tests.llm.conftest import WRITE_TURN, client_for

TWO_AGENTS = {
    "agents": {
        "default": {"steps": [{"text": "default speaking"}]},
        "backend-architect": {
            "steps": [
                WRITE_TURN,
                {
                    "text": "Plain second step.",
                    "if_error": {"text": "You rejected it; leaving the file alone."},
                    "if_ok": {"text": "Written."},
                    "if_result_contains": {"FAILED": {"text": "Tests fail; fixing."}},
                },
            ]
        },
    }
}


async def turn(
    server: ScriptedServer, messages: list[dict[str, Any]], agent: str | None = None
) -> TurnResult:
    return await stream_turn(
        client_for(server),
        model="scripted-model",
        system="sys",
        messages=messages,
        tools=[],
        max_tokens=512,
        on_text=lambda _t: None,
        extra_headers={"x-agentdesk-agent": agent} if agent else {},
    )


def after_tool(first: TurnResult, result: str, is_error: bool) -> list[dict[str, Any]]:
    tool_id = first.content[1]["id"]
    return [
        {"role": "user", "content": "write it"},
        {"role": "assistant", "content": first.content},
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": tool_id,
                    "content": [{"type": "text", "text": result}],
                    "is_error": is_error,
                }
            ],
        },
    ]


async def test_script_per_agent_and_default_fallback(serve: Any) -> None:
    server = serve(TWO_AGENTS)
    user = [{"role": "user", "content": "hi"}]
    mine = await turn(server, user, "backend-architect")
    other = await turn(server, user, "frontend-architect")
    anonymous = await turn(server, user)
    assert mine.content[1]["name"] == "Write"
    assert other.content == [{"type": "text", "text": "default speaking"}]
    assert anonymous.content == other.content


async def test_no_script_for_agent_is_a_clear_400(serve: Any) -> None:
    server = serve({"agents": {"only-me": {"steps": [{"text": "x"}]}}})
    with pytest.raises(TurnFailed) as info:
        await turn(server, [{"role": "user", "content": "hi"}], "stranger")
    assert info.value.kind == "bad_request"
    assert "no script for agent 'stranger'" in info.value.message


async def test_step_follows_assistant_count_and_replays_identically(serve: Any) -> None:
    server = serve(TWO_AGENTS)
    first = await turn(server, [{"role": "user", "content": "hi"}], "backend-architect")
    again = await turn(server, [{"role": "user", "content": "hi"}], "backend-architect")
    assert first == again  # same request, same step, same ids (a retry replays it)
    messages = after_tool(first, "ok", False)
    second = await turn(server, messages, "backend-architect")
    assert second.content == [{"type": "text", "text": "Written."}]
    messages += [{"role": "assistant", "content": second.content}]
    messages += [{"role": "user", "content": "anything else?"}]
    third = await turn(server, messages, "backend-architect")
    assert third.content == [{"type": "text", "text": END_TEXT}]
    assert third.stop_reason == "end_turn"


@pytest.mark.parametrize(
    ("result", "is_error", "expected"),
    [
        ("Rejected by the person: not now", True, "You rejected it; leaving the file alone."),
        ("wrote 4 lines", False, "Written."),
        ("3 passed, 1 FAILED", False, "Tests fail; fixing."),
        ("1 FAILED", True, "Tests fail; fixing."),
    ],
)
async def test_branches_on_the_last_tool_result(
    serve: Any, result: str, is_error: bool, expected: str
) -> None:
    server = serve(TWO_AGENTS)
    first = await turn(server, [{"role": "user", "content": "hi"}], "backend-architect")
    reply = await turn(server, after_tool(first, result, is_error), "backend-architect")
    assert reply.content == [{"type": "text", "text": expected}]


async def test_step_without_tool_result_plays_its_own_turn(serve: Any) -> None:
    server = serve(TWO_AGENTS)
    messages = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "text", "text": "earlier"}]},
        {"role": "user", "content": "and now?"},
    ]
    reply = await turn(server, messages, "backend-architect")
    assert reply.content == [{"type": "text", "text": "Plain second step."}]


async def test_fault_fires_times_then_the_step_plays(serve: Any) -> None:
    server = serve({"steps": [{"text": "finally", "fault": {"kind": "r503", "times": 2}}]})
    user = [{"role": "user", "content": "hi"}]
    for _ in range(2):
        with pytest.raises(TurnFailed) as info:
            await turn(server, user, "a")
        assert info.value.status == 503
    assert (await turn(server, user, "a")).content[0]["text"] == "finally"
    with pytest.raises(TurnFailed):  # counted per agent: another agent sees its own faults
        await turn(server, user, "b")


async def test_script_fault_applies_to_every_step_but_tool_faults_skip_text_steps(
    serve: Any,
) -> None:
    server = serve(
        {"agents": {"default": {"fault": {"kind": "truncated_tool"}, "steps": [{"text": "hi"}]}}}
    )
    assert (await turn(server, [{"role": "user", "content": "x"}])).content[0]["text"] == "hi"
    server2 = serve({"agents": {"default": {"fault": {"kind": "r500"}, "steps": [{"text": "a"}]}}})
    with pytest.raises(TurnFailed):
        await turn(server2, [{"role": "user", "content": "x"}])


async def test_non_streaming_gets_the_same_content(serve: Any) -> None:
    server = serve({"steps": [WRITE_TURN]})
    client = client_for(server)
    message = await client.messages.create(
        model="scripted-model",
        max_tokens=100,
        messages=[{"role": "user", "content": "hi"}],
        extra_headers={"x-agentdesk-agent": "a"},
    )
    streamed = await turn(server, [{"role": "user", "content": "hi"}], "a")
    assert message.stop_reason == "tool_use"
    assert [b.model_dump(exclude_none=True) for b in message.content] == streamed.content
    assert message.usage.output_tokens == streamed.usage["output_tokens"]


@pytest.mark.parametrize("kind", ["truncated", "malformed", "midstream_error"])
async def test_non_streaming_faults_fail(serve: Any, kind: str) -> None:
    import anthropic

    server = serve({"steps": [dict(WRITE_TURN, fault={"kind": kind})]})
    with pytest.raises((anthropic.APIError, json.JSONDecodeError)):
        await client_for(server).messages.create(
            model="scripted-model", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
        )


async def test_usage_reports_cache_read_after_the_first_turn(serve: Any) -> None:
    server = serve(TWO_AGENTS)
    first = await turn(server, [{"role": "user", "content": "hi"}], "backend-architect")
    second = await turn(server, after_tool(first, "ok", False), "backend-architect")
    assert first.usage["cache_creation_input_tokens"] > 0
    assert first.usage["cache_read_input_tokens"] == 0
    assert second.usage["cache_read_input_tokens"] == first.usage["cache_creation_input_tokens"]
    assert second.usage["cache_creation_input_tokens"] == 0


async def test_speed_paces_the_stream(serve: Any) -> None:
    server = serve({"steps": [{"text": "x" * 40, "speed": {"tokens_per_s": 100, "chunk": 2}}]})
    pieces: list[str] = []
    started = time.monotonic()
    await stream_turn(
        client_for(server),
        model="scripted-model",
        system="",
        messages=[{"role": "user", "content": "hi"}],
        tools=[],
        max_tokens=100,
        on_text=pieces.append,
        extra_headers={},
    )
    assert pieces == ["xx"] * 20
    assert time.monotonic() - started >= 0.19  # 20 deltas at 100/s: at least ~0.2 s


def raw_post(server: ScriptedServer, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    host, port = server.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("POST", path, body=body, headers={"content-type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return response.status, data


def test_unknown_route_and_bad_body(serve: Any) -> None:
    server = serve({"steps": [{"text": "x"}]})
    status, data = raw_post(server, "/v1/complete", b"{}")
    assert status == 404 and data["error"]["type"] == "not_found_error"
    status, data = raw_post(server, "/v1/messages", b"not json")
    assert status == 400 and data["error"]["type"] == "invalid_request_error"
    status, data = raw_post(server, "/v1/messages", b'{"model": "m"}')
    assert status == 400 and "messages" in data["error"]["message"]
    assert [r.path for r in server.requests] == ["/v1/complete", "/v1/messages", "/v1/messages"]
    assert server.requests[1].body is None and server.requests[1].raw == b"not json"


async def test_stop_wakes_a_stalled_response_and_releases_the_port() -> None:
    server = ScriptedServer(
        {"steps": [{"text": "abc " * 20, "fault": {"kind": "stall", "seconds": 60}}]}
    )
    base_url = server.start()
    task = asyncio.create_task(turn(server, [{"role": "user", "content": "x"}]))
    while not server.requests:
        await asyncio.sleep(0.01)
    started = time.monotonic()
    server.stop()
    server.stop()  # idempotent
    assert time.monotonic() - started < 2.0
    with pytest.raises(TurnFailed):
        await asyncio.wait_for(task, 5)
    port = int(base_url.rsplit(":", 1)[1])
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))  # nothing listens there any more
    with pytest.raises(RuntimeError):
        _ = server.base_url


def test_context_manager_and_scenario_file(tmp_path: Any) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("steps:\n  - text: from a file\n", encoding="utf-8")
    with ScriptedServer(path) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        status, data = raw_post(
            server,
            "/v1/messages",
            json.dumps({"model": "m", "max_tokens": 5, "messages": []}).encode(),
        )
    assert status == 200
    assert data["content"] == [{"type": "text", "text": "from a file"}]
