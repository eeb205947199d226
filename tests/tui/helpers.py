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
