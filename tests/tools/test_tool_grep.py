"""Grep: modes, flags, filters; never secrets, ignored files or links out (T4, T54)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from agents.tools import grep as grep_module
from agents.tools import grep_backends
from agents.tools.base import ToolContext, ToolError

from .conftest import CANARY
from .helpers import run


@pytest.fixture(params=["python", "rg"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each test with the pure-Python worker, and with rg when it is installed."""
    if request.param == "rg":
        if shutil.which("rg") is None:
            pytest.skip("rg is not installed")
    else:
        monkeypatch.setattr(grep_module, "rg_path", lambda: None)
    return str(request.param)


@pytest.fixture
def code(project: Path) -> Path:
    """A few source files with known content and mtimes."""
    (project / "src").mkdir()
    (project / "src" / "a.py").write_text("import os\n\ndef alpha():\n    return TODO_1\n")
    (project / "src" / "b.ts").write_text("const beta = 1;\n// TODO_2 here\nexport {beta};\n")
    (project / "src" / "c.md").write_text("Nothing to see.\ntodo_3 lower\n")
    for i, name in enumerate(("a.py", "b.ts", "c.md")):
        os.utime(project / "src" / name, (1_000_000 + i, 1_000_000 + i))
    return project


async def test_files_with_matches_newest_first(ctx: ToolContext, code: Path, engine: str) -> None:
    out = await run(ctx, "Grep", {"pattern": "TODO_\\d"})
    assert out.content == "Found 2 files\nsrc/b.ts\nsrc/a.py"


async def test_case_insensitive(ctx: ToolContext, code: Path, engine: str) -> None:
    out = await run(ctx, "Grep", {"pattern": "todo_\\d", "-i": True})
    assert out.content.startswith("Found 3 files")


async def test_content_mode_with_numbers_and_context(
    ctx: ToolContext, code: Path, engine: str
) -> None:
    out = await run(
        ctx, "Grep", {"pattern": "alpha", "output_mode": "content", "-B": 1, "path": "src"}
    )
    assert out.content == "src/a.py-2-\nsrc/a.py:3:def alpha():"
    plain = await run(
        ctx, "Grep", {"pattern": "beta", "output_mode": "content", "-n": False, "glob": "*.ts"}
    )
    assert plain.content == "src/b.ts:const beta = 1;\nsrc/b.ts:export {beta};"


async def test_context_groups_are_separated(ctx: ToolContext, project: Path, engine: str) -> None:
    (project / "docs" / "g.txt").write_text("hit\na\nb\nc\nd\nhit\n")
    out = await run(
        ctx, "Grep", {"pattern": "hit", "output_mode": "content", "-C": 1, "path": "docs/g.txt"}
    )
    assert out.content == "docs/g.txt:1:hit\ndocs/g.txt-2-a\n--\ndocs/g.txt-5-d\ndocs/g.txt:6:hit"


async def test_count_mode(ctx: ToolContext, code: Path, engine: str) -> None:
    out = await run(ctx, "Grep", {"pattern": "beta", "output_mode": "count"})
    assert out.content.startswith("src/b.ts:2")
    assert "Found 2 matches in 1 files." in out.content


async def test_type_glob_and_head_limit(ctx: ToolContext, code: Path, engine: str) -> None:
    only_py = await run(ctx, "Grep", {"pattern": "TODO", "type": "py"})
    assert only_py.content == "Found 1 file\nsrc/a.py"
    only_md = await run(ctx, "Grep", {"pattern": "o", "-i": True, "glob": "**/*.md"})
    assert "src/c.md" in only_md.content and "src/a.py" not in only_md.content
    limited = await run(ctx, "Grep", {"pattern": "e", "head_limit": 1})
    header, listed, _blank, note = limited.content.split("\n")
    assert header.startswith("Found ") and "/" in listed
    assert "head_limit" in note
    with pytest.raises(ToolError, match="unknown type"):
        await run(ctx, "Grep", {"pattern": "x", "type": "cobol"})


async def test_multiline(ctx: ToolContext, code: Path, engine: str) -> None:
    out = await run(
        ctx,
        "Grep",
        {"pattern": "def alpha\\(\\):.*TODO_1", "multiline": True, "output_mode": "content"},
    )
    assert out.content == "src/a.py:3:def alpha():\nsrc/a.py:4:    return TODO_1"
    single = await run(ctx, "Grep", {"pattern": "def alpha\\(\\):.*TODO_1"})
    assert single.content == "No files found"


async def test_never_searches_secrets_or_links_out(
    ctx: ToolContext, project: Path, engine: str
) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "id_rsa").write_text(CANARY)
    for mode in ("files_with_matches", "content", "count"):
        out = await run(ctx, "Grep", {"pattern": "CANARY", "output_mode": mode})
        assert CANARY not in out.content
        assert "No" in out.content, out.content
    with pytest.raises(ToolError):
        await run(ctx, "Grep", {"pattern": "CANARY", "path": ".env"})
    with pytest.raises(ToolError):
        await run(ctx, "Grep", {"pattern": "CANARY", "path": "docs/env_link"})
    with pytest.raises(ToolError, match="outside the project"):
        await run(ctx, "Grep", {"pattern": "CANARY", "path": "backend/link_out"})


async def test_ignored_binary_and_git_are_skipped(
    ctx: ToolContext, project: Path, engine: str
) -> None:
    (project / ".gitignore").write_text("dist/\n")
    (project / "dist").mkdir()
    (project / "dist" / "bundle.js").write_text("needle\n")
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("needle\n")
    (project / "docs" / "blob.bin").write_bytes(b"needle\x00\x01")
    (project / "docs" / "ok.txt").write_text("needle\n")
    out = await run(ctx, "Grep", {"pattern": "needle"})
    assert out.content == "Found 1 file\ndocs/ok.txt"


async def test_named_ignored_folder_is_searched(
    ctx: ToolContext, project: Path, engine: str
) -> None:
    (project / ".gitignore").write_text("node_modules/\n*.log\n")
    (project / "node_modules" / "lib").mkdir(parents=True)
    (project / "node_modules" / "lib" / "index.js").write_text("needle\n")
    (project / "node_modules" / "lib" / "debug.log").write_text("needle\n")
    assert (await run(ctx, "Grep", {"pattern": "needle"})).content == "No files found"
    out = await run(ctx, "Grep", {"pattern": "needle", "path": "node_modules/lib"})
    assert out.content == "Found 1 file\nnode_modules/lib/index.js"  # *.log still applies


async def test_invalid_regex_is_an_error(ctx: ToolContext, code: Path, engine: str) -> None:
    with pytest.raises(ToolError, match="regex"):
        await run(ctx, "Grep", {"pattern": "(unclosed"})


async def test_catastrophic_regex_times_out(
    ctx: ToolContext, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grep_module, "rg_path", lambda: None)
    monkeypatch.setattr(grep_backends, "TIME_LIMIT_S", 0.5)
    (project / "docs" / "a_fine.txt").write_text("aaa\n")
    (project / "docs" / "evil.txt").write_text("a" * 40 + "!\n")
    out = await run(ctx, "Grep", {"pattern": "(a+)+$"})
    assert "timed out" in out.content
    assert "docs/a_fine.txt" in out.content  # what was found before the limit is kept


async def test_long_lines_are_clipped(ctx: ToolContext, project: Path, engine: str) -> None:
    (project / "docs" / "min.js").write_text("x" * 5000 + "needle\n")
    out = await run(ctx, "Grep", {"pattern": "needle", "output_mode": "content"})
    assert len(out.content) < 700 and "5,006 characters" in out.content
