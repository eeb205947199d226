"""Shared helpers for the desk tests."""

from __future__ import annotations

import html
from typing import Any

from textual.widgets import Static

from tui.app import DeskApp


class RecordingDesk(DeskApp):
    """The desk, recording every notification (message, severity) and bell."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("start_engine", False)
        super().__init__(*args, **kwargs)
        self.notes: list[tuple[str, str]] = []
        self.bells = 0

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.notes.append((str(message), str(kwargs.get("severity", "information"))))
        super().notify(message, **kwargs)

    def bell(self) -> None:
        self.bells += 1

    def note_text(self) -> str:
        return "\n".join(m for m, _ in self.notes)


def plain(widget: Static) -> str:
    """The text a Static shows."""
    return str(widget.visual.plain) if hasattr(widget.visual, "plain") else str(widget.render())


def screen_text(app: DeskApp) -> str:
    """Everything on screen as text (the SVG export, unescaped; spans split lines oddly, so
    search for short phrases)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def progress_loaded(pilot: Any, app: DeskApp, timeout: float = 5.0) -> None:
    """Wait until PROGRESS.md and the blocker list (read in a thread) are on screen."""
    from textual.widgets import OptionList

    from tui.widgets.progress_view import ProgressView

    for _ in range(int(timeout / 0.02)):
        screen = app.screen
        body = screen.query(ProgressView)
        lists = screen.query(OptionList)
        if (
            body
            and "loading" not in body.first(ProgressView).plain_text
            and lists
            and lists.first(OptionList).option_count
        ):
            return
        await pilot.pause(0.02)
    raise AssertionError("PROGRESS.md never loaded")


async def until(pilot: Any, check: Any, timeout: float = 5.0) -> None:
    """Poll ``check()`` between short pauses (work done in workers lands a little later)."""
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached in time")


async def settled(pilot: Any, transcript: Any, timeout: float = 5.0) -> None:
    """Wait until a transcript has no load of earlier entries under way (they load by
    themselves when the view nears the top) and the screen has caught up."""
    for _ in range(int(timeout / 0.02)):
        await pilot.pause()
        if not transcript.loading_earlier:
            await pilot.pause()
            if not transcript.loading_earlier:
                return
        await pilot.pause(0.02)
    raise AssertionError("the transcript kept loading")
