"""Glob: patterns, newest first, and never secrets, ignored files, .git or links out (T4, T54)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agents.tools import glob as glob_module
from agents.tools.base import ToolContext, ToolError
from agents.tools.walk import glob_regex

from .conftest import CANARY
from .helpers import run


def _touch(path: Path, text: str = "x\n", mtime: float | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


async def test_recursive_pattern_newest_first(ctx: ToolContext, project: Path) -> None:
    _touch(project / "src" / "a.py", mtime=1_000_000)
    _touch(project / "src" / "deep" / "b.py", mtime=3_000_000)
    os.utime(project / "backend" / "app.py", (2_000_000, 2_000_000))
    out = await run(ctx, "Glob", {"pattern": "**/*.py"})
    assert out.content.split("\n") == ["src/deep/b.py", "backend/app.py", "src/a.py"]


async def test_star_stays_in_one_folder_and_path_narrows(ctx: ToolContext, project: Path) -> None:
    _touch(project / "top.py")
    out = await run(ctx, "Glob", {"pattern": "*.py"})
    assert out.content == "top.py"
    inside = await run(ctx, "Glob", {"pattern": "*.py", "path": "backend"})
    assert inside.content == "backend/app.py"
    absolute = await run(ctx, "Glob", {"pattern": "*.md", "path": str(project / "docs")})
    assert absolute.content == "docs/readme.md"


async def test_braces_and_no_match(ctx: ToolContext, project: Path) -> None:
    _touch(project / "web" / "a.ts")
    _touch(project / "web" / "b.tsx")
    _touch(project / "web" / "c.js")
    out = await run(ctx, "Glob", {"pattern": "web/*.{ts,tsx}"})
    assert sorted(out.content.split("\n")) == ["web/a.ts", "web/b.tsx"]
    none = await run(ctx, "Glob", {"pattern": "**/*.rs"})
    assert none.content == "No files found"


async def test_never_lists_secrets_git_or_links_out(ctx: ToolContext, project: Path) -> None:
    _touch(project / ".git" / "config")
    _touch(project / "sub" / ".env.local", CANARY)
    _touch(project / "keys" / "server.pem", CANARY)
    out = await run(ctx, "Glob", {"pattern": "**/*"})
    listed = out.content.split("\n")
    assert "docs/readme.md" in listed and "backend/app.py" in listed
    for hidden in (".env", "sub/.env.local", "keys/server.pem", ".git/config", "docs/env_link"):
        assert hidden not in listed
    assert not any(p.startswith("backend/link_out") for p in listed)
    assert "backend/link_secret" not in listed
    assert CANARY not in out.content


async def test_link_out_as_path_is_refused(ctx: ToolContext) -> None:
    with pytest.raises(ToolError, match="outside the project"):
        await run(ctx, "Glob", {"pattern": "*", "path": "backend/link_out"})
    with pytest.raises(ToolError):
        await run(ctx, "Glob", {"pattern": "*", "path": "../outside"})


async def test_path_must_be_a_folder(ctx: ToolContext) -> None:
    with pytest.raises(ToolError, match="not a folder"):
        await run(ctx, "Glob", {"pattern": "*", "path": "docs/readme.md"})
    with pytest.raises(ToolError, match="does not exist"):
        await run(ctx, "Glob", {"pattern": "*", "path": "nowhere"})


async def test_link_inside_is_listed(ctx: ToolContext, project: Path) -> None:
    os.symlink(project / "docs" / "readme.md", project / "docs" / "alias.md")
    out = await run(ctx, "Glob", {"pattern": "docs/*.md"})
    assert sorted(out.content.split("\n")) == ["docs/alias.md", "docs/readme.md"]


async def test_gitignore_is_respected(ctx: ToolContext, project: Path) -> None:
    (project / ".gitignore").write_text("build/\n*.log\n!keep.log\n")
    _touch(project / "build" / "out.js")
    _touch(project / "a.log")
    _touch(project / "keep.log")
    _touch(project / "pkg" / ".gitignore", "generated.py\n")
    _touch(project / "pkg" / "generated.py")
    _touch(project / "pkg" / "real.py")
    out = await run(ctx, "Glob", {"pattern": "**/*"})
    listed = set(out.content.split("\n"))
    assert "keep.log" in listed and "pkg/real.py" in listed
    assert not listed & {"build/out.js", "a.log", "pkg/generated.py"}


async def test_results_are_capped(
    ctx: ToolContext, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(glob_module, "MAX_RESULTS", 5)
    for i in range(12):
        _touch(project / "many" / f"f{i}.txt")
    out = await run(ctx, "Glob", {"pattern": "many/*.txt"})
    assert len(out.content.split("\n")) == 6
    assert "truncated" in out.content


@pytest.mark.parametrize("pattern", ["/etc/*", "../*", "~/x"])
async def test_patterns_leaving_the_root_are_refused(ctx: ToolContext, pattern: str) -> None:
    with pytest.raises(ToolError):
        await run(ctx, "Glob", {"pattern": pattern})


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/*.py", "a.py", True),
        ("**/*.py", "x/y/a.py", True),
        ("*.py", "x/a.py", False),
        ("src/**", "src/a/b", True),
        ("src/**/*.ts", "src/a.ts", True),
        ("a?.txt", "ab.txt", True),
        ("a?.txt", "a/.txt", False),
        ("[ab].md", "b.md", True),
        ("[!ab].md", "c.md", True),
        ("[!ab].md", "a.md", False),
        ("*.{js,jsx}", "x.jsx", True),
        ("a+b(1).txt", "a+b(1).txt", True),
    ],
)
def test_glob_regex(pattern: str, path: str, expected: bool) -> None:
    assert bool(glob_regex(pattern).match(path)) is expected
