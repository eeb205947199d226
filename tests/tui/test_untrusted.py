"""Untrusted text renders inertly and visibly everywhere (THREATS T56–T59).

A transcript, a file, a diff, a command, PROGRESS.md, a blocker, a notification and a file name
holding markup (``[@click=app.quit]x[/]``, ``x [/foo] y``), OSC 52, CSI, C1 and bidi marks: no
span comes from the text, every control character shows as a marker, no action fires, nothing
crashes.
"""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Static

from agents.events import BlockerRaised, ProposalCreated, TextDelta
from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import (
    FakeBlocker,
    FakeDoc,
    FakeEntry,
    FakeItem,
    FakePhase,
    command_proposal,
    edit_proposal,
)
from tests.tui.helpers import RecordingDesk, screen_text
from tui.screens.file_view import FileScreen
from tui.screens.main import MainScreen
from tui.screens.review import ReviewScreen
from tui.widgets.domain_tree import DomainTree
from tui.widgets.entries import ToolBlock
from tui.widgets.safe import untrusted

PAYLOADS = (
    "[@click=app.quit]x[/]",
    "x [/foo] y",
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "\x1b[2J",
    "\x9b",
    "\u202e",
)
ALL = " ".join(PAYLOADS)
RAW = ("\x1b", "\x9b", "\u202e", "\x07")


def assert_inert(content: object) -> None:
    """Plain content: no raw control characters, markers present where the payload was."""
    assert isinstance(content, Content)
    text = content.plain
    for raw in RAW:
        assert raw not in text
    for span in content.spans:
        assert "click" not in str(span.style) and "link" not in str(span.style)


def statics(app: RecordingDesk) -> list[Static]:
    return list(app.screen.query(Static).results(Static))


def test_untrusted_has_no_spans_and_visible_markers() -> None:
    content = untrusted(ALL)
    assert content.spans == []
    assert content.plain == (
        "[@click=app.quit]x[/] x [/foo] y ␛]52;c;ZWNobyBwd25lZA==␇ ␛[2J <U+009B> <U+202E>"
    )


async def test_payloads_in_every_main_screen_widget(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    rt = ws.runtimes[0]
    rt.entries = [
        FakeEntry(kind, ALL, {"tool": "Bash"})
        for kind in ("user", "assistant", "tool_call", "tool_result", "error", "denied", "notice")
    ]
    ws.progress.current = FakeDoc(
        phases=(FakePhase(ALL, (FakeItem(ALL, False, ALL),)),),
        blockers=(FakeBlocker("b-9", ALL, ALL),),
        text=ALL,
    )
    ws.add_proposal(
        edit_proposal("backend-architect", "backend/app.py", "a\n", ALL + "\n", flags=())
    )
    (ws.root / "backend" / "[@click=app.quit]\x1b.py").write_text("x\n")
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause()
        rt.streaming_text = ALL
        ws.bus.emit(TextDelta("backend-architect", ALL))
        ws.bus.emit(ProposalCreated("frontend-architect", "p-x", "Bash", ALL))
        ws.bus.emit(BlockerRaised("frontend-architect", "b-x", ALL))
        await pilot.pause(0.1)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        tree = screen.query_one(DomainTree)
        for _ in range(20):
            await pilot.pause(0.05)
            if tree.root.children:
                break
        tree.root.children[0].expand()
        await pilot.pause(0.2)
        tool = screen.query_one(ToolBlock)
        tool.toggle()  # expanded result shows the payload too
        await pilot.press("P")  # raw PROGRESS.md
        await pilot.pause()
        checked = 0
        for widget in statics(app):
            visual = widget.visual
            if isinstance(visual, Content):
                assert_inert(visual)
                checked += 1
        assert checked > 10
        shot = screen_text(app)
        for raw in RAW:
            assert raw not in shot
        assert "␛]52;c;ZWNobyBwd25lZA==␇" in shot
        assert "[@click=app.quit]x[/]" in shot
        labels = [node.label.plain for node in tree.root.children[0].children]
        assert "[@click=app.quit]␛.py" in labels  # a file name, in the tree
        assert "<U+202E>" in shot
        for message, _ in app.notes:
            assert not any(raw in message for raw in RAW)
        # clicking the would-be link does nothing
        await pilot.click(ToolBlock)
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)
    assert app.return_code in (None, 0)


async def test_payloads_in_review_diff_and_command(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(
        edit_proposal(
            "backend-architect", "backend/app.py", "x = 1\n", f"x = '{ALL}'\n", created_at=1.0
        )
    )
    ws.add_proposal(command_proposal("backend-architect", ALL, created_at=2.0))
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for _ in range(2):
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            for widget in statics(app):
                if isinstance(widget.visual, Content):
                    assert_inert(widget.visual)
            shot = screen_text(app)
            assert "\x1b" not in shot and "␛[2J" in shot
            await pilot.press("d")  # the split view too
            await pilot.pause()
            for widget in statics(app):
                if isinstance(widget.visual, Content):
                    assert_inert(widget.visual)
            await pilot.press("n", "enter")  # reject; next proposal
            await pilot.pause()


async def test_payloads_in_file_view_and_markdown_links(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    source = ws.root / "backend" / "evil.py"
    source.write_text(f"# {ALL}\nprint('{ALL}')\n")
    doc = ws.root / "backend" / "notes.md"
    doc.write_text(f"# Notes {ALL}\n\n[passwords](file:///etc/passwd) and [site](https://x.test)\n")
    opened: list[str] = []
    app = RecordingDesk(ws)
    app.open_url = lambda url, **kw: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(FileScreen(source, "backend/evil.py"))
        await pilot.pause(0.2)
        shot = screen_text(app)
        assert "\x1b" not in shot and "␛]52" in shot
        await pilot.press("escape")
        screen = FileScreen(doc, "backend/notes.md")
        app.push_screen(screen)
        await pilot.pause(0.2)
        from textual.widgets import Markdown

        markdown = screen.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "file:///etc/passwd"))
        await pilot.pause()
        assert opened == []
        assert "only http(s) links" in app.note_text()
        markdown.post_message(Markdown.LinkClicked(markdown, "https://x.test"))
        await pilot.pause()
        from tui.screens.modals import ConfirmLink

        assert isinstance(app.screen, ConfirmLink)
        await pilot.press("escape")  # not opened without a yes
        assert opened == []
        markdown.post_message(Markdown.LinkClicked(markdown, "https://x.test"))
        await pilot.pause()
        await pilot.click("#open")
        await pilot.pause()
        assert opened == ["https://x.test"]


def test_links_in_assistant_markdown_are_printed_not_clickable() -> None:
    from rich.console import Console

    from tui.widgets.entries import AssistantBlock, MarkdownLines

    block = AssistantBlock("see [the docs](file:///etc/passwd) and <https://x.test>")
    markdown = block.content
    assert isinstance(markdown, MarkdownLines)  # rendered through rich.markdown
    console = Console(width=80, color_system="truecolor", force_terminal=True)
    segments = list(console.render(markdown))
    assert all(seg.style is None or seg.style.link is None for seg in segments)
    text = "".join(seg.text for seg in segments)
    assert "file:///etc/passwd" in text  # the target is shown, so the person sees it
