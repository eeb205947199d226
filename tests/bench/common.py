"""Shared pieces of the benchmark harness: timing, CPU / memory / wake-up sampling through
``/proc``, and a tmux "spawn → visible" driver (a private server, fixed size, polled through one
control-mode client).

Nothing here asserts anything about time: benchmarks report numbers next to a floor measured
in the same run (see ``tests/bench/README.md``); :mod:`tests.bench.results` makes the table.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Generated repositories, the Claude Code install and scratch files, kept between runs.
BENCH_DIR = Path(
    os.environ.get("AGENTDESK_BENCH_DIR", Path(tempfile.gettempdir()) / "agentdesk-bench")
)
#: Terminal size of every tmux window the harness opens.
COLS, ROWS = 160, 48
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- timing ------------------------------------------------------------------------------------


def time_ms(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall time of ``fn`` in milliseconds, ``runs`` times."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def log(message: str) -> None:
    """Progress on stderr, so the table on stdout stays clean."""
    print(f"  · {message}", file=sys.stderr, flush=True)


# -- /proc -------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def context_switches(pid: int) -> int:
    """Voluntary context switches of every thread of ``pid`` (each is one sleep → wake-up)."""
    total = 0
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with (
                contextlib.suppress(FileNotFoundError, ProcessLookupError),
                open(f"/proc/{pid}/task/{task}/status", encoding="ascii") as fh,
            ):
                for line in fh:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
    return total


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone, possibly between open and read
        return False


def wait_gone(pid: int, timeout: float = 5.0) -> bool:
    """Wait until ``pid`` has exited; False on timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not alive(pid):
            return True
        time.sleep(0.01)
    return not alive(pid)


# -- tmux --------------------------------------------------------------------------------------


class TmuxError(RuntimeError):
    """tmux refused a command or the marker never showed."""


@dataclass
class Window:
    """A program running in its own tmux window."""

    pane: str
    pid: int
    started: float


class Tmux:
    """A private tmux server (``-L``, fixed size) driven through one control-mode client, so
    polling ``capture-pane`` costs about 0.1 ms instead of a process spawn."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        if shutil.which("tmux") is None:
            raise TmuxError("tmux is not installed")
        self.socket = f"agentdesk-bench-{os.getpid()}-{time.monotonic_ns()}"
        base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        server_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm-256color",
            **(env or {}),
        }
        subprocess.run(
            [
                *base,
                "new-session",
                "-d",
                "-s",
                "bench",
                "-x",
                str(COLS),
                "-y",
                str(ROWS),
                "sleep 86400",
            ],
            check=True,
            env=server_env,
            capture_output=True,
        )
        try:
            self._attach(base, server_env)
        except BaseException:
            self.close()  # never leave a server behind
            raise

    def _attach(self, base: list[str], server_env: Mapping[str, str]) -> None:
        self._client = subprocess.Popen(
            [*base, "-C", "attach", "-t", "bench"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            env=server_env,
        )
        assert self._client.stdout is not None
        self._fd = self._client.stdout.fileno()
        self._buf = b""
        while not self._line().startswith(b"%session-changed"):
            pass  # attached: commands that need a client (refresh-client) work from here
        # (window-size manual would make tmux 3.3 drop a control client on new-window)
        for option in (f"default-size {COLS}x{ROWS}", "remain-on-exit on", "status off"):
            self.command(f"set-option -g {option}")
        self.command(f"refresh-client -C {COLS}x{ROWS}")
        self.command("refresh-client -f no-output")

    def _line(self) -> bytes:
        while b"\n" not in self._buf:
            data = os.read(self._fd, 65536)
            if not data:
                raise TmuxError("the tmux control client exited")
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        return line

    def command(self, text: str) -> str:
        """Run one tmux command through the control client; returns its output."""
        assert self._client.stdin is not None
        self._client.stdin.write(text.encode() + b"\n")
        while True:
            line = self._line()
            if line.startswith(b"%begin") and line.split()[-1] == b"1":
                break
        body: list[bytes] = []
        while True:
            line = self._line()
            if line.startswith((b"%end", b"%error")):
                out = b"\n".join(body).decode("utf-8", "replace")
                if line.startswith(b"%error"):
                    raise TmuxError(f"tmux {text.split()[0]}: {out}")
                return out
            body.append(line)

    def spawn(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | str) -> Window:
        """Start ``argv`` in a new window with exactly ``env``; ``started`` is taken just
        before tmux is asked to create the window."""
        assigns = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        shell = f"cd {shlex.quote(str(cwd))} && exec env -i {assigns} {shlex.join(argv)}"
        started = time.monotonic()
        out = self.command(f"new-window -d -P -F '#{{pane_id}} #{{pane_pid}}' {shlex.quote(shell)}")
        pane, pid = out.split()
        return Window(pane, int(pid), started)

    def capture(self, pane: str) -> str:
        """The visible text of ``pane``."""
        return self.command(f"capture-pane -p -t {pane}")

    def wait_for(
        self, window: Window, marker: str, *, timeout: float = 20.0, since: float | None = None
    ) -> float:
        """Poll (~2 ms) until ``marker`` is on screen; seconds since ``since`` (default: spawn)."""
        start = window.started if since is None else since
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                text = self.capture(window.pane)
            except TmuxError:
                text = ""
            if marker in text:
                return time.monotonic() - start
            if not alive(window.pid):
                time.sleep(0.2)
                raise TmuxError(f"exited before {marker!r} showed:\n{self.capture(window.pane)}")
            time.sleep(0.002)
        raise TmuxError(f"{marker!r} not on screen after {timeout:.0f} s:\n{text}")

    def send_keys(self, window: Window, *keys: str) -> float:
        """Send tmux key names (``y``, ``C-q``, ``End``); returns the time just before."""
        at = time.monotonic()
        self.command(f"send-keys -t {window.pane} " + " ".join(shlex.quote(k) for k in keys))
        return at

    def close_window(self, window: Window, *, quit_keys: Sequence[str] = ()) -> None:
        """Quit politely with ``quit_keys`` if given, else (or after 5 s) kill the window."""
        if quit_keys and alive(window.pid):
            with contextlib.suppress(TmuxError):
                self.send_keys(window, *quit_keys)
            if wait_gone(window.pid, 5.0):
                return
        with contextlib.suppress(TmuxError):
            self.command(f"kill-pane -t {window.pane}")
        wait_gone(window.pid, 5.0)

    def close(self) -> None:
        """Kill the server and its socket."""
        with contextlib.suppress(Exception):
            subprocess.run(
                ["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10
            )
        with contextlib.suppress(Exception):
            self._client.kill()
            self._client.wait(5)
        with contextlib.suppress(OSError):
            (Path(f"/tmp/tmux-{os.getuid()}") / self.socket).unlink()

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def tmux_session(env: Mapping[str, str] | None = None) -> Iterator[Tmux]:
    """A private tmux server for the duration of the block."""
    tm = Tmux(env)
    try:
        yield tm
    finally:
        tm.close()


@dataclass(frozen=True)
class Launch:
    """How to start one program and what on screen says its first frame is up."""

    argv: Sequence[str]
    env: Mapping[str, str]
    cwd: Path
    marker: str
    quit_keys: Sequence[str] = ()
    #: A later marker that says the program is fully up (the desk: its agents on screen),
    #: timed from the same spawn as ``marker``; its samples go under ``name + ":ready"``.
    ready: str | None = None


def time_to_visible(tm: Tmux, launch: Launch, *, timeout: float = 30.0) -> float:
    """Spawn → ``marker`` on screen, in ms; the window is closed afterwards."""
    return times_to_visible(tm, launch, timeout=timeout)[0]


def times_to_visible(
    tm: Tmux, launch: Launch, *, timeout: float = 30.0
) -> tuple[float, float | None]:
    """Spawn → ``marker`` on screen, and spawn → ``ready`` (if given), in ms."""
    window = tm.spawn(launch.argv, env=launch.env, cwd=launch.cwd)
    try:
        first = tm.wait_for(window, launch.marker, timeout=timeout) * 1000
        ready = None
        if launch.ready is not None:
            ready = tm.wait_for(window, launch.ready, timeout=timeout) * 1000
        return first, ready
    finally:
        tm.close_window(window, quit_keys=launch.quit_keys)


def alternate(
    tm: Tmux, launches: Mapping[str, Launch], runs: int, *, warm: bool = True
) -> dict[str, list[float]]:
    """Time-to-visible of each launch, interleaved (the order rotates every round) so load
    changes on the machine fall on all of them alike; one untimed warm-up launch each."""
    names = list(launches)
    if warm:
        for name in names:
            time_to_visible(tm, launches[name])
    out: dict[str, list[float]] = {name: [] for name in names}
    for r in range(runs):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            first, ready = times_to_visible(tm, launches[name])
            out[name].append(first)
            if ready is not None:
                out.setdefault(f"{name}:ready", []).append(ready)
    return out


@dataclass
class Context:
    """Run-wide settings every figure reads."""

    quick: bool = False
    stream_seconds: float = 15.0
    idle_seconds: float = 15.0
    runs: int = 5
