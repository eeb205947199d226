"""The walk's ignore rules agree with git itself on what is ignored."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from agents.domain import PathGuard
from agents.tools.base import ToolContext
from agents.tools.walk import walk_files

ROOT_IGNORE = """\
*.log
!keep.log
build/
/root_only.txt
docs/**/*.tmp
a/**/b
*.py[co]
\\#literal
spaced.txt
deep/*/
"""
FILES = [
    "x.log", "keep.log", "sub/y.log", "sub/keep.log", "build/out.js", "sub/build/o.js",
    "root_only.txt", "sub/root_only.txt", "docs/a/b/c.tmp", "docs/c.tmp", "other/c.tmp",
    "a/b", "a/x/y/b", "a/bb", "m.pyc", "m.pyo", "m.py", "#literal", "spaced.txt",
    "deep/one/f.txt", "deep/f.txt", "pkg/gen.py", "pkg/real.py", "pkg/inner/gen.py",
    "pkg/inner/keep_gen.py", "ex/excluded.txt", "ex/fine.txt", "build.txt",
]  # fmt: skip


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_walk_matches_git_check_ignore(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text(ROOT_IGNORE)
    (root / "pkg").mkdir()
    (root / "pkg" / ".gitignore").write_text("gen.py\n!inner/keep_gen.py\n")
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("ex/excluded.txt\n")
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x\n")
    git = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
        text=True,
    )
    expected = set(git.stdout.split("\n")) - {""}
    assert {"keep.log", "m.py", "pkg/inner/keep_gen.py", "ex/fine.txt"} <= expected
    assert not expected & {"x.log", "build/out.js", "pkg/gen.py", "ex/excluded.txt"}
    ctx = ToolContext(root=root, guard=PathGuard(root, ["**"]), agent="a")
    found, cut = walk_files(ctx, ".")
    assert not cut
    assert {f.rel for f in found} == expected
