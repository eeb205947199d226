"""Four agents streaming at 200 tokens/s each from the scripted model (its own process): tokens
lost, the UI's frame interval while streaming, and the desk's CPU per 1,000 tokens.

    uv run python -m tests.bench.bench_streaming [--seconds 15]

PERF.md's figure is 60 s; the harness runs 15 s by default to fit its five minutes (pass
``--seconds 60`` for the full figure). A token is one delta of 4 characters. "Lost" compares,
per agent, the text the scripted model sent with what the pane finally shows (and the engine
holds). Frame times come from the probe (every frame written to the terminal between the first
delta and the last turn's end); CPU is the desk process's own (all threads), from the probe at
the first delta and at the last turn's end. The floor is the bare Textual app appending the
same number of deltas at the same pace to four panes (each pane shows the tail of its buffer
in a Static, updated per delta).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from typing import Any

from tests.bench.common import Context, log, rss_mib
from tests.bench.desk_run import CHUNK, RATE, bare_run, desk_run, streaming_scenario
from tests.bench.fixtures import NAMES, stream_text
from tests.bench.results import Goal, Row, print_rows

GROUP = "streaming"
SHORT = " (PERF: 60 s; run_all --stream-seconds 60)"


def lost_tokens(expected: str, got: str) -> int:
    """Tokens of ``expected`` missing from ``got`` (everything after the first difference)."""
    same = 0
    for a, b in zip(expected, got, strict=False):
        if a != b:
            break
        same += 1
    missing = len(expected) - same
    return -(-missing // CHUNK)


def intervals(frames: list[float], start: float, end: float) -> list[float]:
    """Gaps between consecutive frames inside [start, end], in ms."""
    inside = [t for t in frames if start <= t <= end]
    return [(b - a) * 1000 for a, b in itertools.pairwise(inside)]


def desk_stream(seconds: float) -> dict[str, Any]:
    """Run the desk with four streaming agents until every turn ends; collect the figures."""
    tokens = int(seconds * RATE)
    with desk_run("stream", scenario=streaming_scenario(tokens), tasks=NAMES) as desk:
        start = desk.wait(lambda e: e["ev"] == "stream_start", 60)
        ends: dict[str, dict[str, Any]] = {}
        for name in NAMES:
            ends[name] = desk.wait(
                lambda e, n=name: e["ev"] == "turn_end" and e["agent"] == n, seconds * 4 + 60
            )
        time.sleep(1.0)  # the UI handles the turns' last events before the quit reads the panes
        rss = rss_mib(desk.window.pid)
    events = desk.read()
    last = max(ends.values(), key=lambda e: e["t"])
    frames = next(e for e in events if e["ev"] == "exit")["frames"]
    finals = {e["agent"]: e for e in events if e["ev"] == "final"}
    deltas = sum(e["deltas"] for e in ends.values())
    lost_ui, lost_engine = [], []
    for name in NAMES:
        expected = stream_text(tokens, CHUNK, name)
        final = finals.get(name, {})
        lost_ui.append(float(lost_tokens(expected, final.get("ui", ""))))
        lost_engine.append(float(lost_tokens(expected, final.get("engine", ""))))
    wall = last["t"] - start["t"]
    return {
        "lost_ui": lost_ui,
        "lost_engine": lost_engine,
        "intervals": intervals(frames, start["t"], last["t"]),
        "cpu_per_1000": (last["cpu"] - start["cpu"]) / max(1, deltas) * 1e6,
        "core_share": (last["cpu"] - start["cpu"]) / wall * 100 if wall > 0 else 0.0,
        "rate": deltas / len(NAMES) / wall if wall > 0 else 0.0,
        "deltas": deltas,
        "rss": rss,
    }


def bare_stream(seconds: float) -> dict[str, Any]:
    """The floor: the bare app appending the same deltas at the same pace."""
    with bare_run(
        "stream-bare", "--stream", str(seconds), "--rate", str(RATE), "--chunk", str(CHUNK)
    ) as bare:
        end = bare.wait(lambda e: e["ev"] == "stream_end", seconds * 2 + 30)
    events = bare.read()
    start = next(e for e in events if e["ev"] == "stream_start")
    frames = next(e for e in events if e["ev"] == "exit")["frames"]
    return {
        "intervals": intervals(frames, start["t"], end["t"]),
        "cpu_per_1000": (end["cpu"] - start["cpu"]) / max(1, end["deltas"]) * 1e6,
    }


def run(ctx: Context, seconds: float | None = None) -> list[Row]:
    """The streaming rows."""
    seconds = seconds or ctx.stream_seconds
    log(f"streaming: four agents, {RATE:.0f} tokens/s each, {seconds:.0f} s")
    desk = desk_stream(seconds)
    bare = bare_stream(seconds)
    share = f"{desk['core_share']:.0f}% of a core while streaming"
    return [
        Row(
            "streaming 4×200 tok/s: tokens lost per agent",
            "tok",
            desk["lost_ui"],
            goal=Goal("0 (max)", "at_most", 0, stat="max"),
            note=(
                f"{seconds:.0f} s run{SHORT if seconds < 60 else ''}; {desk['deltas']:,} deltas "
                f"arrived, {desk['rate']:.0f} tokens/s per agent achieved; engine lost "
                f"{sum(desk['lost_engine']):.0f}"
            ),
            group=GROUP,
        ),
        Row(
            "streaming: frame interval",
            "ms",
            desk["intervals"],
            bare["intervals"],
            "bare app, same pace",
            Goal("median ≤ 25 ms (≈ 20)", "at_most", 25.0),
            group=GROUP,
        ),
        Row(
            "streaming: CPU per 1,000 tokens",
            "ms",
            [desk["cpu_per_1000"]],
            [bare["cpu_per_1000"]],
            "bare app, same pace",
            note=f"desk process: {share}, RSS {desk['rss']:.0f} MiB at the end",
            group=GROUP,
        ),
    ]


def frame_rate(gaps: list[float]) -> float:
    """Frames per second implied by the median gap."""
    return 1000 / statistics.median(gaps) if gaps else 0.0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=15.0)
    print_rows(run(Context(), parser.parse_args().seconds))
