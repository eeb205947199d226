"""The blocker queue: every agent's blockers, oldest first; enter answers the one selected."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.widgets.facade import BlockerLike
from tui.widgets.messages import AnswerRequested
from tui.widgets.safe import untrusted

_MARK = {"open": ("● ", "$error"), "answered": ("✎ ", "$warning"), "resolved": ("✓ ", "dim")}


def blocker_prompt(blocker: BlockerLike) -> Content:
    """``● @agent: text`` (+ the answer, when given), all agent text plain."""
    mark, style = _MARK.get(blocker.state, ("? ", ""))
    parts: list[Content | str | tuple[str, str]] = [(mark, style)]
    parts.append(untrusted(f"@{blocker.agent or 'unknown'}: ", "bold"))
    parts.append(untrusted(blocker.text, "dim" if blocker.state == "resolved" else ""))
    if blocker.answer:
        parts.append(untrusted(f"\n  ↳ {blocker.answer}", "italic dim"))
    return Content.assemble(*parts)


class BlockerQueue(Vertical):
    """Blockers of all agents (open first, each group oldest first)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.blocker_ids: list[str] = []
        self.border_title = "Blockers"

    def compose(self) -> ComposeResult:
        """One option list (markup off: blocker text is untrusted)."""
        yield OptionList(markup=False, id="blocker-list")

    def show(self, blockers: Sequence[BlockerLike]) -> None:
        """Replace the list; keeps the highlighted blocker when it is still there."""
        ordered = [b for b in blockers if b.state == "open"]
        ordered += [b for b in blockers if b.state == "answered"]
        ordered += [b for b in blockers if b.state == "resolved"]
        options = self.query_one(OptionList)
        keep = options.highlighted
        kept_id = (
            self.blocker_ids[keep] if keep is not None and keep < len(self.blocker_ids) else None
        )
        self.blocker_ids = [b.id for b in ordered]
        options.clear_options()
        options.add_options([Option(blocker_prompt(b), id=b.id) for b in ordered])
        if not ordered:
            options.add_option(Option(Content.styled("No blockers.", "dim"), disabled=True))
        elif kept_id in self.blocker_ids:
            options.highlighted = self.blocker_ids.index(kept_id)
        open_count = sum(1 for b in blockers if b.state == "open")
        self.border_title = f"Blockers ({open_count} open) · enter answers"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a blocker asks to answer it."""
        event.stop()
        if event.option.id:
            self.post_message(AnswerRequested(event.option.id))
