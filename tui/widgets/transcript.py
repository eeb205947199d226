"""An agent's transcript: the blocks of its entries, mounted lazily, kept in step with the engine.

The engine owns the entries (``runtime.entries``); :meth:`Transcript.sync` mounts blocks only for
entries it has not seen, so a stream of events costs one small update each. At first only the
newest entries that fill a few screens are mounted (:func:`initial_budget` lines, at most
:data:`INITIAL_BLOCKS` blocks): a pane is laid out only when it is first shown, and everything
mounted is measured then. Older entries load as the person scrolls towards the top (a few screens
at a time), or :data:`MORE_STEP` at a time from the "earlier entries" line, keeping the DOM of each
pane bounded; the reader's place is kept when blocks are added above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.layout import DockArrangeResult
from textual.widget import Widget

from tui.widgets.entries import (
    AssistantBlock,
    MoreBlock,
    ProposalBlock,
    TextBlock,
    ToolBlock,
    is_long,
)
from tui.widgets.facade import EntryLike

#: At most this many blocks are mounted at first, however short they are.
INITIAL_BLOCKS = 80
#: Screens' worth of (estimated) lines mounted at first, and loaded each time the person scrolls
#: near the top.
SCREENS = 3
#: Entries loaded by the "earlier entries" line (enter or click).
MORE_STEP = 100
#: A live pane that grows past MAX_BLOCKS drops its oldest blocks down to KEEP_BLOCKS (they
#: stay one scroll or "earlier entries" press away), so a long session keeps a bounded DOM.
MAX_BLOCKS = 150
KEEP_BLOCKS = 100
#: Lines a folded long answer shows (head, note, tail, margin), for the estimate below.
_FOLDED_LINES = 150


def estimated_lines(entry: EntryLike, width: int = 100) -> int:
    """Roughly how many lines ``entry``'s block takes (to mount a few screens' worth)."""
    kind = entry.kind
    if kind == "tool_result":
        return 0  # joins its call, folded
    if kind == "tool_call":
        return 1
    if kind == "proposal":
        return 16
    text = entry.text
    if kind == "assistant" and is_long(text):
        return _FOLDED_LINES
    lines = max(text.count("\n") + 1, len(text) // max(20, width))
    return lines + 1 if kind in ("assistant", "user") else lines  # their margin


def initial_budget(screen_height: int) -> int:
    """Estimated lines mounted at first and per load: a few screens."""
    return SCREENS * max(24, screen_height)


#: Called with a proposal id; returns (summary, diff preview, state, flags) or None.
ProposalLookup = Callable[[str], "tuple[str, str, str, tuple[str, ...]] | None"]


class Transcript(VerticalScroll, can_focus=True):
    """The scrolling list of an agent's blocks."""

    DEFAULT_CSS = """
    Transcript {
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, lookup: ProposalLookup, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="transcript")
        self._lookup = lookup
        self._last: EntryLike | None = None
        self._last_text_len = 0
        self._count = 0
        self._entries: Sequence[EntryLike] = ()
        self._origin: dict[Widget, EntryLike] = {}
        self._stream: AssistantBlock | None = None
        self._proposals: dict[str, ProposalBlock] = {}
        self._banner: Widget | None = None
        self._open_tools: dict[str, ToolBlock] = {}
        self._loading = False
        self._arranged: DockArrangeResult | None = None
        #: (block, edge, its y before, its y on screen) while a block is held in place.
        self._held: tuple[Widget, str, int, int] | None = None

    def on_mount(self) -> None:
        """Stay at the newest entry as blocks arrive, until the person scrolls up."""
        self.anchor()

    @property
    def block_count(self) -> int:
        """How many entry blocks are mounted (for tests and the DOM budget)."""
        return sum(1 for w in self.children if not isinstance(w, MoreBlock))

    @property
    def loading_earlier(self) -> bool:
        """Whether earlier entries are being mounted (for tests)."""
        return self._loading

    def set_banner(self, widget: Widget | None) -> None:
        """Show (or remove) a fixed notice at the top, e.g. how to connect a model."""
        if self._banner is not None:
            self._banner.remove()
        self._banner = widget
        if widget is not None and self.is_attached:
            self.mount(widget, before=0 if self.children else None)

    def sync(self, entries: Sequence[EntryLike], streaming_text: str) -> None:
        """Mount blocks for new entries, update a growing last entry, show streaming text."""
        if not self.is_attached:  # an event that arrives while the app quits
            return
        self._entries = entries
        start = self._new_start(entries)
        if start is None:
            self._rebuild(entries)
        else:
            new = list(entries[start:])
            if not new and self._last is not None and len(self._last.text) != self._last_text_len:
                self._update_last(self._last)
            if new:
                self._mount_entries(new)
        self._show_stream(streaming_text)
        self.refresh_proposals()

    def refresh_proposals(self) -> None:
        """Re-render every proposal block from the queue (state changes, stale, applied)."""
        for pid, block in self._proposals.items():
            info = self._lookup(pid)
            if info is None:
                block.show(block.summary, "", "done", ())
            else:
                block.show(*info)

    def show_stream(self, streaming_text: str) -> None:
        """Update only the streaming block (the cheap path for text deltas)."""
        self._show_stream(streaming_text)

    # -- internals --------------------------------------------------------------------------

    def _new_start(self, entries: Sequence[EntryLike]) -> int | None:
        if self._last is None:
            return 0 if self._count == 0 else None
        for i in range(len(entries) - 1, -1, -1):
            if entries[i] is self._last:
                return i + 1
        return None

    def _rebuild(self, entries: Sequence[EntryLike]) -> None:
        for child in list(self.children):
            if child is not self._banner:
                child.remove()
        self._proposals.clear()
        self._open_tools.clear()
        self._origin.clear()
        self._held = None
        self._stream = None
        self._last = None
        self._count = 0
        self._mount_entries(list(entries))

    def _budget(self) -> int:
        return initial_budget(self.app.size.height)

    def _chunk_start(self, entries: Sequence[EntryLike], end: int, lines: int, most: int) -> int:
        """Where a chunk ending at ``end`` starts: about ``lines`` estimated lines, at most
        ``most`` entries, at least one."""
        width = self.app.size.width
        start = end
        total = 0
        while start > 0 and end - start < most and (total < lines or start == end):
            start -= 1
            total += estimated_lines(entries[start], width)
        return start

    def _mount_entries(self, new: list[EntryLike]) -> None:
        first_time = self._count == 0
        hidden = 0
        if first_time and new:
            hidden = self._chunk_start(new, len(new), self._budget(), INITIAL_BLOCKS)
            new = new[hidden:]
        widgets = self._blocks_for(new, attach_to=self._last_tool())
        if first_time and hidden:
            widgets.insert(0, MoreBlock(hidden))
        if widgets:
            before = self._stream if self._stream is not None else None
            if before is not None:
                self.mount_all(widgets, before=before)
            else:
                self.mount_all(widgets)
        self._count += len(new)
        if new:
            self._last = new[-1]
            self._last_text_len = len(new[-1].text)
        if not first_time:
            self._trim()

    def _blocks_for(self, entries: list[EntryLike], attach_to: ToolBlock | None) -> list[Widget]:
        """Blocks for ``entries``; a tool result joins its call (by id, else the call just
        before it)."""
        widgets: list[Widget] = []
        pending_tool = attach_to
        for entry in entries:
            meta: dict[str, Any] = dict(entry.meta)
            if entry.kind == "tool_result":
                call = self._open_tools.pop(str(meta.get("id", "")), None) or pending_tool
                if call is not None and call.result is None:
                    call.set_result(entry.text, is_error=bool(meta.get("is_error")))
                    pending_tool = None
                    continue
            block = self._block(entry, meta)
            self._origin[block] = entry
            pending_tool = block if isinstance(block, ToolBlock) else None
            if isinstance(block, ToolBlock) and meta.get("id") and block.result is None:
                self._open_tools[str(meta["id"])] = block
            widgets.append(block)
        return widgets

    def _block(self, entry: EntryLike, meta: dict[str, Any]) -> Widget:
        kind = entry.kind
        if kind == "assistant":
            return AssistantBlock(entry.text)
        if kind == "tool_call":
            return ToolBlock(entry.text, tool=str(meta.get("tool", "")))
        if kind == "tool_result":
            block = ToolBlock(
                f"{meta.get('tool') or 'tool'} result", tool=str(meta.get("tool", ""))
            )
            block.set_result(entry.text, is_error=bool(meta.get("is_error")))
            return block
        if kind == "proposal" and meta.get("proposal_id"):
            pid = str(meta["proposal_id"])
            pblock = ProposalBlock(pid, entry.text)
            self._proposals[pid] = pblock
            info = self._lookup(pid)
            pblock.show(*(info or (entry.text, "", "done", ())))
            return pblock
        return TextBlock(
            kind if kind in ("user", "decision", "denied", "error") else "notice", entry.text
        )

    def _last_tool(self) -> ToolBlock | None:
        blocks = [c for c in self.children if c is not self._stream]
        if blocks and isinstance(blocks[-1], ToolBlock) and blocks[-1].result is None:
            return blocks[-1]
        return None

    def _update_last(self, entry: EntryLike) -> None:
        blocks = [c for c in self.children if c is not self._stream]
        if blocks and isinstance(blocks[-1], AssistantBlock):
            blocks[-1].set_text(entry.text, streaming=False)
        elif blocks and isinstance(blocks[-1], TextBlock):
            blocks[-1].set_text(entry.text)
        self._last_text_len = len(entry.text)

    def _show_stream(self, text: str) -> None:
        if text:
            if self._stream is None:
                self._stream = AssistantBlock(text, streaming=True)
                self.mount(self._stream)
            else:
                self._stream.set_text(text, streaming=True)
        elif self._stream is not None:
            self._stream.remove()
            self._stream = None

    def _blocks(self) -> list[Widget]:
        return [c for c in self.children if c in self._origin]

    def _index_of_first_block(self) -> int:
        """Index in the runtime's entries of the oldest mounted block (by identity)."""
        blocks = self._blocks()
        if not blocks:
            return len(self._entries)
        first = self._origin[blocks[0]]
        for i, entry in enumerate(self._entries):
            if entry is first:
                return i
        return 0

    def _show_more(self, hidden: int) -> None:
        more = next((c for c in self.children if isinstance(c, MoreBlock)), None)
        if hidden <= 0:
            if more is not None:
                more.remove()
        elif more is not None:
            more.set_hidden(hidden)
        else:
            blocks = self._blocks()
            self.mount(MoreBlock(hidden), before=blocks[0] if blocks else None)

    def load_more(self, step: int | None = None) -> None:
        """Mount older entries above the oldest block: ``step`` entries, or (by default) a
        few screens' worth. The blocks on screen stay where they are."""
        first = self._index_of_first_block()
        more = next((c for c in self.children if isinstance(c, MoreBlock)), None)
        if more is None or first <= 0:
            self._loading = False
            self._show_more(0)
            return
        if step is None:
            start = self._chunk_start(self._entries, first, self._budget(), MORE_STEP)
        else:
            start = max(0, first - step)
        blocks = self._blocks()
        if blocks:
            self._hold(blocks[0], "top")
        widgets = self._blocks_for(list(self._entries[start:first]), attach_to=None)
        self._loading = True
        mounted = self.mount_all(widgets, after=more)
        self._show_more(start)

        async def loaded() -> None:
            await mounted
            self.call_after_refresh(self._loaded)

        self.call_later(loaded)

    def reveal(self, proposal_id: str) -> ProposalBlock | None:
        """The block of ``proposal_id``, mounting the entries down to it when it is older than
        what is mounted; None when no entry shows it."""
        block = self._proposals.get(proposal_id)
        if block is not None:
            return block
        first = self._index_of_first_block()
        for i in range(first - 1, -1, -1):
            meta = self._entries[i].meta
            if self._entries[i].kind == "proposal" and meta.get("proposal_id") == proposal_id:
                self.load_more(step=first - i)
                return self._proposals.get(proposal_id)
        return None

    def _loaded(self) -> None:
        self._loading = False
        self._held = None
        self._load_if_near_top()

    def _load_if_near_top(self) -> None:
        """Load earlier entries when the view is within a screen of the top."""
        height = self.scrollable_content_region.height
        if self._loading or not height or self.scroll_y > height or not self._has_more():
            return
        self.load_more()

    def _has_more(self) -> bool:
        return any(isinstance(c, MoreBlock) for c in self.children)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolling up towards the top loads earlier entries."""
        super().watch_scroll_y(old_value, new_value)
        if new_value < old_value and self.is_attached:
            self._load_if_near_top()

    # -- keeping the reader's place -----------------------------------------------------------

    def _hold(self, widget: Widget, edge: str) -> None:
        """Keep ``widget``'s top (or bottom) edge where it is on screen across the next layout
        that moves it (blocks mounted above it, or it grows or shrinks)."""
        arranged = self._arranged
        if arranged is None:
            return
        for placement in arranged.placements:
            if placement.widget is widget:
                region = placement.region
                y = region.bottom if edge == "bottom" else region.y
                self._held = (widget, edge, y, y - round(self.scroll_y))
                return

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        """Lay the blocks out; when a held block moved, scroll by as much in the same frame."""
        result = super().arrange(size, optimal)
        self._arranged = result
        bottom = max((p.region.bottom for p in result.placements), default=0)
        if bottom <= size.height and not self._loading and self._has_more():
            # What is mounted does not even fill the screen (answers shorter than estimated),
            # so the person could not scroll up to load more.
            self._loading = True
            self.call_later(self.load_more)
        held = self._held
        if held is not None:
            widget, edge, old_y, offset = held
            for placement in result.placements:
                if placement.widget is widget:
                    region = placement.region
                    y = region.bottom if edge == "bottom" else region.y
                    if y != old_y:
                        self._held = None
                        scroll = max(0, min(y - offset, bottom - size.height))
                        self.set_reactive(Widget.scroll_y, scroll)
                        self.set_reactive(Widget.scroll_target_y, scroll)
                        self.vertical_scrollbar.position = scroll
                    break
        return result

    def on_assistant_block_toggle_requested(self, event: AssistantBlock.ToggleRequested) -> None:
        """Expand a long answer where it stands, or fold it keeping the next line in place."""
        event.stop()
        block = event.block
        if block.folded:
            self.release_anchor()  # the head stays put even while following the end
        else:
            self._hold(block, "bottom")
        block.toggle()
        self.call_after_refresh(self._release_hold)

    def _release_hold(self) -> None:
        self._held = None

    # -- trimming ---------------------------------------------------------------------------

    def _trim(self) -> None:
        """Drop the oldest blocks of a long live session (only while following the end)."""
        blocks = self._blocks()
        if len(blocks) <= MAX_BLOCKS or self.scroll_y < self.max_scroll_y - 2:
            return
        drop = blocks[: len(blocks) - KEEP_BLOCKS]
        for widget in drop:
            self._origin.pop(widget, None)
            if isinstance(widget, ProposalBlock):
                self._proposals.pop(widget.proposal_id, None)
            widget.remove()
        self._open_tools = {k: v for k, v in self._open_tools.items() if v in self._origin}
        self._show_more(self._index_of_first_block())

    def on_more_block_pressed(self, event: MoreBlock.Pressed) -> None:
        """Load older entries."""
        event.stop()
        self.load_more(MORE_STEP)
