"""A small project for the tool tests: a Domain, a secret, links out, a sibling outside."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from agents.domain import PathGuard
from agents.tools.base import ToolContext

CANARY = "sk-ant-CANARY-0123456789"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``proj/`` with ``backend/`` (the Domain), docs, a ``.env`` canary and links outside.

    ``outside/secret.txt`` sits beside the project; ``backend/link_out`` points at that
    folder, ``backend/link_secret`` at the file, ``docs/env_link`` at ``.env``.
    """
    root = tmp_path / "proj"
    outside = tmp_path / "outside"
    (root / "backend").mkdir(parents=True)
    (root / "docs").mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(f"outside {CANARY}\n")
    (root / "backend" / "app.py").write_text("def main():\n    return 'old'\n")
    (root / "docs" / "readme.md").write_text("# Readme\nhello world\n")
    (root / ".env").write_text(f"ANTHROPIC_API_KEY={CANARY}\n")
    os.symlink(outside, root / "backend" / "link_out")
    os.symlink(outside / "secret.txt", root / "backend" / "link_secret")
    os.symlink(root / ".env", root / "docs" / "env_link")
    return root


CtxFactory = Callable[..., ToolContext]


@pytest.fixture
def make_ctx(project: Path) -> CtxFactory:
    """Build a :class:`ToolContext` for ``agent`` with a Domain (default ``backend/``)."""

    def make(
        domain: tuple[str, ...] = ("backend/",),
        agent: str = "backend-architect",
        is_dirty: Callable[[str], bool] | None = None,
    ) -> ToolContext:
        guard = PathGuard(project, domain, agent=agent)
        return ToolContext(
            root=project, guard=guard, agent=agent, read_hashes={}, is_dirty=is_dirty
        )

    return make


@pytest.fixture
def ctx(make_ctx: CtxFactory) -> ToolContext:
    """The default context: ``backend-architect`` with Domain ``backend/``."""
    return make_ctx()
