"""run_command: exact bytes (T22), scrubbed env (T25), caps, timeouts and group kills (T26)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from agents.tools.bash import run_command, scrubbed_env, timeout_seconds

from .conftest import CANARY


def _live_members(pgid: int) -> list[int]:
    """Processes of group ``pgid`` that are not zombies (a container's init may reap late)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _alive(pgid: int) -> bool:
    """True while group ``pgid`` has a live process (the os.killpg probe, zombies aside)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if not Path("/proc/self/stat").exists():
        return True
    return bool(_live_members(pgid))


def _alive_pid(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat_file = Path(f"/proc/{pid}/stat")
    try:
        return stat_file.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return not stat_file.parent.parent.exists()


async def test_exit_code_and_cwd(tmp_path: Path) -> None:
    out = await run_command("pwd; echo err >&2; exit 3", cwd=tmp_path)
    assert out.is_error
    assert str(tmp_path) in out.content and "err" in out.content
    assert out.content.endswith("Exit code: 3")
    ok = await run_command("true", cwd=tmp_path)
    assert not ok.is_error and ok.content == "Exit code: 0"


async def test_runs_exactly_the_approved_bytes(tmp_path: Path) -> None:
    command = "printf '%s' 'a\rb\x1b[2Kc\u202ed' > out.bin\nprintf 'second line' > two.txt"
    out = await run_command(command, cwd=tmp_path)
    assert not out.is_error, out.content
    assert (tmp_path / "out.bin").read_bytes() == "a\rb\x1b[2Kc\u202ed".encode()
    assert (tmp_path / "two.txt").read_text() == "second line"


async def test_env_is_scrubbed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", CANARY)
    monkeypatch.setenv("MY_SERVICE_TOKEN", CANARY)
    monkeypatch.setenv("DB_PASSWORD", CANARY)
    monkeypatch.setenv("LC_CTYPE", "C.UTF-8")
    out = await run_command("env", cwd=tmp_path)
    assert CANARY not in out.content
    assert "ANTHROPIC" not in out.content
    assert "PATH=" in out.content and "LC_CTYPE=C.UTF-8" in out.content
    assert "GIT_TERMINAL_PROMPT=0" in out.content


def test_scrubbed_env_allowlist() -> None:
    env = scrubbed_env(
        {
            "PATH": "/bin",
            "HOME": "/h",
            "AWS_SECRET_ACCESS_KEY": "x",
            "GITHUB_TOKEN": "x",
            "ANTHROPIC_BASE_URL": "http://x",
            "RANDOM_VAR": "x",
            "LC_ALL": "C",
        }
    )
    assert env["PATH"] == "/bin" and env["HOME"] == "/h" and env["LC_ALL"] == "C"
    for gone in ("AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "ANTHROPIC_BASE_URL", "RANDOM_VAR"):
        assert gone not in env


async def test_output_is_capped_with_notice(tmp_path: Path) -> None:
    out = await run_command("yes", cwd=tmp_path, timeout_s=1, max_output=2000)
    assert len(out.content) < 2500
    assert "output truncated" in out.content
    assert out.is_error
    # `yes` hits the 64 MiB hard limit in well under a second; a slow machine times out first.
    assert "more than 64 MiB" in out.content or "Timed out after 1 s" in out.content
    head = await run_command("seq 1 100000", cwd=tmp_path, max_output=1000)
    assert head.content.startswith("1\n2\n3\n")
    assert "100000" in head.content  # the tail is kept too
    assert head.content.endswith("Exit code: 0")


async def test_timeout_kills_the_command(tmp_path: Path) -> None:
    started = time.monotonic()
    out = await run_command("echo started; sleep 1000", cwd=tmp_path, timeout_s=0.5)
    assert time.monotonic() - started < 10
    assert out.is_error and "Timed out" in out.content and "started" in out.content


async def test_background_children_are_killed(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    started = time.monotonic()
    out = await run_command(f"sleep 1000 & echo $! > {pidfile}; echo done", cwd=tmp_path)
    assert time.monotonic() - started < 10
    assert "done" in out.content and not out.is_error
    child = int(pidfile.read_text())
    pgid = os.getpgid(child) if _alive_pid(child) else child
    for _ in range(50):
        if not _alive_pid(child) or not _alive(pgid):
            break
        await asyncio.sleep(0.05)
    assert not _alive_pid(child), "the background sleep survived"


async def test_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "pgid"
    command = f"bash -c 'sleep 1000 &' ; ps -o pgid= $$ > {pidfile}; sleep 1000"
    out = await run_command(command, cwd=tmp_path, timeout_s=0.5)
    assert out.is_error
    pgid = int(pidfile.read_text().strip())
    for _ in range(50):
        if not _alive(pgid):
            break
        await asyncio.sleep(0.05)
    assert not _alive(pgid), os.popen(f"ps -o pid,ppid,pgid,stat,lstart,cmd -g {pgid}").read()


async def test_stdin_is_closed(tmp_path: Path) -> None:
    started = time.monotonic()
    out = await run_command("cat; echo after-cat", cwd=tmp_path, timeout_s=5)
    assert time.monotonic() - started < 4
    assert "after-cat" in out.content and out.content.endswith("Exit code: 0")


async def test_no_controlling_terminal(tmp_path: Path) -> None:
    out = await run_command("exec 3</dev/tty && echo has-tty || echo no-tty", cwd=tmp_path)
    assert "no-tty" in out.content


async def test_cancellation_kills_the_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    task = asyncio.create_task(run_command(f"echo $$ > {pidfile}; sleep 1000", cwd=tmp_path))
    for _ in range(100):
        if pidfile.exists() and pidfile.read_text().strip():
            break
        await asyncio.sleep(0.02)
    pgid = int(pidfile.read_text())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(50):
        if not _alive(pgid):
            break
        await asyncio.sleep(0.05)
    assert not _alive(pgid), os.popen(f"ps -o pid,ppid,pgid,stat,lstart,cmd -g {pgid}").read()


async def test_killed_by_signal_is_reported(tmp_path: Path) -> None:
    out = await run_command(f"kill -{int(signal.SIGTERM)} $$", cwd=tmp_path)
    assert out.is_error and "signal 15" in out.content


async def test_nul_in_command(tmp_path: Path) -> None:
    out = await run_command("echo a\x00b", cwd=tmp_path)
    assert out.is_error and "NUL" in out.content


def test_timeout_seconds() -> None:
    assert timeout_seconds({}) == 120.0
    assert timeout_seconds({"timeout": 1500}) == 1.5
    assert timeout_seconds({"timeout": 10**9}) == 600.0
    assert timeout_seconds({"timeout": True}) == 120.0
