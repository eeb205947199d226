"""Snapshots of the main screen, the review screen and the help screen at 80x24 and 160x48.

Deterministic: a fake workspace with fixed data, no clocks, no engine, the tree and PROGRESS.md
fully loaded before the picture, nothing focused that blinks. Review the SVGs with
``pytest tests/tui/test_snapshots.py --snapshot-update`` after an intended change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeWorkspace, command_proposal, edit_proposal
from tui.app import DeskApp
from tui.widgets.domain_tree import DomainTree
from tui.widgets.progress_view import ProgressView

BEFORE = "".join(f"value_{i} = {i}\n" for i in range(1, 21))
AFTER = BEFORE.replace("value_2 = 2", "value_2 = 'two'").replace("value_18 = 18", "value_18 = 0")
SIZES = [(80, 24), (160, 48)]


class QuietDesk(DeskApp):
    """The desk without start-up toasts (they hold nothing the snapshot needs)."""

    def notify(self, *args: Any, **kwargs: Any) -> None:
        return None


def workspace(tmp_path: Path) -> FakeWorkspace:
    ws = make_workspace(tmp_path)
    ws.status = {"backend/app.py": "modified"}
    ws.add_proposal(
        edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER, created_at=1.0),
        emit=False,
    )
    ws.add_proposal(
        command_proposal(
            "frontend-architect", "rm -rf build/\u202e", flags=("destructive", "hidden_chars")
        ),
        emit=False,
    )
    return ws


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the tree, the badges and PROGRESS.md are on screen."""
    app = pilot.app
    for _ in range(100):
        await pilot.pause(0.02)
        screen = app.screen
        trees = screen.query(DomainTree)
        body = screen.query(ProgressView)
        if (
            trees
            and trees.first().root.children
            and trees.first().badges
            and body
            and "loading" not in body.first(ProgressView).plain_text
        ):
            break
    await pilot.pause(0.05)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_main_screen(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = QuietDesk(workspace(tmp_path), start_engine=False)
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_review_screen(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = QuietDesk(workspace(tmp_path), start_engine=False)

    async def open_review(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=size, run_before=open_review)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_review_split_with_hunks(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = QuietDesk(workspace(tmp_path), start_engine=False)

    async def open_review(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("r", "d", "h", "space")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=size, run_before=open_review)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_command_review(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = QuietDesk(workspace(tmp_path), start_engine=False)

    async def open_review(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("2", "r")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=size, run_before=open_review)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_help_screen(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = QuietDesk(workspace(tmp_path), start_engine=False)

    async def open_help(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=size, run_before=open_help)
