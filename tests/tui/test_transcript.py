"""The transcript stays cheap without losing anything: a few screens mounted at first, earlier
entries loaded as the person scrolls up (keeping their place), finished answers kept as text
rather than parsed documents, long answers folded until expanded, old blocks of a live pane
dropped but still reachable."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from agents.events import TurnEnded
from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeEntry
from tests.tui.helpers import RecordingDesk, plain, settled
from tui.screens.main import MainScreen
from tui.widgets.entries import (
    FOLD_HEAD_LINES,
    FOLD_PART_CHARS,
    FOLD_TAIL_LINES,
    AssistantBlock,
    MarkdownLines,
    MoreBlock,
    TextBlock,
    fold_parts,
    is_long,
)
from tui.widgets.transcript import INITIAL_BLOCKS, KEEP_BLOCKS, MAX_BLOCKS, Transcript

AGENT = "backend-architect"


def rendered(block: AssistantBlock, width: int = 100) -> str:
    """What a finished assistant block shows, as plain text."""
    console = Console(width=width, color_system=None, force_terminal=False)
    lines = console.render_lines(block.content, pad=False)
    return "\n".join("".join(seg.text for seg in line).rstrip() for line in lines)


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


async def test_long_answer_folded_and_expanded(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, entries=False)
    lines = [f"row {i}" for i in range(1000)]
    lines[95] = "```python"  # a code block that the fold cuts in two
    lines[120] = "```"
    answer = "\n\n".join(lines)  # paragraphs, so every row is its own line
    ws.runtimes[0].entries = [FakeEntry("user", "go"), FakeEntry("assistant", answer)]
    app = RecordingDesk(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        await settled(pilot, transcript)
        block = transcript.query_one(AssistantBlock)
        assert block.folded and block.can_focus
        shown = rendered(block)
        assert "row 0" in shown and "row 999" in shown
        assert "row 500" not in shown
        assert "more lines folded · enter or click to show all" in shown
        # enter on the focused answer shows all of it, and keeps its top where it was
        block.focus()
        await pilot.wait_for_scheduled_animations()
        await settled(pilot, transcript)
        top = on_screen(transcript, block)
        await pilot.press("enter")
        await pilot.pause()
        assert not block.folded
        assert "row 500" in rendered(block)
        assert on_screen(transcript, block) == top
        # enter again folds it; a click on a folded answer expands it
        await pilot.press("enter")
        await pilot.pause()
        assert block.folded
        transcript.scroll_to_widget(block, animate=False, top=True)
        await settled(pilot, transcript)
        await pilot.click(block, offset=(2, 1))
        await pilot.pause()
        assert not block.folded


async def test_expanding_and_folding_keep_the_readers_place(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path, entries=False)
    code = "```\n" + "\n".join(f"row {i}" for i in range(1000)) + "\n```"
    before = [FakeEntry("notice", f"n {i}") for i in range(100)]
    after = [FakeEntry("notice", f"after {i}") for i in range(100)]
    answer = [FakeEntry("user", "go"), FakeEntry("assistant", code)]
    ws.runtimes[0].entries = [*before, *answer, *after]
    app = RecordingDesk(ws)
    async with app.run_test(size=(100, 200)) as pilot:  # room for the whole folded answer
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        block = transcript.query_one(AssistantBlock)
        await settled(pilot, transcript)
        assert block.folded
        transcript.scroll_to_widget(block, animate=False, top=True)  # the folded answer at the top
        await pilot.pause()
        content = block.content
        assert isinstance(content, MarkdownLines) and content.note_line is not None
        top = on_screen(transcript, block)
        await pilot.click(block, offset=(4, content.note_line))
        await pilot.pause()
        assert not block.folded
        assert on_screen(transcript, block) == top  # the folded rows appear where the note was
        # the note at the end of the expanded answer folds it again, and what follows the
        # answer stays where it was on screen
        content = block.content
        assert isinstance(content, MarkdownLines) and content.note_line is not None
        note_y = block.virtual_region.y + content.note_line
        transcript.scroll_to(y=note_y - 100, animate=False, immediate=True)
        await pilot.pause()
        following = next(b for b in transcript.query(TextBlock) if plain(b) == "ℹ after 0")
        row = on_screen(transcript, following)
        assert 0 < row < 190
        await pilot.click(block, offset=(4, content.note_line))
        await pilot.pause()
        assert block.folded
        assert on_screen(transcript, following) == row


async def test_expanding_while_following_the_end_keeps_the_answer_in_place(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path, entries=False)
    code = "```\n" + "\n".join(f"row {i}" for i in range(1000)) + "\n```"
    before = [FakeEntry("notice", f"n {i}") for i in range(100)]
    ws.runtimes[0].entries = [*before, FakeEntry("user", "go"), FakeEntry("assistant", code)]
    app = RecordingDesk(ws)
    async with app.run_test(size=(100, 200)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        block = transcript.query_one(AssistantBlock)
        await settled(pilot, transcript)
        assert transcript.scroll_y == transcript.max_scroll_y > 0  # following the end
        content = block.content
        assert isinstance(content, MarkdownLines) and content.note_line is not None
        top = on_screen(transcript, block)
        await pilot.click(block, offset=(4, content.note_line))
        await pilot.pause()
        assert not block.folded
        assert on_screen(transcript, block) == top  # not pushed up to keep the end in view


async def test_a_short_answer_is_not_folded_nor_focusable(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        block = app.screen.query_one(AssistantBlock)
        assert not block.long and not block.can_focus
        assert "users" in rendered(block) and "folded" not in rendered(block)


def test_fold_parts() -> None:
    text = "\n".join(f"l{i}" for i in range(1000))
    assert is_long(text)
    head, note, tail = fold_parts(text)
    assert head.split("\n") == [f"l{i}" for i in range(FOLD_HEAD_LINES)]
    assert tail.split("\n") == [f"l{i}" for i in range(1000 - FOLD_TAIL_LINES, 1000)]
    assert note == f"{1000 - FOLD_HEAD_LINES - FOLD_TAIL_LINES:,} more lines"
    # a code fence open across the fold is closed in the head and reopened in the tail
    fenced = ["```sh"] + [f"echo {i}" for i in range(600)] + ["```", "done"]
    head, _, tail = fold_parts("\n".join(fenced))
    assert head.split("\n")[-1] == "```"
    assert tail.split("\n")[0] == "```sh"
    # one huge line: its beginning and end, and how many characters lie between
    huge = "x" * 100_000
    assert is_long(huge)
    head, note, tail = fold_parts(huge)
    assert len(head) < 10_000 and tail == ""
    assert note == f"{100_000 - FOLD_PART_CHARS:,} more characters"
    head, note, tail = fold_parts("\n".join([huge, "middle", huge]))
    assert head.endswith(" …") and tail.startswith("… ") and "middle" not in head + tail
    assert note == f"1 more line ({2 * 100_000 + 2 + 6 - 2 * FOLD_PART_CHARS:,} characters)"


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
