"""Read: numbered lines, paging, caps, binary summaries, refusals (T4, T15, T16, T54)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from agents.safe_write import sha256_bytes
from agents.tools.base import ToolContext, ToolError
from agents.tools.read import MAX_LINES

from .conftest import CANARY
from .helpers import run

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


async def test_read_numbers_lines_and_records_hash(ctx: ToolContext, project: Path) -> None:
    out = await run(ctx, "Read", {"file_path": "backend/app.py"})
    assert not out.is_error
    assert out.content == "     1\tdef main():\n     2\t    return 'old'"
    data = (project / "backend" / "app.py").read_bytes()
    assert ctx.read_hashes == {"backend/app.py": sha256_bytes(data)}


async def test_absolute_path_inside_root(ctx: ToolContext, project: Path) -> None:
    out = await run(ctx, "Read", {"file_path": str(project / "docs" / "readme.md")})
    assert "     2\thello world" in out.content


async def test_offset_and_limit_page(ctx: ToolContext, project: Path) -> None:
    (project / "docs" / "long.txt").write_text("".join(f"line {i}\n" for i in range(1, 101)))
    out = await run(ctx, "Read", {"file_path": "docs/long.txt", "offset": 10, "limit": 3})
    lines = out.content.split("\n")
    assert lines[:3] == ["    10\tline 10", "    11\tline 11", "    12\tline 12"]
    assert "Showing lines 10-12 of 100" in out.content
    assert "offset=13" in out.content


async def test_offset_past_end_is_an_error(ctx: ToolContext, project: Path) -> None:
    with pytest.raises(ToolError, match="has 2 lines; offset 9"):
        await run(ctx, "Read", {"file_path": "backend/app.py", "offset": 9})


async def test_line_cap_and_long_line_truncation(ctx: ToolContext, project: Path) -> None:
    body = "x" * 5000 + "\n" + "".join(f"{i}\n" for i in range(3000))
    (project / "docs" / "big.txt").write_text(body)
    out = await run(ctx, "Read", {"file_path": "docs/big.txt"})
    lines = out.content.split("\n")
    assert lines[0].endswith("… [line truncated: 5,000 characters]")
    assert len(lines[0]) < 2100
    assert f"Showing lines 1-{MAX_LINES} of 3001" in out.content


async def test_crlf_and_bom_shown_clean(ctx: ToolContext, project: Path) -> None:
    (project / "docs" / "win.txt").write_bytes(b"\xef\xbb\xbfone\r\ntwo\r\n")
    out = await run(ctx, "Read", {"file_path": "docs/win.txt"})
    assert out.content == "     1\tone\n     2\ttwo"


async def test_cr_only_line_ends_are_numbered(ctx: ToolContext, project: Path) -> None:
    (project / "docs" / "mac.txt").write_bytes(b"one\rtwo\rthree")
    out = await run(ctx, "Read", {"file_path": "docs/mac.txt"})
    assert out.content == "     1\tone\n     2\ttwo\n     3\tthree"


async def test_empty_file(ctx: ToolContext, project: Path) -> None:
    (project / "docs" / "empty.txt").write_bytes(b"")
    out = await run(ctx, "Read", {"file_path": "docs/empty.txt"})
    assert "empty" in out.content
    assert ctx.read_hashes["docs/empty.txt"] == sha256_bytes(b"")


@pytest.mark.parametrize(
    ("data", "kind"), [(PNG, "PNG image"), (b"abc\x00def" * 10, "binary data")]
)
async def test_binary_is_summarised_not_dumped(
    ctx: ToolContext, project: Path, data: bytes, kind: str
) -> None:
    (project / "docs" / "blob.bin").write_bytes(data)
    out = await run(ctx, "Read", {"file_path": "docs/blob.bin"})
    assert kind in out.content
    assert f"{len(data):,} bytes" in out.content
    assert "\x00" not in out.content and "IHDR" not in out.content
    assert ctx.read_hashes["docs/blob.bin"] == sha256_bytes(data)


async def test_fifty_megabytes_returns_quickly_and_capped(ctx: ToolContext, project: Path) -> None:
    line = b"0123456789" * 9 + b"\n"
    data = line * (50 * 1024 * 1024 // len(line))
    (project / "docs" / "huge.log").write_bytes(data)
    started = time.perf_counter()
    out = await run(ctx, "Read", {"file_path": "docs/huge.log"})
    elapsed = time.perf_counter() - started
    assert len(out.content) < 300 * 1024
    assert f"Showing lines 1-{MAX_LINES} of {len(data) // len(line)}" in out.content
    assert ctx.read_hashes["docs/huge.log"] == sha256_bytes(data)
    assert elapsed < 20  # a generous bound: the point is one pass, not a full decode
    far = await run(ctx, "Read", {"file_path": "docs/huge.log", "offset": 500_000, "limit": 2})
    assert far.content.startswith("500000\t0123456789")


@pytest.mark.parametrize("path", [".env", "docs/env_link", "backend/link_secret"])
async def test_secrets_and_links_out_are_refused(ctx: ToolContext, path: str) -> None:
    with pytest.raises(ToolError) as info:
        await run(ctx, "Read", {"file_path": path})
    assert CANARY not in str(info.value)
    assert ctx.read_hashes == {}


async def test_link_out_folder_refused(ctx: ToolContext) -> None:
    with pytest.raises(ToolError, match="outside the project"):
        await run(ctx, "Read", {"file_path": "backend/link_out/secret.txt"})


@pytest.mark.parametrize("path", ["../outside/secret.txt", "/etc/passwd", "~/.ssh/id_rsa"])
async def test_outside_root_refused(ctx: ToolContext, path: str) -> None:
    with pytest.raises(ToolError):
        await run(ctx, "Read", {"file_path": path})


async def test_link_inside_root_is_read_through(ctx: ToolContext, project: Path) -> None:
    os.symlink(project / "docs" / "readme.md", project / "docs" / "alias.md")
    out = await run(ctx, "Read", {"file_path": "docs/alias.md"})
    assert "hello world" in out.content
    assert "docs/readme.md" in ctx.read_hashes


async def test_missing_directory_and_fifo(ctx: ToolContext, project: Path) -> None:
    with pytest.raises(ToolError, match="does not exist"):
        await run(ctx, "Read", {"file_path": "docs/nope.txt"})
    with pytest.raises(ToolError, match="directory"):
        await run(ctx, "Read", {"file_path": "docs"})
    os.mkfifo(project / "docs" / "pipe")
    with pytest.raises(ToolError, match="not a regular file"):
        await run(ctx, "Read", {"file_path": "docs/pipe"})
