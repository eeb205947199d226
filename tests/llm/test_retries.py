"""call_with_retries with the real SDK and the scripted server (T42, T43): visible, capped,
cancellable retries; sleeps are injected so the suite stays fast."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from agents.llm import RetryPolicy, TurnFailed, TurnResult, call_with_retries, stream_turn
from tests.llm.conftest import client_for, one_step

FAST = RetryPolicy(max_attempts=5, base_s=0.01, cap_s=0.05, retry_after_cap_s=60.0)


def turn_call(client: Any, agent: str = "backend-architect") -> Any:
    async def call() -> TurnResult:
        return await stream_turn(
            client,
            model="scripted-model",
            system="sys",
            messages=[{"role": "user", "content": "go"}],
            tools=[],
            max_tokens=512,
            on_text=lambda _t: None,
            extra_headers={"x-agentdesk-agent": agent},
        )

    return call


class FakeSleep:
    """Records requested sleeps without waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def test_r429_honours_retry_after_and_reports_before_sleeping(serve: Any) -> None:
    """T42: the countdown event comes first, with the server's retry-after."""
    server = serve(one_step({"text": "ok"}, fault={"kind": "r429", "retry_after": 23, "times": 2}))
    events: list[tuple[str, Any]] = []
    sleep = FakeSleep()

    async def recording_sleep(delay: float) -> None:
        events.append(("sleep", delay))
        await sleep(delay)

    result = await call_with_retries(
        turn_call(client_for(server)),
        FAST,
        lambda attempt, delay, reason: events.append(("retry", (attempt, delay, reason))),
        sleep=recording_sleep,
    )
    assert result.content == [{"type": "text", "text": "ok"}]
    assert [e[0] for e in events] == ["retry", "sleep", "retry", "sleep"]
    assert events[0][1][:2] == (2, 23.0)
    assert events[2][1][:2] == (3, 23.0)
    assert "rate limited" in events[0][1][2]
    assert len(server.requests) == 3


async def test_retry_after_is_capped(serve: Any) -> None:
    """T42: a huge retry-after never makes us wait longer than the cap."""
    server = serve(one_step({"text": "ok"}, fault={"kind": "r429", "retry_after": 100000}))
    sleep = FakeSleep()
    policy = RetryPolicy(max_attempts=3, retry_after_cap_s=60.0)
    await call_with_retries(turn_call(client_for(server)), policy, lambda *a: None, sleep=sleep)
    assert sleep.delays == [60.0]


async def test_cancel_during_the_countdown(serve: Any) -> None:
    """T42: cancelling the task during the wait stops at once; no further request is sent."""
    server = serve(one_step({"text": "ok"}, fault={"kind": "r429", "retry_after": 30}))
    announced = asyncio.Event()
    task = asyncio.create_task(
        call_with_retries(turn_call(client_for(server)), RetryPolicy(), lambda *a: announced.set())
    )
    await asyncio.wait_for(announced.wait(), 10)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 1.0
    assert len(server.requests) == 1


async def test_cancel_during_a_stalled_stream(serve: Any) -> None:
    server = serve(one_step({"text": "some text " * 10}, fault={"kind": "stall", "seconds": 30}))
    task = asyncio.create_task(
        call_with_retries(turn_call(client_for(server)), FAST, lambda *a: None)
    )
    while not server.requests:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 1.0


async def test_r500_then_200_succeeds(serve: Any) -> None:
    """T43: a transient 500 is retried and the second attempt succeeds."""
    server = serve(one_step({"text": "recovered"}, fault={"kind": "r500"}))
    retries: list[int] = []
    result = await call_with_retries(
        turn_call(client_for(server)), FAST, lambda a, d, r: retries.append(a)
    )
    assert result.content[0]["text"] == "recovered"
    assert retries == [2]


async def test_r529_exhausts_attempts_with_a_clear_message(serve: Any) -> None:
    """T43: persistent overload -> "Anthropic API overloaded after 5 attempts"."""
    server = serve(one_step({"text": "never"}, fault={"kind": "r529", "times": 99}))
    sleep = FakeSleep()
    retries: list[tuple[int, float, str]] = []
    with pytest.raises(TurnFailed) as info:
        await call_with_retries(
            turn_call(client_for(server)),
            RetryPolicy(max_attempts=5, base_s=1.0, cap_s=16.0, jitter=0.25),
            lambda a, d, r: retries.append((a, d, r)),
            sleep=sleep,
        )
    assert info.value.kind == "overloaded"
    assert info.value.message.startswith("Anthropic API overloaded after 5 attempts")
    assert info.value.attempts == 5
    assert len(server.requests) == 5
    assert [a for a, _, _ in retries] == [2, 3, 4, 5]
    # jittered exponential backoff: 1, 2, 4, 8 minus up to 25 %
    for delay, nominal in zip(sleep.delays, [1, 2, 4, 8], strict=True):
        assert nominal * 0.75 <= delay <= nominal


async def test_backoff_is_capped() -> None:
    policy = RetryPolicy(base_s=1.0, cap_s=16.0, jitter=0.0)
    assert [policy.delay(n, None) for n in range(1, 8)] == [1, 2, 4, 8, 16, 16, 16]
    assert policy.delay(3, 0.0) == 4  # a zero retry-after falls back to backoff
    assert policy.delay(3, 5.0) == 5.0
    assert policy.delay(3, 500.0) == 60.0


async def test_hang_times_out_then_succeeds(serve: Any) -> None:
    """T43: a server that never answers -> timeout, retried; the next attempt is served."""
    server = serve(one_step({"text": "late"}, fault={"kind": "hang", "seconds": 5}))
    retries: list[str] = []
    result = await call_with_retries(
        turn_call(client_for(server, read_timeout=0.3)), FAST, lambda a, d, r: retries.append(r)
    )
    assert result.content[0]["text"] == "late"
    assert len(retries) == 1 and "timeout" in retries[0]


@pytest.mark.parametrize("fault", ["midstream_error", "truncated", "malformed"])
async def test_broken_streams_are_retried_whole(serve: Any, fault: str) -> None:
    """T44/T45/T47: the partial turn is discarded and the same step is played again."""
    server = serve(one_step(fault={"kind": fault}))
    result = await call_with_retries(turn_call(client_for(server)), FAST, lambda *a: None)
    assert result.stop_reason == "tool_use"
    assert result.content[1]["input"]["file_path"] == "src/app.py"
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body


@pytest.mark.parametrize("fault", ["r400", "r401", "r404", "r413", "max_tokens_tool"])
async def test_final_errors_are_not_retried(serve: Any, fault: str) -> None:
    """T46/T51: one request, no retry event, the original actionable error."""
    server = serve(one_step(fault={"kind": fault}))
    retries: list[Any] = []
    with pytest.raises(TurnFailed) as info:
        await call_with_retries(turn_call(client_for(server)), FAST, lambda *a: retries.append(a))
    assert not info.value.retryable
    assert retries == []
    assert len(server.requests) == 1
    assert "attempts" not in info.value.message


async def test_total_wait_never_exceeds_the_caps() -> None:
    """Whatever the server asks, the sum of waits is bounded by attempts x caps."""
    calls = 0

    async def always_429() -> TurnResult:
        nonlocal calls
        calls += 1
        raise TurnFailed("rate_limited", "429", retry_after=10_000)

    sleep = FakeSleep()
    policy = RetryPolicy(max_attempts=4, retry_after_cap_s=60.0)
    with pytest.raises(TurnFailed) as info:
        await call_with_retries(always_429, policy, lambda *a: None, sleep=sleep)
    assert calls == 4
    assert sum(sleep.delays) <= 3 * 60.0
    assert info.value.message.startswith("Anthropic API rate limited after 4 attempts")
