"""PROGRESS.md, live: a structured view of phases, items and blockers, or the raw source.

Re-rendered on every change, so it is a line-API widget (like Textual's ``Log``): the view is
kept as a list of styled lines and only the rows on screen are rendered. A Static holding the
whole document was wrapped and laid out on every update (~1 s for a 5,000-line file); never
Textual's Markdown widget either (PERF.md: ~850 ms per update for 200 lines). Long lines are
word-wrapped to the panel's width, like a Static does, so the two views look the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from tui.widgets.facade import ProgressDocLike
from tui.widgets.safe import untrusted

#: Indented notes shown under an item (the raw view has them all).
MAX_NOTES = 3
_BLOCKER_MARK = {"open": ("●", "$error"), "answered": ("✎", "$warning"), "resolved": ("✓", "dim")}
_BLANK = Content("")

Part = Content | str | tuple[str, str]


def _line(*parts: Part) -> list[Content]:
    """One logical line; newlines in untrusted text start new lines, as in a Static."""
    content = Content.assemble(*parts)
    if "\n" in content.plain:
        return content.split("\n", allow_blank=True)
    return [content]


#: Lines already built, by what they show: a new revision usually changes a few items, so
#: an update costs what changed plus one lookup per line. Cleared when it grows past this.
_CACHE_LIMIT = 20_000
LineCache = dict[tuple[object, ...], list[Content]]


def _cached(
    cache: LineCache | None,
    key: tuple[object, ...],
    build: Callable[..., list[Content]],
    *args: Any,
) -> list[Content]:
    """``build(*args)``, remembered in ``cache`` under ``key`` (a key holds every shown field)."""
    if cache is None:
        return build(*args)
    found = cache.get(key)
    if found is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        found = cache[key] = build(*args)
    return found


def _phase_title(title: str, count: str) -> list[Content]:
    """A phase's title and its done/total count."""
    return _line(untrusted(title, "bold $primary"), (count, "dim"))


def _wrap(line: Content, width: int) -> list[Content]:
    """One line word-wrapped to ``width`` (as a Static would)."""
    return line.wrap(width) or [_BLANK]


def _one_item(agent: str | None, done: bool, text: str, notes: tuple[str, ...]) -> list[Content]:
    """A checklist item (its agent in bold) and its first notes."""
    parts: list[Part] = [("☑ " if done else "☐ ", "$success" if done else "")]
    mention = f"@{agent}" if agent else ""
    if mention:
        parts.append(untrusted(mention, "bold"))
        text = text[len(mention) :] if text.startswith(mention) else f" {text}"
    parts.append(untrusted(text, "dim" if done else ""))
    lines = _line(*parts)
    for note in notes:
        lines += _line(untrusted(f"    · {note}", "dim"))
    return lines


def _item_lines(doc: ProgressDocLike, cache: LineCache | None) -> list[Content]:
    """Each phase's title with its count, then its items and their first notes."""
    lines: list[Content] = []
    for phase in doc.phases:
        done = sum(1 for item in phase.items if item.done)
        if lines:
            lines.append(_BLANK)
        title, count = phase.title, f"  {done}/{len(phase.items)}"
        lines += _cached(cache, ("phase", title, count), _phase_title, title, count)
        for item in phase.items:
            key = ("item", item.agent, item.done, item.text, tuple(item.notes[:MAX_NOTES]))
            lines += _cached(cache, key, _one_item, *key[1:])
    if not doc.phases:
        lines.append(Content.styled("No phases found.", "dim"))
    return lines


def progress_lines(doc: ProgressDocLike, cache: LineCache | None = None) -> list[Content]:
    """Phases with their checklists, then blockers, other sections and warnings: one
    :class:`~textual.content.Content` per line, untrusted text sanitised and never markup.
    ``cache`` (kept by the caller between revisions) reuses the lines of unchanged items."""
    if not doc.exists:
        return [
            Content.styled("No PROGRESS.md yet.", "bold"),
            Content.styled(
                "Agents create it when they mark work complete or raise a blocker.", "dim"
            ),
        ]
    lines = _item_lines(doc, cache)
    open_blockers = [b for b in doc.blockers if b.state != "resolved"]
    if doc.blockers:
        lines.append(_BLANK)
        lines.append(Content.styled(f"Blockers ({len(open_blockers)} open)", "bold $error"))
        for blocker in doc.blockers:
            mark, style = _BLOCKER_MARK.get(blocker.state, ("?", ""))
            parts: list[Part] = [(f"{mark} ", style)]
            if blocker.agent:
                parts.append(untrusted(f"@{blocker.agent}: ", "bold"))
            parts.append(untrusted(blocker.text, "dim" if blocker.state == "resolved" else ""))
            lines += _line(*parts)
    if doc.sections:
        lines.append(_BLANK)
        others = untrusted(", ".join(s.title for s in doc.sections), "dim")
        lines += _line(("Other sections: ", "dim"), others)
    for warning in doc.warnings:
        lines += _line(untrusted(f"⚠ {warning}", "$warning"))
    return lines


def progress_content(doc: ProgressDocLike) -> Content:
    """The whole structured view as one :class:`~textual.content.Content` (for tests and export)."""
    return Content("\n").join(progress_lines(doc))


def wrap_lines(
    lines: Sequence[Content], width: int, cache: LineCache | None = None
) -> list[Content]:
    """``lines`` word-wrapped to ``width`` cells; only lines that do not fit pay for wrapping,
    once per text, spans and width when ``cache`` is given."""
    if width <= 0:
        return list(lines)
    out: list[Content] = []
    for line in lines:
        if line.cell_length > width or "\t" in line.plain:
            key = ("wrap", width, line.plain, tuple(line.spans))
            out += _cached(cache, key, _wrap, line, width)
        else:
            out.append(line)
    return out


class ProgressView(ScrollView, can_focus=True):
    """The PROGRESS.md panel: renders only the rows on screen, whatever the file's size."""

    DEFAULT_CSS = """
    ProgressView {
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.raw = False
        self._doc: ProgressDocLike | None = None
        self._lines: list[Content] = [Content.styled("loading…", "dim")]
        self._wrapped: list[Content] = list(self._lines)
        self._wrap_width = -1
        self._cache: LineCache = {}
        self.border_title = "PROGRESS.md"

    @property
    def plain_text(self) -> str:
        """What the view shows, as plain text (one line per logical line, unwrapped)."""
        return "\n".join(line.plain for line in self._lines)

    @property
    def lines(self) -> list[Content]:
        """The styled lines shown, before wrapping."""
        return list(self._lines)

    def show(self, doc: ProgressDocLike) -> None:
        """Render ``doc`` (structured, or raw when toggled)."""
        self._doc = doc
        if self.raw:
            text = doc.text if doc.exists else "(PROGRESS.md does not exist)"
            self._lines = untrusted(text).split("\n", allow_blank=True)
            self.border_title = "PROGRESS.md · source (P: structured)"
        else:
            self._lines = progress_lines(doc, self._cache)
            self.border_title = "PROGRESS.md (P: source)"
        self._wrap_width = -1
        self._rewrap()
        self.refresh()

    def toggle_raw(self) -> None:
        """Switch between the structured view and the Markdown source."""
        self.raw = not self.raw
        if self._doc is not None:
            self.scroll_home(animate=False)
            self.show(self._doc)

    def _rewrap(self) -> None:
        """Wrap to the current width (if it changed) and size the scrollable area to match."""
        width = self.scrollable_size.width
        if width == self._wrap_width:
            return
        self._wrap_width = width
        self._wrapped = wrap_lines(self._lines, width, self._cache)
        self.virtual_size = Size(max(width, 0), len(self._wrapped))
        # Keep the reader's place across updates, clamped when the document shrank.
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap for the new width (a scrollbar appearing narrows the text too)."""
        self._rewrap()

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the panel: one pre-wrapped line, styled with the theme's variables."""
        width = self.scrollable_size.width
        if width != self._wrap_width:
            self.call_later(self._rewrap)
        index = self.scroll_offset.y + y
        if width <= 0 or index >= len(self._wrapped):
            return Strip.blank(max(width, 0), self.rich_style)
        strips = Visual.to_strips(
            self, self._wrapped[index], width, 1, self.visual_style, apply_selection=False, pad=True
        )
        return strips[0] if strips else Strip.blank(width, self.rich_style)
