"""The desk's shell: first frame, layout at 80x24 and 160x48, panes, keys, no API key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.widgets import ContentSwitcher, Static

from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeUserConfig
from tests.tui.helpers import RecordingDesk, plain, settled
from tui.screens.main import MainScreen
from tui.widgets.domain_tree import DomainTree
from tui.widgets.entries import AssistantBlock, TextBlock, ToolBlock
from tui.widgets.pane import AgentPane, PromptBox
from tui.widgets.strip import AgentStrip

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_desk_does_not_import_anthropic() -> None:
    code = (
        "import sys\n"
        "import tui.cli, tui.commands.desk_cmd, tui.app, tui.screens.main\n"
        "print('anthropic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False"


async def test_first_frame_then_fill(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.pause()
        panes = list(screen.query(AgentPane))
        assert [p.agent for p in panes] == [
            "backend-architect",
            "frontend-architect",
            "delivery-lead",
        ]
        transcript = screen.pane(0).transcript
        kinds = [type(w).__name__ for w in transcript.children]
        assert kinds == ["TextBlock", "AssistantBlock", "ToolBlock"]
        tool = transcript.query_one(ToolBlock)
        assert tool.result == "def app():\n    return 'OLD'\n"
        header = plain(screen.query_one("#summary", Static))
        assert "nothing pending" in header and "1 blocker" in header and "$0.42" in header
        assert screen.query(DomainTree)
        assert not ws.started  # start_engine=False in tests


async def test_engine_starts_after_first_frame(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws, start_engine=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.01)
            if ws.started:
                break
        assert ws.started
    assert ws.closed


async def test_pane_keys(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        switcher = screen.query_one(ContentSwitcher)
        await pilot.press("2")
        assert screen.active == 1 and switcher.current == "pane-1"
        await pilot.press("full_stop")
        assert screen.active == 2
        await pilot.press("full_stop")
        assert screen.active == 0
        await pilot.press("comma")
        assert screen.active == 2
        await pilot.press("9")  # no ninth agent: nothing happens
        assert screen.active == 2
        # while typing, digits go to the prompt and alt+N still switches
        await pilot.press("1", "i")
        assert isinstance(screen.focused, PromptBox)
        await pilot.press("3")
        assert screen.active == 0
        assert screen.pane(0).prompt.value == "3"
        await pilot.press("alt+2")
        assert screen.active == 1
        assert isinstance(screen.focused, PromptBox)  # still typing, in the new pane
        await pilot.press("escape")
        assert not isinstance(screen.focused, PromptBox)


async def test_strip_click_selects_agent(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        strip = screen.query_one(AgentStrip)
        text = strip.render().plain
        x = text.index("delivery-lead")
        await pilot.click(AgentStrip, offset=(x + 1, 0))
        await pilot.pause()
        assert screen.active == 2


async def test_strip_shrinks_on_narrow_terminals(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        strip = app.screen.query_one(AgentStrip)
        assert "idle" in strip.render().plain and strip.level == 0
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert strip.level == 1
        assert "backend-architect" in strip.render().plain
        await pilot.resize_terminal(30, 24)
        await pilot.pause()
        assert strip.level == 2
        assert strip.render().plain.startswith("1○ 2◐ 3○")


async def test_side_columns_fold_at_80x24_and_toggle(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        tree = screen.query_one("#tree-column")
        side = screen.query_one("#side")
        assert not tree.display and not side.display
        assert not screen.query(DomainTree)  # no directory is read for a folded column
        await pilot.press("t")
        assert tree.display
        domain_tree = screen.query_one(DomainTree)
        for _ in range(50):
            await pilot.pause(0.02)
            if domain_tree.root.children:
                break
        assert [n.label.plain for n in domain_tree.root.children] == ["backend"]
        await pilot.press("t", "b")
        assert not tree.display and side.display
        assert screen.query_one("#blockers").display
        assert not screen.query_one("#progress").display
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert tree.display and side.display
        await pilot.press("p")  # shown but elsewhere: p goes there first
        assert screen.query_one("#progress").display
        assert screen.focused is screen.query_one("#progress")
        await pilot.press("p")  # in focus: p hides it, and focus returns to the pane
        assert not screen.query_one("#progress").display
        assert screen.query_one("#blockers").display
        assert screen.focused is screen.pane(0).transcript


async def test_cycle_mode_and_cancel(tmp_path: Path) -> None:
    from agents.events import ModeChanged
    from tests.tui.fake_workspace import FakeEntry

    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        ws.runtimes[0].entries.append(FakeEntry("notice", "mode: plan (set elsewhere)"))
        ws.bus.emit(ModeChanged("backend-architect", "plan"))
        await pilot.pause()
        last = list(app.screen.query(TextBlock))[-1]
        assert "mode: plan (set elsewhere)" in plain(last)
        await pilot.press("m")
        assert ws.calls[-1] == ("cycle_mode", "backend-architect")
        header = plain(app.screen.query_one(".pane-header", Static))
        assert "acceptEdits (file: bypass)" in header
        await pilot.press("2", "x")
        assert ws.calls[-1] == ("cancel", "frontend-architect")
        await pilot.press("3", "x")  # an idle agent has no turn to stop
        assert ws.calls[-1] == ("cancel", "frontend-architect")


async def test_prompt_sends_to_the_agent(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.press(*"add tests")
        await pilot.press("enter")
        await pilot.pause()
        assert ws.calls[-1] == ("send", "backend-architect", "add tests")
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.pane(0).prompt.value == ""
        last = list(screen.pane(0).transcript.children)[-1]
        assert isinstance(last, TextBlock) and "add tests" in plain(last)


async def test_no_api_key_opens_and_says_how_to_connect(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, has_credentials=False)
    app = RecordingDesk(ws, start_engine=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert "no model" in plain(screen.query_one("#summary", Static))
        banner = screen.pane(0).transcript.query(".-banner").first()
        assert "ANTHROPIC_API_KEY" in plain(banner)
        await pilot.press("i", "h", "i", "enter")
        await pilot.pause()
        assert not [c for c in ws.calls if c[0] == "send"]
        assert "ANTHROPIC_API_KEY" in app.note_text()
        assert screen.pane(0).prompt.value == "hi"  # kept, not lost
        # everything else still works: panes, progress, blockers
        await pilot.press("escape", "2")
        assert screen.active == 1


async def test_no_agents_says_where_to_put_them(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.runtimes = []
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "m", "x", "y", "full_stop")
        text = plain(app.screen.query_one(".empty", Static))
        assert "No agents found" in text and ".claude/agents/" in text


async def test_active_pane_restored_on_relaunch(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("3")
    again = RecordingDesk(ws)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, MainScreen)
        assert screen.active == 2
        assert screen.query_one(ContentSwitcher).current == "pane-2"


async def test_transcript_restored_and_bounded(tmp_path: Path) -> None:
    from tests.tui.fake_workspace import FakeEntry
    from tui.widgets.entries import MoreBlock
    from tui.widgets.transcript import INITIAL_BLOCKS, MORE_STEP

    ws = make_workspace(tmp_path)
    ws.runtimes[0].entries = [FakeEntry("notice", f"line {i}") for i in range(500)]
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        assert 24 * 2 <= transcript.block_count <= INITIAL_BLOCKS  # a few screens, not 500
        more = transcript.query_one(MoreBlock)
        assert more.hidden == 500 - transcript.block_count
        more.focus()  # scrolls to the top, which loads a few screens more by itself
        await settled(pilot, transcript)
        shown, hidden = transcript.block_count, more.hidden
        assert hidden == 500 - shown
        await pilot.press("enter")
        await settled(pilot, transcript)
        assert transcript.block_count == shown + MORE_STEP
        assert more.hidden == hidden - MORE_STEP
        first = hidden - MORE_STEP
        assert plain(transcript.query(TextBlock).first()).endswith(f"line {first}")


async def test_keymap_remaps_and_bad_ids_are_reported(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.user_config = FakeUserConfig(keymap={"desk.cycle_mode": "ctrl+y", "desk.nope": "z"})
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+y")
        assert ws.calls[-1] == ("cycle_mode", "backend-architect")
        await pilot.press("m")  # the old key no longer cycles
        assert len([c for c in ws.calls if c[0] == "cycle_mode"]) == 1
        assert "unknown binding id 'desk.nope'" in app.note_text()


async def test_assistant_text_rendered_as_markdown(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        block = app.screen.query_one(AssistantBlock)
        assert not block.streaming
        shown = app.export_screenshot()
        assert "**users**" not in shown and "users" in shown


async def test_long_live_session_keeps_a_bounded_dom(tmp_path: Path) -> None:
    from agents.events import TurnEnded
    from tests.tui.fake_workspace import FakeEntry
    from tui.widgets.entries import MoreBlock
    from tui.widgets.transcript import KEEP_BLOCKS, MAX_BLOCKS, MORE_STEP

    ws = make_workspace(tmp_path, entries=False)
    rt = ws.runtimes[0]
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        for batch in range(12):
            rt.entries.extend(FakeEntry("notice", f"n {batch}-{i}") for i in range(50))
            ws.bus.emit(TurnEnded("backend-architect", batch, "end_turn"))
            await pilot.pause()
        await pilot.pause(0.1)
        assert transcript.block_count <= MAX_BLOCKS
        more = transcript.query_one(MoreBlock)
        assert more.hidden == 600 - transcript.block_count
        assert transcript.block_count >= KEEP_BLOCKS
        more.focus()
        await settled(pilot, transcript)
        hidden_before, blocks_before = more.hidden, transcript.block_count
        await pilot.press("enter")
        await settled(pilot, transcript)
        assert transcript.query_one(MoreBlock).hidden == hidden_before - MORE_STEP
        assert transcript.block_count == blocks_before + MORE_STEP
