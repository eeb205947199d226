"""Fixtures for the desk's Pilot and snapshot tests: a fake workspace in a temp repository,
isolated from the real home directory and user config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.fake_workspace import (
    FakeBlocker,
    FakeDoc,
    FakeEntry,
    FakeItem,
    FakePhase,
    FakeRuntime,
    FakeWorkspace,
    make_definition,
)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    yield


def make_repo(tmp_path: Path) -> Path:
    """A small repository: backend/, frontend/, PROGRESS.md, a .gitignore."""
    root = tmp_path / "shop"
    (root / "backend" / "routes").mkdir(parents=True)
    (root / "backend" / "app.py").write_text("def app():\n    return 'OLD'\n")
    (root / "backend" / "routes" / "users.py").write_text("USERS = []\n")
    (root / "backend" / "build").mkdir()
    (root / "backend" / "build" / "out.bin").write_bytes(b"\x00\x01")
    (root / "frontend").mkdir()
    (root / "frontend" / "App.tsx").write_text("export const App = () => null;\n")
    (root / ".gitignore").write_text("backend/build/\n")
    (root / "PROGRESS.md").write_text("# Progress\n")
    return root


def sample_doc() -> FakeDoc:
    """A PROGRESS.md with two phases and two blockers."""
    return FakeDoc(
        phases=(
            FakePhase(
                "Phase 1: Setup",
                (FakeItem("backend-architect", True, "COMPLETE (2026-11-20 10:00)"),),
            ),
            FakePhase(
                "Phase 2: Development",
                (
                    FakeItem("backend-architect", False, "users API"),
                    FakeItem("frontend-architect", False, "users page"),
                ),
            ),
        ),
        blockers=(
            FakeBlocker("b-1", "frontend-architect", "Need the users API schema"),
            FakeBlocker("b-2", "backend-architect", "Which database?", "resolved", "Postgres"),
        ),
        text="# Progress\n\n## Phase 1: Setup\n- [x] @backend-architect - COMPLETE\n",
    )


def make_workspace(
    tmp_path: Path, *, has_credentials: bool = True, entries: bool = True
) -> FakeWorkspace:
    """Three agents (backend, frontend, delivery lead) in the sample repository."""
    root = make_repo(tmp_path)
    backend = FakeRuntime(
        make_definition(
            "backend-architect", ["backend/", "src/api/"], color="blue", mode="bypassPermissions"
        ),
        declared_mode="bypassPermissions",
        input_tokens=12000,
        output_tokens=345,
        cost_usd=0.42,
    )
    if entries:
        backend.entries = [
            FakeEntry("user", "Add the users route"),
            FakeEntry("assistant", "I'll add the **users** route.\n\n- read the app\n- edit it"),
            FakeEntry("tool_call", "Read backend/app.py", {"tool": "Read"}),
            FakeEntry("tool_result", "def app():\n    return 'OLD'\n", {"tool": "Read"}),
        ]
    frontend = FakeRuntime(
        make_definition("frontend-architect", ["frontend/", "*.tsx"], color="green"),
        state="working",
    )
    lead = FakeRuntime(make_definition("delivery-lead", ["PROGRESS.md"], color="yellow"))
    return FakeWorkspace(
        root, [backend, frontend, lead], doc=sample_doc(), has_credentials=has_credentials
    )


@pytest.fixture
def workspace(tmp_path: Path) -> FakeWorkspace:
    """The sample workspace."""
    return make_workspace(tmp_path)
