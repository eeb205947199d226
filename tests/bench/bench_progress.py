"""Benchmark: PROGRESS.md parse time, and write → updated model latency through the watcher.

Run on demand: ``uv run python tests/bench/bench_progress.py [writes]``. Prints a table of
medians and p95s for 200- and 5,000-line files, next to floors measured in the same run: a bare
``split`` of the same text for parsing, and watchfiles' own event latency (same debounce and
step, no reading or parsing) for the watcher. Goals: parse 5,000 lines well under 50 ms;
write → model median under 100 ms. Never part of ``uv run pytest``; asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from watchfiles import awatch

from agents.progress import ProgressDoc, parse_progress
from agents.progress_watch import watch_progress

DEBOUNCE_MS, STEP_MS = 30, 10  # the watcher defaults (step 10: 100 wake-ups a second at rest)


def make_doc(lines: int, version: int = 0) -> str:
    """A PROGRESS.md in the seed's format, ``lines`` long, that differs per ``version``."""
    out = ["# Progress", "", f"Revision {version}", ""]
    phase = 0
    while len(out) < lines:
        phase += 1
        out.append(f"## Phase {phase}: Development")
        for k in range(12):
            mark = "x" if (k + version) % 3 else " "
            out.append(f"- [{mark}] @agent-{k} - COMPLETE (2026-01-06 14:{k:02d})")
            out.append(f"  - note {k} on `src/api/{k}.ts`")
        out += ["", "### Backend Setup Instructions", "```bash", "npm install", "```", ""]
        out += ["Prose about the phase, with *emphasis* and a [link](https://example.com).", ""]
    out = [*out[: lines - 4], "## Blockers", f"- @agent-1: waiting on {version}", "- None", ""]
    return "\n".join(out[:lines]) + "\n"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def watcher_latency(path: Path, texts: list[str], rename: bool) -> list[float]:
    """Write each text (in place or by rename); time until the watcher delivers it."""
    delivered: dict[str, float] = {}
    arrived = asyncio.Event()

    def seen(doc: ProgressDoc) -> None:
        delivered[doc.text] = time.perf_counter()
        arrived.set()

    stop = asyncio.Event()
    task = asyncio.create_task(
        watch_progress(path, seen, stop=stop, debounce_ms=DEBOUNCE_MS, step_ms=STEP_MS)
    )
    await asyncio.sleep(0.3)
    samples = []
    for n, text in enumerate(texts):
        arrived.clear()
        start = time.perf_counter()
        if rename:
            tmp = path.with_name(f".PROGRESS.md.{n}")
            tmp.write_text(text)
            os.replace(tmp, path)
        else:
            path.write_text(text)
        while text not in delivered:
            await asyncio.wait_for(arrived.wait(), 5)
            arrived.clear()
        samples.append((delivered[text] - start) * 1000)
        await asyncio.sleep(0.03)
    stop.set()
    await task
    return samples


async def event_floor(path: Path, texts: list[str]) -> list[float]:
    """watchfiles alone: write → first event for the file, same debounce and step."""
    stop = asyncio.Event()
    events: asyncio.Queue[float] = asyncio.Queue()

    async def listen() -> None:
        async for _ in awatch(
            path.parent,
            watch_filter=lambda _c, p: os.path.basename(p) == path.name,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            recursive=False,
        ):
            events.put_nowait(time.perf_counter())

    task = asyncio.create_task(listen())
    await asyncio.sleep(0.3)
    samples = []
    for text in texts:
        start = time.perf_counter()
        path.write_text(text)
        samples.append((await asyncio.wait_for(events.get(), 5) - start) * 1000)
        await asyncio.sleep(0.03)
    stop.set()
    await task
    return samples


def row(name: str, samples: list[float]) -> str:
    return f"| {name:<44} | {statistics.median(samples):8.2f} | {pct(samples, 0.95):8.2f} |"


def main() -> None:
    writes = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print(f"| {'measure (ms)':<44} | {'median':>8} | {'p95':>8} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 10}|")
    for lines in (200, 5000):
        text = make_doc(lines)
        assert len(text.splitlines()) == lines
        runs = 200 if lines == 200 else 40
        print(row(f"floor: split {lines} lines", timed(lambda t=text: t.split("\n"), runs)))
        print(row(f"parse {lines} lines", timed(lambda t=text: parse_progress(t), runs)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "PROGRESS.md"
        for lines in (200, 5000):
            texts = [make_doc(lines, v) for v in range(1, writes + 1)]
            path.write_text(make_doc(lines, 0))
            floor = asyncio.run(event_floor(path, texts))
            print(row(f"floor: watchfiles event, {lines} lines", floor))
            path.write_text(make_doc(lines, 0))
            print(
                row(
                    f"write → model, {lines} lines",
                    asyncio.run(watcher_latency(path, texts, False)),
                )
            )
            path.write_text(make_doc(lines, 0))
            renamed = asyncio.run(watcher_latency(path, texts, True))
            print(row(f"rename save → model, {lines} lines", renamed))
    print(
        f"\n(debounce {DEBOUNCE_MS} ms, step {STEP_MS} ms, settle 15 ms; {writes} writes each;"
        f" {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
