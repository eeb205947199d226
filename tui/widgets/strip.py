"""The agent strip: every agent's number, state and pending count on one line.

When the full labels do not fit (80 columns with four agents), the strip shrinks to numbers and
state marks. Clicking an agent selects its pane.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.widget import Widget

from tui.widgets.messages import SelectAgent
from tui.widgets.pane import STATE_MARKS, STATE_STYLES, agent_style
from tui.widgets.safe import untrusted


@dataclass(frozen=True)
class Chip:
    """What the strip shows for one agent."""

    name: str
    state: str
    color: str | None
    pending: int


class AgentStrip(Widget):
    """One line: ``1 backend-architect ● needs you (2) │ 2 frontend ◐ working``."""

    DEFAULT_CSS = """
    AgentStrip { height: 1; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.chips: list[Chip] = []
        self.active = 0
        self._ranges: list[tuple[int, int]] = []

    def set_chips(self, chips: Sequence[Chip], active: int) -> None:
        """Replace the chips and the active index; repaints once, and only on a change."""
        chips = list(chips)
        if chips == self.chips and active == self.active:
            return
        self.chips = chips
        self.active = active
        self.refresh()

    @property
    def level(self) -> int:
        """0: full labels; 1: names and marks; 2: numbers and marks only."""
        width = self.size.width or 10_000
        if len(self._full(words=True).plain) <= width:
            return 0
        if len(self._full(words=False).plain) <= width:
            return 1
        return 2

    def render(self) -> Content:
        """The strip for the current width."""
        level = self.level
        return self._compact() if level == 2 else self._full(words=level == 0)

    def _full(self, *, words: bool) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        ranges: list[tuple[int, int]] = []
        pos = 0
        for i, chip in enumerate(self.chips):
            if i:
                parts.append((" │ ", "dim"))
                pos += 3
            mark, label = STATE_MARKS.get(chip.state, ("?", chip.state))
            number = f"{i + 1} " if i < 9 else ""
            if words:
                badge = f" ({chip.pending})" if chip.pending else ""
                state = f" {mark} {label}{badge}"
            else:
                state = f" {mark}{chip.pending or ''}"
            active = "reverse " if i == self.active else ""
            piece = Content.assemble(
                (number, f"{active}bold"),
                untrusted(chip.name, f"{active}{agent_style(chip.color)}"),
                (state, f"{active}{STATE_STYLES.get(chip.state, '')}"),
            )
            ranges.append((pos, pos + len(piece.plain)))
            pos += len(piece.plain)
            parts.append(piece)
        self._ranges = ranges
        return Content.assemble(*parts)

    def _compact(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        ranges: list[tuple[int, int]] = []
        pos = 0
        for i, chip in enumerate(self.chips):
            if i:
                parts.append(" ")
                pos += 1
            mark, _ = STATE_MARKS.get(chip.state, ("?", chip.state))
            badge = str(chip.pending) if chip.pending else ""
            text = f"{i + 1 if i < 9 else '·'}{mark}{badge}"
            active = "reverse " if i == self.active else ""
            parts.append((text, f"{active}{STATE_STYLES.get(chip.state, '')}"))
            ranges.append((pos, pos + len(text)))
            pos += len(text)
        self._ranges = ranges
        return Content.assemble(*parts)

    def on_click(self, event: events.Click) -> None:
        """Select the agent under the pointer."""
        self.render()  # recompute ranges for the current width
        for i, (start, end) in enumerate(self._ranges):
            if start <= event.x < end:
                self.post_message(SelectAgent(i))
                return
