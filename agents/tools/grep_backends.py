"""The two Grep engines: ``rg`` when it is on PATH, the pure-Python worker otherwise.

Both get the same explicit list of files (chosen by :mod:`agents.tools.walk`, so ignore rules,
deny-read and symlink policy are agentdesk's, not the engine's) and both answer with the same
:class:`Hits`. Each runs as a child process with a scrubbed environment, its own process group
and a time limit that kills it, so a pathological regex cannot freeze the desk. ``rg`` runs with
``--no-config`` (no ``RIPGREPRC`` can add ``--pre``), never with ``--pre`` or ``-L``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.tools.base import ToolError
from agents.tools.bash import scrubbed_env

TIME_LIMIT_S = 30.0
MAX_FILE_BYTES = 20 << 20
MAX_LINES = 20_000
_ARGV_BUDGET = 96_000
_WORKER = Path(__file__).with_name("grep_worker.py")


@dataclass(frozen=True)
class Query:
    """What to search for, and how much to bring back."""

    pattern: str
    ignore_case: bool = False
    multiline: bool = False
    before: int = 0
    after: int = 0
    lines: bool = False


@dataclass
class Hits:
    """Per file index (into the list searched): match count and numbered lines."""

    counts: dict[int, int] = field(default_factory=dict)
    lines: dict[int, list[tuple[int, str, bool]]] = field(default_factory=dict)
    truncated: bool = False
    timed_out: bool = False


def rg_path() -> str | None:
    """The ``rg`` executable, if installed."""
    return shutil.which("rg")


async def _collect(proc: asyncio.subprocess.Process, stdin: bytes | None, out: bytearray) -> bytes:
    assert proc.stdout is not None and proc.stderr is not None
    if proc.stdin is not None:
        proc.stdin.write(stdin or b"")
        await proc.stdin.drain()
        proc.stdin.close()
    err = asyncio.ensure_future(proc.stderr.read())
    while chunk := await proc.stdout.read(1 << 16):
        out += chunk
    await proc.wait()
    return await err


async def _run(argv: Sequence[str], cwd: Path, stdin: bytes | None) -> tuple[bytes, bytes, bool]:
    """Run one engine; on the time limit, kill it and keep the whole lines it already wrote."""
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=scrubbed_env(os.environ),
        start_new_session=True,
    )
    out = bytearray()
    try:
        err = await asyncio.wait_for(_collect(proc, stdin, out), timeout=TIME_LIMIT_S)
        return bytes(out), err, False
    except (TimeoutError, BrokenPipeError, ConnectionResetError) as exc:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        complete = bytes(out[: out.rfind(b"\n") + 1])
        return complete, b"", isinstance(exc, TimeoutError)
    except asyncio.CancelledError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        raise


async def search_python(root: Path, files: Sequence[str], query: Query) -> Hits:
    """Search ``files`` (root-relative, symlink-free) with the worker process."""
    request = {
        "pattern": query.pattern,
        "ignore_case": query.ignore_case,
        "multiline": query.multiline,
        "before": query.before,
        "after": query.after,
        "lines": query.lines,
        "files": list(files),
        "max_bytes": MAX_FILE_BYTES,
        "max_lines": MAX_LINES,
    }
    argv = [sys.executable, "-I", "-S", str(_WORKER)]
    out, err, timed_out = await _run(argv, root, json.dumps(request).encode())
    hits = Hits(timed_out=timed_out)
    for raw in out.splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if "error" in record:
            raise ToolError(str(record["error"]))
        if record.get("done"):
            hits.truncated = bool(record.get("truncated"))
            continue
        index = int(record["i"])
        hits.counts[index] = int(record["n"])
        if "l" in record:
            hits.lines[index] = [(int(n), str(t), bool(m)) for n, t, m in record["l"]]
    if not out and err and not timed_out:
        raise ToolError("the search failed: " + err.decode("utf-8", "replace")[-500:])
    return hits


def _rg_text(part: dict[str, Any]) -> str:
    if "text" in part:
        return str(part["text"])
    return base64.b64decode(part.get("bytes", "")).decode("utf-8", "replace")


def _batches(files: Sequence[str]) -> list[list[int]]:
    batches: list[list[int]] = [[]]
    size = 0
    for index, rel in enumerate(files):
        if size + len(rel) + 1 > _ARGV_BUDGET and batches[-1]:
            batches.append([])
            size = 0
        batches[-1].append(index)
        size += len(rel) + 1
    return [b for b in batches if b]


def _rg_argv(rg: str, query: Query) -> list[str]:
    argv = [rg, "--json", "--no-config", "--no-ignore", "--hidden", "--no-follow"]
    argv += ["--color", "never", "--no-messages"]
    if query.ignore_case:
        argv.append("-i")
    if query.multiline:
        argv += ["-U", "--multiline-dotall"]
    if query.lines:
        argv += ["-A", str(query.after), "-B", str(query.before)]
    return [*argv, "-e", query.pattern, "--"]


async def search_rg(rg: str, root: Path, files: Sequence[str], query: Query) -> Hits:
    """Search ``files`` with ripgrep, in batches that fit on a command line."""
    hits = Hits()
    total = 0
    for batch in _batches(files):
        index_of = {files[i]: i for i in batch}
        out, err, timed_out = await _run(
            [*_rg_argv(rg, query), *(files[i] for i in batch)], root, None
        )
        if timed_out:
            hits.timed_out = True
            return hits
        if not out and err:
            message = err.decode("utf-8", "replace").strip()[-500:]
            raise ToolError(f"the regex is not valid for rg: {message}")
        for raw in out.splitlines():
            total += _rg_event(raw, index_of, hits, query)
            if total >= MAX_LINES:
                hits.truncated = True
                return hits
    return hits


def _rg_event(raw: bytes, index_of: dict[str, int], hits: Hits, query: Query) -> int:
    try:
        event = json.loads(raw)
    except ValueError:
        return 0
    kind = event.get("type")
    if kind not in ("match", "context"):
        return 0
    data = event.get("data", {})
    index = index_of.get(_rg_text(data.get("path", {})))
    if index is None:
        return 0
    text = _rg_text(data.get("lines", {}))
    if "\x00" in text:
        return 0
    if kind == "match":
        hits.counts[index] = hits.counts.get(index, 0) + 1
    if not query.lines:
        return 0
    rows = text.removesuffix("\n").split("\n")
    number = int(data.get("line_number") or 0)
    bucket = hits.lines.setdefault(index, [])
    for offset, line in enumerate(rows):
        bucket.append((number + offset, line.removesuffix("\r"), kind == "match"))
    return len(rows)
