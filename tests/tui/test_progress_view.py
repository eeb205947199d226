"""The PROGRESS.md view: the lines it builds, their wrapping, and a line-API widget that renders
only what is on screen and keeps the reader's place across updates."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content

from tests.tui.fake_workspace import FakeBlocker, FakeDoc, FakeItem, FakePhase, FakeSection
from tui.widgets.progress_view import ProgressView, progress_content, progress_lines, wrap_lines

PAYLOAD = "[@click=app.quit]x[/] \x1b[2J"


def big_doc(items: int, tag: str = "") -> FakeDoc:
    phase = FakePhase(
        f"Phase 1{tag}",
        tuple(FakeItem("dev", i % 2 == 0, f"@dev item {i}{tag}") for i in range(items)),
    )
    return FakeDoc(phases=(phase,), text="# PROGRESS\n\n## Phase 1\n- [ ] @dev item 0\n")


def test_lines_hold_everything_the_view_shows() -> None:
    doc = FakeDoc(
        phases=(
            FakePhase(
                "Phase 1: Setup",
                (
                    FakeItem("dev", True, "@dev scaffold", notes=("n1", "n2", "n3", "n4")),
                    FakeItem(None, False, "unowned"),
                ),
            ),
        ),
        blockers=(
            FakeBlocker("b-1", "qa", "need data"),
            FakeBlocker("b-2", None, "old", "resolved"),
        ),
        sections=(FakeSection("Notes"), FakeSection("Log")),
        warnings=("line 9: odd item",),
    )
    plain = [line.plain for line in progress_lines(doc)]
    assert plain == [
        "Phase 1: Setup  1/2",
        "☑ @dev scaffold",
        "    · n1",
        "    · n2",
        "    · n3",
        "☐ unowned",
        "",
        "Blockers (1 open)",
        "● @qa: need data",
        "✓ old",
        "",
        "Other sections: Notes, Log",
        "⚠ line 9: odd item",
    ]
    item = progress_lines(doc)[1]
    bold = [s for s in item.spans if "bold" in str(s.style)]
    assert [item.plain[s.start : s.end] for s in bold] == ["@dev"]
    assert progress_content(doc).plain == "\n".join(plain)


def test_missing_file_and_no_phases() -> None:
    assert progress_lines(FakeDoc(exists=False))[0].plain == "No PROGRESS.md yet."
    assert [c.plain for c in progress_lines(FakeDoc())] == ["No phases found."]


def test_untrusted_text_is_sanitised_plain_and_split_on_newlines() -> None:
    doc = FakeDoc(phases=(FakePhase(PAYLOAD, (FakeItem(None, False, f"a\nb {PAYLOAD}"),)),))
    lines = progress_lines(doc)
    assert lines[0].plain.startswith("[@click=app.quit]x[/] ␛[2J")
    assert [c.plain for c in lines[1:]] == ["☐ a", "b [@click=app.quit]x[/] ␛[2J"]
    for line in lines:
        assert "\x1b" not in line.plain
        assert all("click" not in str(span.style) for span in line.spans)


def test_wrap_lines_wraps_only_what_does_not_fit() -> None:
    short = Content("short")
    long = Content("word " * 30).stylize("bold", 0, 4)
    out = wrap_lines([short, long, Content("")], 20)
    assert out[0] is short
    assert all(line.cell_length <= 20 for line in out)
    assert " ".join(c.plain for c in out[1:-1]).split() == long.plain.split()
    assert out[1].spans  # styles survive wrapping
    assert out[-1].plain == ""
    assert wrap_lines([long], 0) == [long]


def rows(view: ProgressView) -> list[str]:
    """The rows the widget renders for its visible height."""
    return [view.render_line(y).text for y in range(view.size.height)]


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ProgressView(id="progress")


async def test_big_file_renders_only_visible_rows_and_keeps_scroll() -> None:
    app = ViewApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ProgressView)
        assert "loading" in view.plain_text
        view.show(big_doc(5000))
        await pilot.pause()
        assert view.virtual_size.height == 5001
        assert rows(view)[0].startswith("Phase 1  2500/5000")
        view.scroll_to(y=3000, animate=False)
        await pilot.pause()
        assert rows(view)[0].strip() == "☐ @dev item 2999"
        view.show(big_doc(5000, tag=" v2"))  # another revision: same place
        await pilot.pause()
        assert view.scroll_offset.y == 3000
        assert rows(view)[0].strip() == "☐ @dev item 2999 v2"
        view.show(big_doc(10))  # the file shrank: clamped, still showing its end
        await pilot.pause()
        assert view.scroll_offset.y == view.max_scroll_y
        assert rows(view)[0].startswith("Phase 1  5/10")


async def test_long_lines_wrap_to_the_panel_and_raw_toggle() -> None:
    app = ViewApp()
    async with app.run_test(size=(40, 20)) as pilot:
        view = app.query_one(ProgressView)
        doc = FakeDoc(
            phases=(FakePhase("P", (FakeItem(None, False, "lorem ipsum dolor " * 8),)),),
            text=f"# raw source\n{PAYLOAD}\n",
        )
        view.show(doc)
        await pilot.pause()
        assert view.virtual_size.height > 2  # the item wrapped over several rows
        assert view.border_title == "PROGRESS.md (P: source)"
        view.toggle_raw()
        await pilot.pause()
        assert view.raw and view.plain_text == "# raw source\n[@click=app.quit]x[/] ␛[2J\n"
        assert "source (P: structured)" in str(view.border_title)
        assert rows(view)[1].startswith("[@click=app.quit]x[/] ␛[2J")
        view.toggle_raw()
        assert view.plain_text.startswith("P  0/1")


def test_cache_reuses_unchanged_lines_and_never_shows_stale_ones() -> None:
    cache: dict[tuple[object, ...], list[Content]] = {}
    first = progress_lines(big_doc(3), cache)
    ticked = FakeDoc(
        phases=(
            FakePhase(
                "Phase 1",
                (
                    FakeItem("dev", True, "@dev item 0"),
                    FakeItem("dev", True, "@dev item 1"),  # was open
                    FakeItem("dev", True, "@dev item 2"),
                ),
            ),
        )
    )
    second = progress_lines(ticked, cache)
    assert [c.plain for c in second] == [
        "Phase 1  3/3",
        "☑ @dev item 0",
        "☑ @dev item 1",
        "☑ @dev item 2",
    ]
    assert second[1] is first[1] and second[3] is first[3]  # unchanged items: not rebuilt
    assert first[2].plain == "☐ @dev item 1"
    long = [Content("word " * 30)]
    assert wrap_lines(long, 20, cache)[0] is wrap_lines(long, 20, cache)[0]
    assert len(wrap_lines(long, 40, cache)) < len(wrap_lines(long, 20, cache))
