"""How the harness launches things: the real ``agentdesk`` command, the probed desk (in tmux on
the four-agent repository, optionally with agents streaming from the scripted model in its own
process) and the bare floor app; clean environments; reading probe events."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.common import BENCH_DIR, REPO_ROOT, Tmux, Window, alive, tmux_session
from tests.bench.fixtures import (
    MARKER,
    NAMES,
    reset_state,
    scripted_server,
    seed_session,
    stream_text,
    team_repo,
)

CHUNK = 4  # characters per delta: one delta stands for one token
RATE = 200.0  # tokens a second per agent


def agentdesk_argv() -> list[str]:
    """The real ``agentdesk`` console script of this environment."""
    script = Path(sys.executable).with_name("agentdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]


def python_argv(module: str, *args: str) -> list[str]:
    """``python -m module args`` with this interpreter (give it :func:`with_repo_path`)."""
    return [sys.executable, "-m", module, *args]


def with_repo_path(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` plus PYTHONPATH to this checkout, for the harness's own launchers."""
    return {**env, "PYTHONPATH": str(REPO_ROOT)}


def desk_env(
    *, base_url: str | None = None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A clean environment: isolated HOME and config, the scripted server as the model."""
    home = BENCH_DIR / "home"
    (home / ".config").mkdir(parents=True, exist_ok=True)
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }
    if base_url:
        env["ANTHROPIC_BASE_URL"] = base_url
        env["ANTHROPIC_API_KEY"] = "bench-placeholder-not-a-key"
    env.update(extra or {})
    return env


def read_probe(path: Path) -> list[dict[str, Any]]:
    """The JSON-lines events a probed process wrote (a torn last line is skipped)."""
    out = []
    with contextlib.suppress(FileNotFoundError):
        for line in path.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError):
                out.append(json.loads(line))
    return out


def wait_probe(
    path: Path, pred: Callable[[dict[str, Any]], bool], timeout: float, pid: int | None = None
) -> dict[str, Any]:
    """Poll a probe file until an event satisfies ``pred``; raises TimeoutError."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for event in read_probe(path):
            if pred(event):
                return event
        if pid is not None and not alive(pid):
            raise TimeoutError("the probed process exited")
        time.sleep(0.01)
    raise TimeoutError(f"no matching probe event in {path} after {timeout:.0f} s")


def streaming_scenario(tokens: int, *, rate: float = RATE, chunk: int = CHUNK) -> dict[str, Any]:
    """Every agent streams ``tokens`` deltas of text in one turn at ``rate`` a second."""
    speed = {"tokens_per_s": rate, "chunk": chunk}
    return {
        "agents": {
            name: {"speed": speed, "steps": [{"text": stream_text(tokens, chunk, name)}]}
            for name in NAMES
        }
    }


@dataclass
class DeskRun:
    """A running, probed desk."""

    tm: Tmux
    window: Window
    events: Path
    root: Path

    def read(self) -> list[dict[str, Any]]:
        """Every probe event so far."""
        return read_probe(self.events)

    def wait(self, pred: Any, timeout: float = 20.0) -> dict[str, Any]:
        """The first probe event matching ``pred`` (waits for it)."""
        return wait_probe(self.events, pred, timeout, self.window.pid)


@contextlib.contextmanager
def desk_run(
    label: str,
    *,
    scenario: Mapping[str, Any] | None = None,
    tasks: Sequence[str] = (),
    root: Path | None = None,
    prepare: Any = None,
) -> Iterator[DeskRun]:
    """Open the probed desk on a fresh copy of the team's state.

    ``scenario`` serves the scripted model; ``tasks`` names agents left mid-task, which the
    desk resumes (starts) on launch; ``prepare(root)`` runs before the launch. On exit the
    desk quits with ctrl+q (so the probe writes its frames) and the server stops.
    """
    root = root or team_repo()
    reset_state(root)
    for name in tasks:
        seed_session(root, name, f"Benchmark task for {name}: go.")
    if prepare is not None:
        prepare(root)
    events = BENCH_DIR / f"probe-{label}.jsonl"
    events.unlink(missing_ok=True)
    server = scripted_server(scenario) if scenario is not None else contextlib.nullcontext("")
    with server as url, tmux_session() as tm:
        env = with_repo_path(desk_env(base_url=url or "http://127.0.0.1:9"))
        window = tm.spawn(
            python_argv("tests.bench.probe", str(events), str(root)), env=env, cwd=root
        )
        tm.wait_for(window, MARKER, timeout=60)
        run = DeskRun(tm, window, events, root)
        run.wait(lambda e: e["ev"] == "first_frame", 30)
        try:
            yield run
        finally:
            tm.close_window(window, quit_keys=["C-q"])
            time.sleep(0.05)


@contextlib.contextmanager
def bare_run(label: str, *args: str, root: Path | None = None) -> Iterator[DeskRun]:
    """The bare floor app, probed, in tmux on the team repository with ``args``."""
    root = root or team_repo()
    events = BENCH_DIR / f"probe-{label}.jsonl"
    events.unlink(missing_ok=True)
    argv = python_argv(
        "tests.bench.bare_app",
        "--names",
        ",".join(sorted(NAMES)),
        "--tree",
        str(root),
        "--probe",
        str(events),
        *args,
    )
    with tmux_session() as tm:
        window = tm.spawn(argv, env=with_repo_path(desk_env()), cwd=root)
        tm.wait_for(window, MARKER, timeout=60)
        try:
            yield DeskRun(tm, window, events, root)
        finally:
            tm.close_window(window, quit_keys=["C-q"])
