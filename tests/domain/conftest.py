"""Fixture trees for the Domain guard and the writer: a repo, a sibling-prefix dir, links out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def snapshot(top: Path) -> dict[str, tuple[str, bytes | str]]:
    """Every entry under ``top`` (links not followed): kind and content or link target."""
    out: dict[str, tuple[str, bytes | str]] = {}
    if not top.exists():
        return out
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(top).as_posix()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = ("dir", b"")
            else:
                out[rel] = ("file", path.read_bytes())
    return out


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """``repo/`` with ``backend/`` (the Domain), ``backend_evil/``, ``.git/`` and links outside.

    ``backend/link_out`` points at the outside folder, ``backend/link_file`` at the outside
    secret, ``backend/link_in`` at ``docs/readme.md`` inside the repo.
    """
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    (repo / "backend" / "sub").mkdir(parents=True)
    (repo / "backend" / "app.py").write_bytes(b"print('app')\n")
    (repo / "backend_evil").mkdir()
    (repo / "backend_evil" / "x.py").write_bytes(b"evil\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "readme.md").write_bytes(b"# docs\n")
    (repo / ".git" / "hooks").mkdir(parents=True)
    (repo / ".git" / "config").write_bytes(b"[core]\n")
    (repo / ".env").write_bytes(b"API_KEY=canary\n")
    (repo / "PROGRESS.md").write_bytes(b"# Progress\n")
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"outside secret\n")
    os.symlink("../../outside", repo / "backend" / "link_out")
    os.symlink("../../outside/secret.txt", repo / "backend" / "link_file")
    os.symlink("../docs/readme.md", repo / "backend" / "link_in")
    return {"root": tmp_path, "repo": repo, "outside": outside}
