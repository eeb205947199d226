"""The transcript stays cheap without losing anything: a few screens mounted at first, earlier
entries loaded as the person scrolls up (keeping their place), finished answers kept as text
rather than parsed documents, old blocks of a live pane dropped but still reachable."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from agents.events import TurnEnded
from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeEntry
from tests.tui.helpers import RecordingDesk, plain, settled
from tui.screens.main import MainScreen
from tui.widgets.entries import AssistantBlock, MarkdownLines, MoreBlock, TextBlock
from tui.widgets.transcript import INITIAL_BLOCKS, KEEP_BLOCKS, MAX_BLOCKS, Transcript

AGENT = "backend-architect"


def on_screen(transcript: Transcript, widget: object) -> int:
    """The widget's row within the transcript's viewport (negative: above it)."""
    assert hasattr(widget, "region")
    return int(widget.region.y - transcript.region.y)


async def scroll_to_top_until_all_loaded(pilot: object, transcript: Transcript) -> None:
    for _ in range(100):
        if not transcript.query(MoreBlock):
            return
        transcript.scroll_home(animate=False, immediate=True)
        await settled(pilot, transcript)
    raise AssertionError("earlier entries never finished loading")


async def test_scrolling_up_loads_earlier_entries_and_keeps_the_place(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.runtimes[0].entries = [FakeEntry("notice", f"line {i}") for i in range(600)]
    app = RecordingDesk(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        await settled(pilot, transcript)
        mounted = transcript.block_count
        assert mounted <= INITIAL_BLOCKS
        assert transcript.query_one(MoreBlock).hidden == 600 - mounted
        first = transcript.query(TextBlock).first()
        transcript.scroll_home(animate=False, immediate=True)  # the person scrolls up
        await settled(pilot, transcript)
        assert transcript.block_count > mounted  # loaded by itself
        assert transcript.query_one(MoreBlock).hidden == 600 - transcript.block_count
        # what the person was looking at did not move: the block that was first is still near
        # the top of the view, with the earlier entries above it
        assert 0 <= on_screen(transcript, first) <= 2
        assert transcript.scroll_y > 0
        await scroll_to_top_until_all_loaded(pilot, transcript)
        assert transcript.block_count == 600
        assert plain(transcript.query(TextBlock).first()) == "ℹ line 0"


async def test_a_short_first_chunk_fills_the_screen(tmp_path: Path) -> None:
    """Answers that render shorter than their line count (soft-wrapped Markdown paragraphs)
    do not leave an empty screen with the earlier entries one press away."""
    ws = make_workspace(tmp_path)
    paragraph = "\n".join(f"word{i}" for i in range(30))  # one Markdown paragraph, 30 lines
    ws.runtimes[0].entries = [FakeEntry("assistant", paragraph) for _ in range(40)]
    app = RecordingDesk(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        await settled(pilot, transcript)
        await settled(pilot, transcript)
        assert transcript.virtual_size.height >= 2 * transcript.scrollable_content_region.height


def test_a_finished_answer_keeps_its_text_not_a_parsed_document() -> None:
    block = AssistantBlock("# Title\n\nsome *text*")
    content = block.content
    assert isinstance(content, MarkdownLines)
    console = Console(width=60, color_system=None)
    first = console.render_lines(content)
    assert not any(isinstance(value, Markdown) for value in vars(content).values())
    assert console.render_lines(content) == first  # the same lines, from the cache


async def test_trimmed_blocks_stay_reachable(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, entries=False)
    rt = ws.runtimes[0]
    app = RecordingDesk(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        for batch in range(8):
            rt.entries.extend(FakeEntry("notice", f"n {batch}-{i}") for i in range(40))
            ws.bus.emit(TurnEnded(AGENT, batch, "end_turn"))
            await pilot.pause()
        await settled(pilot, transcript)
        assert KEEP_BLOCKS <= transcript.block_count <= MAX_BLOCKS
        assert transcript.query_one(MoreBlock).hidden == 320 - transcript.block_count
        await scroll_to_top_until_all_loaded(pilot, transcript)
        assert transcript.block_count == 320
        assert plain(transcript.query(TextBlock).first()) == "ℹ n 0-0"
