"""Run the real ``agentdesk`` command in a forked child process.

Starting an interpreter costs seconds here (``anthropic`` alone takes one to five to import on a
busy 2-core machine), and these tests start the command dozens of times. So the test process
imports everything once and forks: the child parses the same argv through :func:`tui.cli.main`,
runs with the given environment as ``os.environ`` and its stdout/stderr in files, and ends with
``os._exit`` — a separate process that ``AGENTDESK_FAULT`` and SIGKILL can end at any point, with
none of pytest's state leaking back.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tui.cli


@dataclass
class Outcome:
    """How a forked ``agentdesk`` run ended: exit code (``-9``: SIGKILLed), output, events."""

    code: int
    stdout: str
    stderr: str
    killed: bool = False
    events: list[dict[str, Any]] = field(default_factory=list)

    def of_type(self, *types: str) -> list[dict[str, Any]]:
        """The ``--json`` events of the given types, in order."""
        return [e for e in self.events if e.get("type") in types]


def _child(argv: Sequence[str], env: Mapping[str, str], out: str, err: str) -> None:
    code = 3
    try:
        for fd, path in ((1, out), (2, err)):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        sys.stdout = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False), "utf-8", line_buffering=True
        )
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), "utf-8", line_buffering=True
        )
        os.environ.clear()
        os.environ.update(env)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = tui.cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


_warm = False


def warm_up() -> None:
    """Run one small task in process, once, so every module the command imports lazily (and
    the SDK's HTTP stack) is loaded before the first fork: nothing is byte-compiled here
    (``PYTHONDONTWRITEBYTECODE``), so each child would otherwise compile them all again."""
    global _warm
    if _warm:
        return
    from agents.scripted.server import ScriptedServer
    from tests.engine.repo_fixture import agentdesk_env, make_repo

    write = {"tool_use": {"name": "Write", "input": {"file_path": "backend/w.txt", "content": "w"}}}
    scenario = {"steps": [{"blocks": [write]}, {"text": "Done."}]}
    saved = dict(os.environ)
    with (
        tempfile.TemporaryDirectory(prefix="agentdesk-warm-") as tmp,
        ScriptedServer(scenario) as server,
    ):
        repo = make_repo(Path(tmp) / "repo")
        try:
            os.environ.update(agentdesk_env(server.base_url, Path(tmp) / "home"))
            sink = io.StringIO()
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                code = tui.cli.main(
                    ["run", "backend-architect", str(repo), "--prompt", "w", "--approve", "all"]
                )
            assert code == 0, sink.getvalue()
        finally:
            os.environ.clear()
            os.environ.update(saved)
    _warm = True


def run_forked(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    timeout: float = 30.0,
    kill_when: Callable[[str], bool] | None = None,
    kill_after: float | None = None,
) -> Outcome:
    """Run ``agentdesk argv`` in a forked child with ``env``; wait for it (at most ``timeout``).

    ``kill_when(stdout_so_far)`` true, or ``kill_after`` seconds passed: the child gets SIGKILL.
    A child still running at ``timeout`` is killed and the test fails.
    """
    warm_up()
    with tempfile.TemporaryDirectory(prefix="agentdesk-fork-") as tmp:
        out, err = os.path.join(tmp, "out"), os.path.join(tmp, "err")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            _child(argv, env, out, err)
        started = time.monotonic()
        killed = False
        status = None
        while status is None:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = raw
                break
            elapsed = time.monotonic() - started
            due = kill_after is not None and elapsed >= kill_after
            if not due and kill_when is not None:
                with contextlib.suppress(FileNotFoundError):
                    due = kill_when(Path(out).read_text("utf-8", "replace"))
            if due and not killed:
                os.kill(pid, signal.SIGKILL)
                killed = True
            if elapsed > timeout and not killed:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise AssertionError(f"agentdesk {' '.join(argv[:2])} ran past {timeout} s")
            time.sleep(0.005)
        stdout = Path(out).read_text("utf-8", "replace") if os.path.exists(out) else ""
        stderr = Path(err).read_text("utf-8", "replace") if os.path.exists(err) else ""
    code = os.waitstatus_to_exitcode(status)
    return Outcome(code, stdout, stderr, killed, _events(stdout))


def _events(stdout: str) -> list[dict[str, Any]]:
    events = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                events.append(json.loads(line))
    return events
