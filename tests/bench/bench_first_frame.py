"""First frame in a real terminal: ``agentdesk`` on a four-agent repository against the bare
Textual app with the same widgets and against Claude Code's welcome screen, launched
alternately in one run; and whether ``anthropic`` is imported before the desk's first frame.

    uv run python -m tests.bench.bench_first_frame [--runs 5]

Claude Code (npm ``@anthropic-ai/claude-code``, a native binary) is installed with npm into
the bench directory on first use, outside the repository; when npm, the registry or the binary
is not available the row says so and the rest runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from pathlib import Path

from tests.bench.common import BENCH_DIR, Context, Launch, alternate, log, tmux_session, wait_gone
from tests.bench.desk_run import agentdesk_argv, desk_env, python_argv, read_probe, with_repo_path
from tests.bench.fixtures import MARKER, NAMES, team_repo
from tests.bench.results import Goal, Row, print_rows, unavailable

GROUP = "first frame"
CLAUDE_PACKAGE = "@anthropic-ai/claude-code@2.1.332"
CLAUDE_MARKER = "Welcome to Claude Code"
#: The desk never calls the model while its agents are idle; a closed port is enough.
IDLE_URL = "http://127.0.0.1:9"


def claude_code() -> tuple[Path | None, str]:
    """The Claude Code binary (installed on first use), or None and the reason."""
    prefix = BENCH_DIR / "claude-code"
    binary = prefix / "node_modules" / ".bin" / "claude"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None, "npm is not installed"
        log(f"installing {CLAUDE_PACKAGE} with npm into {prefix} (once)")
        prefix.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(
                [
                    npm,
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                    str(prefix),
                    CLAUDE_PACKAGE,
                ],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None, "npm install did not finish in 300 s"
        if done.returncode != 0 or not binary.exists():
            last = (done.stderr or done.stdout).strip().splitlines()
            return None, f"npm install failed: {last[-1] if last else done.returncode}"
    try:
        check = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"claude does not start: {exc}"
    if check.returncode != 0:
        return None, f"claude --version exited {check.returncode}"
    return binary, check.stdout.strip()


def claude_launch(binary: Path) -> Launch:
    """Claude Code in an empty folder with its own HOME (new each harness run): it starts to
    its welcome screen, offline."""
    home = BENCH_DIR / "cc-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    work = BENCH_DIR / "cc-work"
    work.mkdir(parents=True, exist_ok=True)
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "DISABLE_AUTOUPDATER": "1",
    }
    return Launch([str(binary)], env, work, CLAUDE_MARKER)


#: The desk's header, the same on its first frame (the opening skeleton) and its main screen.
DESK_FIRST = "agentdesk · "


def desk_launch(root: Path) -> Launch:
    """The real ``agentdesk PATH`` (with a model configured, as in daily use): its first
    frame is the header; it is ready when the agents' names are on screen."""
    argv = [*agentdesk_argv(), str(root)]
    return Launch(argv, desk_env(base_url=IDLE_URL), root, DESK_FIRST, ready=MARKER)


def bare_launch(root: Path) -> Launch:
    """The bare Textual app with the desk's widgets, the same names and the same tree."""
    argv = python_argv(
        "tests.bench.bare_app", "--names", ",".join(sorted(NAMES)), "--tree", str(root)
    )
    return Launch(argv, with_repo_path(desk_env()), root, MARKER)


def anthropic_probe(root: Path, runs: int) -> tuple[list[float], str]:
    """Launch the desk under the probe: 1 per run where ``anthropic`` was imported before the
    first frame; a note saying when it was imported."""
    flags: list[float] = []
    after: list[float] = []
    threads: set[str] = set()
    with tmux_session() as tm:
        for n in range(runs):
            events_path = BENCH_DIR / f"probe-first-{n}.jsonl"
            events_path.unlink(missing_ok=True)
            argv = python_argv("tests.bench.probe", str(events_path), str(root))
            window = tm.spawn(argv, env=with_repo_path(desk_env(base_url=IDLE_URL)), cwd=root)
            tm.wait_for(window, MARKER)
            deadline = 40
            while deadline and not any(
                e["ev"] == "anthropic_import" for e in read_probe(events_path)
            ):
                deadline -= 1
                wait_gone(window.pid, 0.1)
            tm.close_window(window, quit_keys=["C-q"])
            events = read_probe(events_path)
            first = next((e for e in events if e["ev"] == "first_frame"), None)
            imported = next((e for e in events if e["ev"] == "anthropic_import"), None)
            if first is None:
                continue
            flags.append(1.0 if first["anthropic"] else 0.0)
            if imported is not None:
                after.append((imported["t"] - first["t"]) * 1000)
                threads.add(imported["thread"])
    if after:
        note = (
            f"anthropic import began {min(after):.0f}–{max(after):.0f} ms after the first frame, "
            f"on thread {', '.join(sorted(threads))}"
        )
    else:
        note = "anthropic was not imported within 4 s of the first frame"
    return flags, note


def run(ctx: Context) -> list[Row]:
    """The first-frame rows."""
    root = team_repo()
    binary, version = claude_code()
    launches = {"desk": desk_launch(root), "bare": bare_launch(root)}
    if binary is not None:
        launches["claude"] = claude_launch(binary)
    log(f"first frame: {', '.join(launches)} alternately, {ctx.runs} runs each")
    with tmux_session() as tm:
        times = alternate(tm, launches, ctx.runs)
    rows = [
        Row(
            "first frame: desk, 4 agents",
            "ms",
            times["desk"],
            times["bare"],
            "bare Textual app",
            Goal("≤ 1.5× floor", "ratio", 1.5),
            note="the desk's header and 'opening …' line; the workspace opens after it",
            group=GROUP,
        ),
        Row(
            "desk ready: 4 agents on screen",
            "ms",
            times["desk:ready"],
            times["bare"],
            "bare Textual app",
            Goal("≤ 1.5× floor", "ratio", 1.5),
            note="the same launches, until every pane's name is on screen",
            group=GROUP,
        ),
    ]
    if binary is not None:
        rows.append(
            Row(
                "first frame: desk vs Claude Code",
                "ms",
                times["desk"],
                times["claude"],
                "Claude Code welcome",
                Goal("≤ 1.0× floor", "ratio", 1.0),
                note=f"Claude Code {version}, its own HOME, offline, to its welcome screen",
                group=GROUP,
            )
        )
        rows.append(
            Row(
                "first frame: Claude Code (peer)",
                "ms",
                times["claude"],
                times["bare"],
                "bare Textual app",
                note="PERF.md measured about 0.6× the bare Textual app",
                group=GROUP,
            )
        )
    else:
        rows.append(
            unavailable(
                "first frame: desk vs Claude Code",
                "ms",
                f"Claude Code unavailable: {version}",
                group=GROUP,
                goal=Goal("≤ 1.0× floor", "ratio", 1.0),
            )
        )
    flags, note = anthropic_probe(root, max(2, ctx.runs // 2))
    rows.append(
        Row(
            "anthropic imported before first frame",
            "",
            flags,
            goal=Goal("never (max 0)", "at_most", 0, stat="max"),
            note=f"{len(flags)} probed launches; {note}",
            group=GROUP,
        )
    )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    print_rows(run(Context(runs=parser.parse_args().runs)))
