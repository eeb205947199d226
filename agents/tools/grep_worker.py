"""The pure-Python search behind Grep when ``rg`` is absent; runs in its own process.

A model-written regex can backtrack for minutes, and Python's ``re`` holds the GIL while it
does, so searching in the app's process could freeze the desk. This module runs as a separate
interpreter (standard library only, ``python -I -S``) with a timeout that kills it. It reads a
JSON request on stdin, opens each listed file relative to its working directory (the project
root) one component at a time without following symlinks, skips binary and oversized files,
and writes one JSON line per file with matches, then a final summary line.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from typing import Any

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class Reader:
    """Opens files below the working directory without following links, reusing folder fds.

    Files are searched in path order, so consecutive files usually share a folder: its
    descriptor (reached one ``O_NOFOLLOW`` component at a time) is kept for the next file.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.folder: tuple[str, ...] | None = None
        self.fd = -1

    def close(self) -> None:
        """Release the cached folder descriptor."""
        if self.fd >= 0:
            os.close(self.fd)
        self.fd, self.folder = -1, None

    def _dir(self, parts: tuple[str, ...]) -> int:
        if parts == self.folder:
            return self.fd
        self.close()
        fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for part in parts:
                nfd = os.open(part, _DIR, dir_fd=fd)
                os.close(fd)
                fd = nfd
        except OSError:
            os.close(fd)
            raise
        self.folder, self.fd = parts, fd
        return fd

    def read(self, rel: str) -> bytes | None:
        """The bytes of ``rel``, or ``None`` if unreadable, not a regular file or too large."""
        parts = rel.split("/")
        if any(p in ("", ".", "..") for p in parts):
            return None
        try:
            ffd = os.open(parts[-1], _FILE, dir_fd=self._dir(tuple(parts[:-1])))
        except OSError:
            return None
        try:
            st = os.fstat(ffd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > self.max_bytes:
                return None
            chunks = []
            while True:
                chunk = os.read(ffd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(ffd)


def match_lines(
    text: str, lines: list[str], regex: re.Pattern[str], multiline: bool
) -> tuple[int, set[int]]:
    """``(count, matching line numbers)``: matches per line, or per region when multiline."""
    if not multiline:
        hits = {i for i, line in enumerate(lines, 1) if regex.search(line)}
        return len(hits), hits
    count = 0
    found: set[int] = set()
    for m in regex.finditer(text):
        count += 1
        first = text.count("\n", 0, m.start()) + 1
        last = first + text.count("\n", m.start(), max(m.end() - 1, m.start()))
        found.update(range(first, last + 1))
        if m.end() == m.start() and m.end() >= len(text):
            break
    return count, found


def entries(lines: list[str], hits: set[int], before: int, after: int) -> list[list[Any]]:
    """``[line number, text, is_match]`` for the hits and their context, in order."""
    wanted: set[int] = set()
    for n in hits:
        wanted.update(range(max(1, n - before), min(len(lines), n + after) + 1))
    return [[n, lines[n - 1], n in hits] for n in sorted(wanted)]


def search(request: dict[str, Any], out: Any) -> None:
    """Run one request, writing JSON lines to ``out``."""
    flags = re.IGNORECASE if request.get("ignore_case") else 0
    multiline = bool(request.get("multiline"))
    if multiline:
        flags |= re.DOTALL | re.MULTILINE
    try:
        regex = re.compile(request["pattern"], flags)
    except (re.error, OverflowError, RecursionError) as exc:
        out.write(json.dumps({"error": f"the regex is not valid: {exc}"}) + "\n")
        return
    want_lines = bool(request.get("lines"))
    budget = int(request.get("max_lines", 20000))
    before, after = int(request.get("before", 0)), int(request.get("after", 0))
    skipped = 0
    truncated = False
    files = request["files"]
    reader = Reader(int(request.get("max_bytes", 20 << 20)))
    for index in sorted(range(len(files)), key=files.__getitem__):
        data = reader.read(files[index])
        if data is None:
            skipped += 1
            continue
        if b"\x00" in data[:8192]:
            continue
        text = data.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n")
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        count, hits = match_lines(text, lines, regex, multiline)
        if not count:
            continue
        record: dict[str, Any] = {"i": index, "n": count}
        if want_lines:
            rows = entries(lines, hits, before, after)
            record["l"] = rows[:budget]
            budget -= len(record["l"])
        out.write(json.dumps(record) + "\n")
        out.flush()
        if want_lines and budget <= 0:
            truncated = True
            break
    reader.close()
    out.write(json.dumps({"done": True, "skipped": skipped, "truncated": truncated}) + "\n")


def main() -> int:
    """Entry point: one JSON request on stdin."""
    request = json.loads(sys.stdin.read())
    search(request, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
