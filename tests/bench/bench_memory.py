"""Memory of the desk: idle with four agents, and after 10,000 streamed lines per agent
(goal: under 150 MiB; ``anthropic`` alone costs about 45 MiB).

    uv run python -m tests.bench.bench_memory [--runs 2]

Idle: the real ``agentdesk`` (with a model configured, so ``anthropic`` loads after the first
frame as in daily use), RSS read from ``/proc`` 3 s after the first frame; the floor is the bare
Textual app. Streamed: the probed desk while the scripted model plays ten turns of 1,000 lines
per agent (with a Read between turns), as fast as the desk takes them; RSS once every agent's
last turn has ended and the desk has settled. Its floor is the idle desk of the same run.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from tests.bench.bench_first_frame import bare_launch, desk_launch
from tests.bench.common import Context, log, rss_mib, tmux_session
from tests.bench.desk_run import desk_run
from tests.bench.fixtures import NAMES, team_repo
from tests.bench.results import Goal, Row, print_rows

GROUP = "memory"
TURNS, LINES_PER_TURN = 10, 1000
GOAL = Goal("< 150 MiB", "below", 150.0)


def lines_scenario() -> dict[str, Any]:
    """Each agent: ten turns of 1,000 lines, a Read between them, then a last short turn."""
    agents = {}
    for name in NAMES:
        steps: list[dict[str, Any]] = []
        for k in range(TURNS):
            text = "\n".join(
                f"line {i} of turn {k} from {name}: words" for i in range(LINES_PER_TURN)
            )
            read = {"tool_use": {"name": "Read", "input": {"file_path": "docs/README.md"}}}
            steps.append({"blocks": [{"text": text}, read]})
        steps.append({"text": "Done."})
        agents[name] = {"speed": {"tokens_per_s": 0, "chunk": 512}, "steps": steps}
    return {"agents": agents}


def idle_rss(runs: int) -> tuple[list[float], list[float]]:
    """RSS of the idle desk and of the bare app, launched alternately."""
    root = team_repo()
    desk, bare = desk_launch(root), bare_launch(root)
    out: tuple[list[float], list[float]] = ([], [])
    with tmux_session() as tm:
        for _ in range(runs):
            for launch, samples in ((desk, out[0]), (bare, out[1])):
                window = tm.spawn(launch.argv, env=launch.env, cwd=launch.cwd)
                tm.wait_for(window, launch.marker)
                time.sleep(3.0)
                samples.append(rss_mib(window.pid))
                tm.close_window(window, quit_keys=["C-q"])
    return out


def turns_ended(events: list[dict[str, Any]]) -> dict[str, int]:
    """How many turns each agent has finished."""
    counts = dict.fromkeys(NAMES, 0)
    for event in events:
        if event["ev"] == "turn_end" and event["agent"] in counts:
            counts[event["agent"]] += 1
    return counts


def streamed_rss() -> tuple[float, str]:
    """RSS after every agent streamed ten turns of 1,000 lines; and a note."""
    started = time.monotonic()
    with desk_run("memory-lines", scenario=lines_scenario(), tasks=NAMES) as desk:
        deadline = time.monotonic() + 240
        while min(turns_ended(desk.read()).values(), default=0) < TURNS + 1:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"not every agent finished its turns: {turns_ended(desk.read())}"
                )
            time.sleep(0.2)
        took = time.monotonic() - started
        time.sleep(2.0)
        rss = rss_mib(desk.window.pid)
    return rss, f"{len(NAMES)}×{TURNS * LINES_PER_TURN:,} lines streamed in {took:.0f} s"


def run(ctx: Context, runs: int | None = None) -> list[Row]:
    """The memory rows."""
    runs = runs or 2
    log(f"memory: idle desk vs bare app, {runs} launches each")
    desk, bare = idle_rss(runs)
    log(f"memory: {len(NAMES)} agents × {TURNS * LINES_PER_TURN:,} streamed lines")
    streamed, note = streamed_rss()
    return [
        Row(
            "memory: idle desk, four agents",
            "MiB",
            desk,
            bare,
            "bare Textual app",
            GOAL,
            group=GROUP,
        ),
        Row(
            "memory: after 10,000 streamed lines per agent",
            "MiB",
            [streamed],
            desk,
            "idle desk",
            GOAL,
            note=note,
            group=GROUP,
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=2)
    print_rows(run(Context(), parser.parse_args().runs))
