"""Engine overhead per streamed token: our code vs the SDK vs the network.

Run on demand (never part of ``pytest``)::

    uv run python tests/bench/bench_stream.py [--tokens 4000] [--repeat 5]

The scripted server runs in a separate process, so the CPU time measured here is the client's
alone. Each row streams the same turn and reports the median wall time and client CPU time:

* ``raw bytes``      httpx2 reads the SSE body, nothing decoded (network + HTTP floor);
* ``sdk events``     ``messages.create(stream=True)``, iterating the SDK's typed events;
* ``sdk helper``     ``messages.stream()`` + ``get_final_message()`` (the SDK's accumulator);
* ``stream_turn``    agentdesk's :func:`agents.llm.stream_turn` (events + our accumulation).

"our code per token" is ``stream_turn`` minus ``sdk events``, divided by the token count. The
last rows stream at 200 tokens/s (the PERF budget's pace), where every delta arrives on its own.
Nothing is asserted: the numbers are for reading, next to a floor measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.llm import ModelSettings, Secret, make_client, stream_turn

CHUNK = 4  # characters per delta: one delta is one "token"
MESSAGES = [{"role": "user", "content": "stream, please"}]


def _scenario(tokens: int, tokens_per_s: float) -> dict[str, Any]:
    text = ("lorem ipsum dolor sit amet " * (tokens * CHUNK // 27 + 1))[: tokens * CHUNK]
    speed = {"tokens_per_s": tokens_per_s, "chunk": CHUNK}
    return {
        "agents": {
            "text": {"speed": speed, "steps": [{"text": text}]},
            "tool": {
                "speed": speed,
                "steps": [
                    {
                        "blocks": [
                            {
                                "tool_use": {
                                    "name": "Write",
                                    "input": {"file_path": "a.py", "content": text},
                                }
                            }
                        ]
                    }
                ],
            },
        }
    }


def _serve(scenario: dict[str, Any], queue: Any) -> None:
    from agents.scripted import ScriptedServer

    server = ScriptedServer(scenario)
    queue.put(server.start())
    time.sleep(3600)


def start_server(scenario: dict[str, Any]) -> tuple[Any, str]:
    """Run a scripted server in a child process; returns (process, base_url)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_serve, args=(scenario, queue), daemon=True)
    process.start()
    return process, queue.get(timeout=30)


async def measure(fn: Callable[[], Awaitable[int]], repeat: int) -> tuple[float, float, int]:
    """Median wall seconds, median client CPU seconds, and the token count of one run."""
    await fn()  # warm up: imports, connection set-up
    walls, cpus, count = [], [], 0
    for _ in range(repeat):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        count = await fn()
        walls.append(time.perf_counter() - wall0)
        cpus.append(time.process_time() - cpu0)
    return statistics.median(walls), statistics.median(cpus), count


def runners(base_url: str, agent: str) -> dict[str, Callable[[], Awaitable[int]]]:
    import httpx2

    client = make_client(ModelSettings("scripted-model", base_url=base_url), Secret("bench"))
    headers = {"x-agentdesk-agent": agent}
    body = {"model": "scripted-model", "max_tokens": 64000, "messages": MESSAGES, "stream": True}
    raw_client = httpx2.AsyncClient(timeout=60)

    async def raw_bytes() -> int:
        size = 0
        async with raw_client.stream(
            "POST", f"{base_url}/v1/messages", json=body, headers=headers
        ) as response:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
        return size

    async def sdk_events() -> int:
        stream = await client.messages.create(
            model="scripted-model",
            max_tokens=64000,
            messages=MESSAGES,  # type: ignore[arg-type]
            stream=True,
            extra_headers=headers,
        )
        deltas = 0
        async for event in stream:
            deltas += event.type == "content_block_delta"
        return deltas

    async def sdk_helper() -> int:
        async with client.messages.stream(
            model="scripted-model",
            max_tokens=64000,
            messages=MESSAGES,  # type: ignore[arg-type]
            extra_headers=headers,
        ) as stream:
            message = await stream.get_final_message()
        return message.usage.output_tokens

    async def ours() -> int:
        pieces: list[str] = []
        result = await stream_turn(
            client,
            model="scripted-model",
            system="",
            messages=MESSAGES,
            tools=[],
            max_tokens=64000,
            on_text=pieces.append,
            extra_headers=headers,
        )
        return len(pieces) or len(str(result.content[0].get("input", "")))

    return {
        "raw bytes": raw_bytes,
        "sdk events": sdk_events,
        "sdk helper": sdk_helper,
        "stream_turn": ours,
    }


async def run(tokens: int, repeat: int) -> None:
    process, base_url = start_server(_scenario(tokens, 0))
    try:
        print(f"{tokens} deltas of {CHUNK} chars each; median of {repeat} runs; client CPU only")
        print(f"{'turn':<6}{'what':<14}{'wall ms':>10}{'cpu ms':>10}{'cpu µs/token':>14}")
        for agent in ("text", "tool"):
            results = {}
            for name, fn in runners(base_url, agent).items():
                wall, cpu, _ = await measure(fn, repeat)
                results[name] = (wall, cpu)
                row = f"{agent:<6}{name:<14}{wall * 1e3:>10.1f}{cpu * 1e3:>10.1f}"
                print(f"{row}{cpu / tokens * 1e6:>14.2f}")
            ours = results["stream_turn"][1] - results["sdk events"][1]
            sdk = results["sdk events"][1] - results["raw bytes"][1]
            label = "-> our code"
            print(
                f"{agent:<6}{label:<14}{'':>10}{ours * 1e3:>10.1f}{ours / tokens * 1e6:>14.2f}"
                f"   (SDK decoding: {sdk / tokens * 1e6:.2f} µs/token)"
            )
    finally:
        process.terminate()
    paced = 400
    process, base_url = start_server(_scenario(paced, 200))
    try:
        print(f"paced: {paced} tokens at 200 tokens/s, one delta per token")
        for name, fn in runners(base_url, "text").items():
            if name == "sdk helper":
                continue
            wall, cpu, _ = await measure(fn, 1)
            print(
                f"{'paced':<6}{name:<14}{wall * 1e3:>10.1f}{cpu * 1e3:>10.1f}"
                f"{cpu / paced * 1e6:>14.2f}   ({cpu / wall * 100:.2f} % of a core)"
            )
    finally:
        process.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.tokens, args.repeat))


if __name__ == "__main__":
    main()
