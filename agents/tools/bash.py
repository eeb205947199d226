"""The Bash tool: a command proposal, and the runner that executes an approved one.

The command text is kept exactly as the model sent it: the bytes the person approves are the
bytes passed to ``bash -c`` as one argv element, never re-joined or re-quoted (THREATS T22).
Running it (T25/T26): the project root as working directory, stdin from ``/dev/null``, its own
session and process group (so no controlling terminal), an environment reduced to an allowlist
with anything secret-looking removed, an output cap with a notice, and a timeout (or a
cancellation) that kills the whole process group. Background children left behind when the
command exits are killed too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field

from agents.proposal import Proposal
from agents.sanitize import has_hidden, sanitize_command
from agents.tools.base import Tool, ToolArgs, ToolContext, ToolError, ToolOutcome, args_as
from agents.tools.bash_risk import destructive_reason

DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000
MAX_COMMAND_CHARS = 100_000
#: Past this much output the command is killed: nobody reads it and draining costs a core.
HARD_OUTPUT_LIMIT = 64 << 20

_ALLOWED_NAMES = frozenset(
    {
        "PATH", "HOME", "LANG", "LANGUAGE", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR",
        "TEMP", "TMP", "TZ", "COLORTERM", "NO_COLOR", "EDITOR", "VISUAL", "PAGER",
        "JAVA_HOME", "GOPATH", "GOROOT", "GOCACHE", "CARGO_HOME", "RUSTUP_HOME", "NVM_DIR",
        "VIRTUAL_ENV", "PYENV_ROOT", "CONDA_PREFIX", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
        "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
    }
)  # fmt: skip
_SECRET_NAME = re.compile(
    r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|^ANTHROPIC_|^AWS_|^GH_",
    re.IGNORECASE,
)
#: Set for every command: no pagers, no prompts for git credentials, no colour codes.
_FIXED = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "TERM": "dumb"}


class BashArgs(ToolArgs):
    """Input of the Bash tool (Claude Code's parameters)."""

    command: Annotated[
        str, Field(min_length=1, max_length=MAX_COMMAND_CHARS, description="The command to run")
    ]
    timeout: Annotated[
        int | None,
        Field(
            ge=1,
            le=MAX_TIMEOUT_MS,
            description=f"Optional timeout in milliseconds (max {MAX_TIMEOUT_MS})",
        ),
    ] = None
    description: Annotated[
        str | None,
        Field(max_length=1000, description="What this command does, in 5-10 words"),
    ] = None


def scrubbed_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment a command gets: allowlisted names only, nothing secret-looking.

    Kept: the names in the allowlist and ``LC_*``, unless the name also looks like a secret
    (``*KEY*``, ``*TOKEN*``, ``*SECRET*``, ``*PASSWORD*``, ``ANTHROPIC_*``...). Then a few
    fixed values turn off pagers, colour and git's credential prompt.
    """
    out = {
        name: value
        for name, value in env.items()
        if (name in _ALLOWED_NAMES or name.startswith("LC_")) and not _SECRET_NAME.search(name)
    }
    out.update(_FIXED)
    out.setdefault("PATH", os.defpath)
    return out


def timeout_seconds(tool_input: Mapping[str, Any]) -> float:
    """The run timeout of a Bash proposal's input, in seconds (default 120, max 600)."""
    value = tool_input.get("timeout")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return min(value, MAX_TIMEOUT_MS) / 1000.0
    return DEFAULT_TIMEOUT_MS / 1000.0


class _Output:
    """Keeps the head and the tail of a stream within ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 2)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.limit // 2 - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            excess = len(self.tail) - (self.limit - self.limit // 2)
            if excess > 0:
                del self.tail[:excess]

    def text(self) -> str:
        head = self.head.decode("utf-8", "replace")
        if self.total <= len(self.head) + len(self.tail):
            return head + self.tail.decode("utf-8", "replace")
        dropped = self.total - len(self.head) - len(self.tail)
        tail = self.tail.decode("utf-8", "replace")
        return f"{head}\n\n[... output truncated: {dropped:,} bytes omitted ...]\n\n{tail}"


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


async def _pump(stream: asyncio.StreamReader, out: _Output, pgid: int) -> None:
    while True:
        chunk = await stream.read(1 << 16)
        if not chunk:
            return
        out.add(chunk)
        if out.total > HARD_OUTPUT_LIMIT:
            _kill_group(pgid)


async def run_command(
    command: str,
    *,
    cwd: Path,
    timeout_s: float = 120,
    max_output: int = 30_000,
    env: Mapping[str, str] | None = None,
) -> ToolOutcome:
    """Run an approved command exactly as approved; the result names the exit code.

    ``env`` defaults to this process's environment; either way it is scrubbed. Cancelling the
    awaiting task kills the command's process group before the cancellation propagates.
    """
    if "\x00" in command:
        return ToolOutcome("The command contains a NUL byte and cannot be run.", is_error=True)
    # Our own pipe, not asyncio's: Process.wait() would otherwise also wait for every
    # background child holding the pipe open, so the command could never "finish".
    read_fd, write_fd = os.pipe()
    try:
        proc = await asyncio.create_subprocess_exec(
            "bash",
            "-c",
            command,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=write_fd,
            stderr=write_fd,
            env=scrubbed_env(os.environ if env is None else env),
            start_new_session=True,
        )
    except OSError as exc:
        os.close(read_fd)
        return ToolOutcome(f"The command could not be started: {exc.strerror}", is_error=True)
    finally:
        os.close(write_fd)
    pgid = proc.pid  # start_new_session: the child leads its own process group
    out = _Output(max_output)
    stream = asyncio.StreamReader()
    pipe = os.fdopen(read_fd, "rb", buffering=0)
    transport: asyncio.BaseTransport | None = None
    reader: asyncio.Future[None] | None = None
    timed_out = False
    try:
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stream), pipe
        )
        reader = asyncio.ensure_future(_pump(stream, out, pgid))
        try:
            await asyncio.wait_for(proc.wait(), timeout=max(timeout_s, 0.001))
        except TimeoutError:
            timed_out = True
        _kill_group(pgid)  # the timeout, or children left running in the background
        await proc.wait()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(reader), timeout=2)
    except asyncio.CancelledError:
        _kill_group(pgid)
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(proc.wait(), timeout=2)
        raise
    finally:
        if reader is not None and not reader.done():
            reader.cancel()
        if transport is not None:
            transport.close()
        else:
            pipe.close()
    return _outcome(out, proc.returncode, timed_out, timeout_s)


def _outcome(out: _Output, code: int | None, timed_out: bool, timeout_s: float) -> ToolOutcome:
    text = out.text().rstrip("\n")
    if out.total > HARD_OUTPUT_LIMIT:
        status = f"Killed: the command wrote more than {HARD_OUTPUT_LIMIT >> 20} MiB of output."
        return ToolOutcome(f"{text}\n{status}".lstrip("\n"), is_error=True)
    if timed_out:
        status = f"Timed out after {timeout_s:g} s; the command and its children were killed."
        return ToolOutcome(f"{text}\n{status}".lstrip("\n"), is_error=True)
    killed = code is not None and code < 0
    status = f"Killed by signal {-(code or 0)}." if killed else f"Exit code: {code}"
    return ToolOutcome(f"{text}\n{status}".lstrip("\n"), is_error=code != 0)


def _summary(command: str, reason: str | None) -> str:
    shown = sanitize_command(command).replace("\n", " ").strip()
    if len(shown) > 80:
        shown = shown[:79] + "…"
    return f"Bash: {shown}" + (f" ({reason})" if reason else "")


class BashTool(Tool):
    """Bash: propose a shell command; it runs only once approved."""

    name: ClassVar[str] = "Bash"
    read_only: ClassVar[bool] = False
    Args: ClassVar[type[ToolArgs]] = BashArgs
    description: ClassVar[str] = (
        "Run a shell command with bash in the project root. Every command is shown to the "
        "person and runs only once approved. stdin is closed (no interactive programs), the "
        "environment holds no secrets, output over 30,000 characters is truncated, and the "
        "command and any background children are killed at the timeout (default 120000 ms, "
        "max 600000 ms). Commands are not confined to your Domain, but destructive ones "
        "(rm -r, git push, git reset --hard...) need a second confirmation. Prefer Read, "
        "Grep and Glob over cat, grep and find."
    )

    def propose(self, ctx: ToolContext, args: BaseModel, *, tool_use_id: str) -> Proposal:
        """A command proposal holding the exact command text and its risk flags."""
        a = args_as(args, BashArgs)
        if not a.command.strip():
            raise ToolError("the command is empty")
        if "\x00" in a.command:
            raise ToolError("the command contains a NUL byte, which no shell can run")
        reason = destructive_reason(a.command, cwd=ctx.root)
        flags = []
        if reason:
            flags.append("destructive")
        if has_hidden(a.command):
            flags.append("hidden_chars")
        if ctx.untrusted_read:
            flags.append("after_untrusted_read")
        return Proposal(
            agent=ctx.agent,
            tool=self.name,
            tool_use_id=tool_use_id,
            input=a.model_dump(exclude_none=True),
            summary=_summary(a.command, reason),
            command=a.command,
            diff=sanitize_command(a.command),
            flags=tuple(flags),
        )
