"""The desk's first frame: its header and what is being opened, nothing else.

The desk paints this light screen first and reads the repository after it: the engine's
imports, the agent files, the queue and the conversations cost ~100 ms that the person would
otherwise spend looking at a blank terminal. :class:`~tui.app.DeskApp` replaces it with the
main screen as soon as the workspace is open (THREATS: a failure to open says why and exits).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tui.widgets.header import DeskHeader
from tui.widgets.safe import untrusted


class OpeningScreen(Screen[None]):
    """``agentdesk · shop`` and ``opening /path/to/shop…`` while the workspace opens."""

    DEFAULT_CSS = """
    OpeningScreen #opening { padding: 1 2; color: $text-muted; }
    """

    def __init__(self, root: Path) -> None:
        super().__init__(id="opening-screen")
        self.root = root

    def compose(self) -> ComposeResult:
        """The header the main screen will show, and one line of status."""
        yield DeskHeader(self.root.name or str(self.root), id="desk-header")
        yield Static(
            Content.assemble("opening ", untrusted(str(self.root)), "… (ctrl+q quits)"),
            id="opening",
            markup=False,
        )
