"""Help lists every key (remapped ones as remapped); the command palette reaches the actions,
the agents, the pending proposals and the open blockers."""

from __future__ import annotations

import inspect
from pathlib import Path

from textual.widgets import Static

from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeUserConfig, command_proposal
from tests.tui.helpers import RecordingDesk, plain
from tui import keys
from tui.screens.commands import DeskCommands
from tui.screens.help import HelpScreen, help_content
from tui.screens.main import MainScreen
from tui.screens.review import ReviewScreen


def test_help_lists_every_documented_key() -> None:
    text = help_content({}).plain
    for spec in keys.ALL_KEYS:
        if spec.id.startswith("desk.pane_") and spec.id not in ("desk.pane_1", "desk.pane_alt_1"):
            continue
        assert spec.id in text, spec.id
    for words in (
        "alt+1 … alt+9",
        "ctrl+q",
        "? / f1",
        "Oldest pending proposal of any agent",
        "ANTHROPIC_API_KEY",
        "keymap",
    ):
        assert words in text


def test_help_shows_remapped_keys() -> None:
    text = help_content({"desk.approve": "ctrl+a"}).plain
    line = next(ln for ln in text.splitlines() if "desk.approve" in ln)
    assert "ctrl+a" in line


def test_every_key_has_a_unique_id() -> None:
    ids = [spec.id for spec in keys.ALL_KEYS]
    assert len(ids) == len(set(ids))


async def test_question_mark_and_f1_open_help(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.user_config = FakeUserConfig(keymap={"desk.cycle_mode": "ctrl+y"})
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen.query_one(Static))
        line = next(ln for ln in text.splitlines() if "ctrl+y" in ln)
        assert "Cycle the mode" in line
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, MainScreen)


async def test_palette_reaches_actions_agents_proposals_blockers(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(command_proposal("frontend-architect", "npm test"))
    app = RecordingDesk(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        provider = DeskCommands(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        for expected in (
            "Approve",
            "Reject",
            "Pending",
            "Mode",
            "Stop turn",
            "Domain tree",
            "PROGRESS.md",
            "Blockers",
            "Help",
            "Agent: delivery-lead",
            "Review: frontend-architect: Bash: npm test",
            "Answer blocker: @frontend-architect: Need the users API schema",
        ):
            assert expected in titles, expected
        hits = [hit async for hit in provider.search("delivery")]
        assert [h.text for h in hits] == ["Agent: delivery-lead"]
        hits[0].command()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.active == 2
        reviews = [h async for h in provider.search("Review npm")]
        assert len(reviews) == 1
        reviews[0].command()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_palette_opens_with_ctrl_p(tmp_path: Path) -> None:
    from textual.command import CommandPalette

    app = RecordingDesk(make_workspace(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_palette_on_the_review_screen_offers_its_keys(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(command_proposal("backend-architect", "npm test"))
    app = RecordingDesk(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        review = app.screen
        assert isinstance(review, ReviewScreen)
        provider = DeskCommands(review)
        titles = [hit.text async for hit in provider.discover()]
        assert "Review: Approve" in titles and "Review: Reject" in titles
        assert not any("hunks" in (t or "").lower() for t in titles)  # not for a command
        hits = [hit async for hit in provider.search("always allow")]
        always = [h for h in hits if h.text and "always allow" in h.text]
        assert len(always) == 1
        result = always[0].command()
        if inspect.isawaitable(result):  # the palette awaits what a command returns
            await result
        await pilot.pause()
        assert next(c for c in ws.calls if c[0] == "decide")[2].always
