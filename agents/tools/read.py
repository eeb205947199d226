"""The Read tool: numbered lines of one file, paged and capped; binary files summarised.

The file is read once, in chunks, without following symlinks: every byte goes into the sha256
recorded for Write/Edit (T14), only the requested window is kept, so a 50 MB file costs one
pass and a few hundred KB of memory (T16). Deny-read paths and links out of the project are
refused by the guard before anything is opened (T4, T54).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from agents.textcodec import BOM, is_binary
from agents.tools.base import Tool, ToolArgs, ToolContext, ToolError, ToolOutcome, args_as
from agents.tools.files import check_read, open_chunks

MAX_LINES = 2000
MAX_WINDOW_BYTES = 256 * 1024
MAX_LINE_CHARS = 2000
_SNIFF = 8192

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx/jar)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"MZ", "Windows executable"),
    (b"\x00asm", "WebAssembly module"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xff\xfe", "UTF-16 text (little-endian)"),
    (b"\xfe\xff", "UTF-16 text (big-endian)"),
)


class ReadArgs(ToolArgs):
    """Input of the Read tool (Claude Code's parameters)."""

    file_path: Annotated[
        str,
        Field(
            min_length=1,
            max_length=4096,
            description="The file to read: relative to the project root, or absolute inside it",
        ),
    ]
    offset: Annotated[
        int | None,
        Field(ge=0, le=10**9, description="The line number to start reading from (1-based)"),
    ] = None
    limit: Annotated[
        int | None,
        Field(ge=1, le=10**9, description=f"How many lines to read (at most {MAX_LINES})"),
    ] = None


def type_guess(head: bytes) -> str:
    """A short human name for binary content, from its first bytes."""
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP image"
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return "binary data"


class _Window:
    """Collects the bytes of lines ``start..start+count-1`` (1-based) from a stream."""

    def __init__(self, start: int, count: int) -> None:
        self.start = start
        self.count = count
        self.newlines = 0  # line breaks seen so far in the whole file
        self.data = bytearray()
        self.collecting = start == 1
        self.full = False

    def feed(self, chunk: bytes) -> None:
        seen = chunk.count(b"\n")
        if not self.full:
            self._collect(chunk)
        self.newlines += seen

    def _collect(self, chunk: bytes) -> None:
        pos = 0
        if not self.collecting:
            need = self.start - 1 - self.newlines
            if chunk.count(b"\n") < need:
                return
            for _ in range(need):
                pos = chunk.index(b"\n", pos) + 1
            self.collecting = True
        self.data += chunk[pos:]
        if self.data.count(b"\n") >= self.count or len(self.data) > MAX_WINDOW_BYTES:
            self.full = True


def _format(window: _Window, total_lines: int, bom: bool) -> str:
    raw = bytes(window.data)
    if window.start == 1 and bom and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    lines = raw.split(b"\n")[: window.count]
    if len(lines) > total_lines - window.start + 1:
        lines = lines[: max(total_lines - window.start + 1, 0)]
    out: list[str] = []
    size = 0
    capped = False
    for i, line_bytes in enumerate(lines):
        line = line_bytes.decode("utf-8", "replace").removesuffix("\r")
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS] + f"… [line truncated: {len(line):,} characters]"
        entry = f"{window.start + i:>6}\t{line}"
        size += len(entry.encode("utf-8")) + 1
        if size > MAX_WINDOW_BYTES and out:
            capped = True
            break
        out.append(entry)
    last = window.start + len(out) - 1
    text = "\n".join(out)
    if last < total_lines:
        why = "the size limit" if capped else "the line limit"
        text += (
            f"\n\n[Showing lines {window.start}-{last} of {total_lines} ({why}). "
            f"To read more, call Read with offset={last + 1}.]"
        )
    return text


class ReadTool(Tool):
    """Read: the numbered lines of a file."""

    name: ClassVar[str] = "Read"
    read_only: ClassVar[bool] = True
    Args: ClassVar[type[ToolArgs]] = ReadArgs
    description: ClassVar[str] = (
        "Read a file in the project. file_path is relative to the project root (or absolute "
        f"inside it). Returns up to {MAX_LINES} lines (256 KB), each prefixed with its line "
        "number and a tab; use offset (1-based line number) and limit to page through longer "
        f"files. Lines over {MAX_LINE_CHARS} characters are cut. Binary files are described, "
        "not shown. You must Read a file before you Write or Edit it. Secret files (.env, "
        "keys) cannot be read."
    )

    async def run(self, ctx: ToolContext, args: BaseModel) -> ToolOutcome:
        """Read the window and record the whole file's hash for later writes."""
        a = args_as(args, ReadArgs)
        rel = check_read(ctx, a.file_path)
        if rel == ".":
            raise ToolError("that is the project root, a directory; use Glob to list files")
        start = max(a.offset or 1, 1)
        window = _Window(start, min(a.limit or MAX_LINES, MAX_LINES))
        digest = hashlib.sha256()
        head = bytearray()
        with open_chunks(ctx, rel) as (size, chunks):
            last = b""
            cr_only: bool | None = None
            for chunk in chunks:
                digest.update(chunk)
                if len(head) < _SNIFF:
                    head += chunk[: _SNIFF - len(head)]
                if cr_only is None:  # old Mac line ends: number the lines all the same
                    cr_only = b"\r" in chunk and b"\n" not in chunk
                shown = chunk.replace(b"\r", b"\n") if cr_only else chunk
                window.feed(shown)
                last = shown[-1:]
        ctx.read_hashes[rel] = digest.hexdigest()
        if size == 0 and not head:
            return ToolOutcome(f"(The file {rel} exists but is empty.)")
        if is_binary(bytes(head)):
            return ToolOutcome(
                f"{rel} is a binary file ({type_guess(bytes(head))}, {size:,} "
                "bytes); its content is not shown."
            )
        total = window.newlines + (0 if last == b"\n" else 1)
        if start > total:
            raise ToolError(
                f"{rel} has {total} lines; offset {start} is past the end. "
                "Call Read with a smaller offset."
            )
        return ToolOutcome(_format(window, total, bytes(head).startswith(BOM)))
