"""Write: new files, read-before-write (T14), Domain and guard refusals, flags, conventions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agents.safe_write import sha256_bytes
from agents.tools.base import ToolContext, ToolError

from .conftest import CtxFactory
from .helpers import propose, run


def test_new_file_proposal(ctx: ToolContext, project: Path) -> None:
    p = propose(ctx, "Write", {"file_path": "backend/new.py", "content": "x = 1\n"})
    assert p.tool == "Write" and p.agent == "backend-architect" and p.tool_use_id == "tu_1"
    assert p.input == {"file_path": "backend/new.py", "content": "x = 1\n"}
    (change,) = p.changes
    assert change.rel == "backend/new.py"
    assert change.before_sha256 is None
    assert change.after == b"x = 1\n"
    assert change.mode is None
    assert "new_file" in p.flags
    assert p.summary == "Create backend/new.py (+1 \u22120)"
    assert "+x = 1" in p.diff
    assert not (project / "backend" / "new.py").exists()  # proposing writes nothing


async def test_existing_file_needs_a_read_first(ctx: ToolContext, project: Path) -> None:
    raw = {"file_path": "backend/app.py", "content": "new\n"}
    with pytest.raises(ToolError, match="Read it first"):
        propose(ctx, "Write", raw)
    await run(ctx, "Read", {"file_path": "backend/app.py"})
    p = propose(ctx, "Write", raw)
    before = (project / "backend" / "app.py").read_bytes()
    assert p.changes[0].before_sha256 == sha256_bytes(before)
    assert p.changes[0].after == b"new\n"
    assert p.summary == "Write backend/app.py (+1 \u22122)"


async def test_changed_since_read_is_refused(ctx: ToolContext, project: Path) -> None:
    await run(ctx, "Read", {"file_path": "backend/app.py"})
    (project / "backend" / "app.py").write_text("someone else\n")
    with pytest.raises(ToolError, match="changed since you last read it"):
        propose(ctx, "Write", {"file_path": "backend/app.py", "content": "mine\n"})


async def test_own_proposed_content_counts_as_read(ctx: ToolContext, project: Path) -> None:
    await run(ctx, "Read", {"file_path": "backend/app.py"})
    p = propose(ctx, "Write", {"file_path": "backend/app.py", "content": "v2\n"})
    (project / "backend" / "app.py").write_bytes(p.changes[0].after)  # as if applied
    p2 = propose(ctx, "Write", {"file_path": "backend/app.py", "content": "v3\n"})
    assert p2.changes[0].before_sha256 == sha256_bytes(b"v2\n")


async def test_dirty_flag_from_git(make_ctx: CtxFactory, project: Path) -> None:
    asked: list[str] = []

    def dirty(rel: str) -> bool:
        asked.append(rel)
        return True

    ctx = make_ctx(is_dirty=dirty)
    await run(ctx, "Read", {"file_path": "backend/app.py"})
    p = propose(ctx, "Write", {"file_path": "backend/app.py", "content": "z\n"})
    assert "dirty" in p.flags and asked == ["backend/app.py"]
    clean = make_ctx(is_dirty=lambda rel: False)
    await run(clean, "Read", {"file_path": "backend/app.py"})
    assert (
        "dirty"
        not in propose(clean, "Write", {"file_path": "backend/app.py", "content": "z\n"}).flags
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("docs/readme.md", "outside"),
        ("backend_evil/x.py", "outside"),
        ("../outside/x.py", "'..' is not allowed"),
        (".git/config", "protected"),
        (".env", "may not be read or written"),
        ("backend/link_out/x.py", "symbolic link"),
    ],
)
def test_guard_refusals(ctx: ToolContext, project: Path, path: str, reason: str) -> None:
    with pytest.raises(ToolError, match=reason):
        propose(ctx, "Write", {"file_path": path, "content": "x"})


def test_shared_file_proposal(ctx: ToolContext, project: Path) -> None:
    p = propose(ctx, "Write", {"file_path": "PROGRESS.md", "content": "# Progress\n"})
    assert "shared" in p.flags


async def test_crlf_bom_and_mode_kept(ctx: ToolContext, project: Path) -> None:
    target = project / "backend" / "run.sh"
    target.write_bytes(b"\xef\xbb\xbfecho one\r\necho two\r\n")
    os.chmod(target, 0o755)
    await run(ctx, "Read", {"file_path": "backend/run.sh"})
    p = propose(ctx, "Write", {"file_path": "backend/run.sh", "content": "echo 1\necho 2\n"})
    change = p.changes[0]
    assert change.after == b"\xef\xbb\xbfecho 1\r\necho 2\r\n"
    assert change.mode is not None and change.mode & stat.S_IXUSR
    assert change.before_text == "echo one\necho two\n"
    assert change.after_text == "echo 1\necho 2\n"


async def test_identical_content_is_an_error(ctx: ToolContext, project: Path) -> None:
    await run(ctx, "Read", {"file_path": "backend/app.py"})
    content = (project / "backend" / "app.py").read_text()
    with pytest.raises(ToolError, match="already holds exactly this content"):
        propose(ctx, "Write", {"file_path": "backend/app.py", "content": content})


async def test_overwriting_binary_is_flagged_without_raw_bytes(
    ctx: ToolContext, project: Path
) -> None:
    (project / "backend" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x01\x02")
    await run(ctx, "Read", {"file_path": "backend/logo.png"})
    p = propose(ctx, "Write", {"file_path": "backend/logo.png", "content": "text\n"})
    assert "binary" in p.flags
    assert "\x00" not in p.diff and "Binary file" in p.diff
    assert p.changes[0].before_text == ""


def test_binary_new_content_is_flagged_without_raw_bytes(ctx: ToolContext) -> None:
    p = propose(ctx, "Write", {"file_path": "backend/data.bin", "content": "a\x00b\x00c"})
    assert "binary" in p.flags and "new_file" in p.flags
    assert "\x00" not in p.diff and "binary content" in p.diff
    assert p.changes[0].after == b"a\x00b\x00c"
    assert p.changes[0].after_text == ""


def test_hidden_characters_and_untrusted_read_flags(ctx: ToolContext) -> None:
    ctx.untrusted_read = True
    p = propose(ctx, "Write", {"file_path": "backend/t.py", "content": "ok = 1 \u202e# x\n"})
    assert "hidden_chars" in p.flags
    assert "after_untrusted_read" in p.flags


@pytest.mark.parametrize(
    "content",
    ["x = 1\x85\u202eevil\n", "y\u2028\u200bz\n", "++\u202ei;\n", "a = 1\x1c\n"],
)
def test_hidden_chars_after_a_unicode_line_break_or_a_plus_plus_line(
    ctx: ToolContext, content: str
) -> None:
    """U+0085/U+2028 inside an added line, or a line starting "++", must not hide the rest."""
    p = propose(ctx, "Write", {"file_path": "backend/t.py", "content": content})
    assert "hidden_chars" in p.flags


def test_large_flag(ctx: ToolContext) -> None:
    p = propose(ctx, "Write", {"file_path": "backend/big.txt", "content": "a\n" * 600})
    assert "large" in p.flags


def test_lone_surrogate_is_an_error(ctx: ToolContext) -> None:
    with pytest.raises(ToolError, match="surrogate"):
        propose(ctx, "Write", {"file_path": "backend/s.txt", "content": "a\ud800b"})
