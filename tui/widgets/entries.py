"""The blocks of an agent's transcript.

Every block renders untrusted text as plain, sanitised content. Assistant text is shown cheaply
while it streams (a tail of the buffer) and as Rich Markdown once finished; links in it are
printed with their target, never made clickable. A finished answer keeps only its text: the
Markdown is parsed when the block is laid out at a width, rendered to lines and dropped (see
:class:`MarkdownLines`). Tool calls are one line and expand on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from agents.proposal import RISK_FLAGS
from agents.sanitize import sanitize
from tui.widgets.messages import ReviewRequested
from tui.widgets.safe import tail, untrusted

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

#: Risk flags worth a line in the transcript; the review screen states every flag.
BLOCK_FLAGS = frozenset(
    {"outside_domain", "protected", "shared", "destructive", "dirty", "hidden_chars", "binary"}
)
#: Lines shown while an assistant block streams (the rest appears when the block finishes).
STREAM_TAIL_LINES = 40
#: Lines of a tool result shown when expanded.
RESULT_LINES = 200
_KIND_MARK = {
    "user": "›",
    "decision": "✓",
    "denied": "⛔",
    "error": "✗",
    "notice": "ℹ",
}


class TextBlock(Static):
    """A one-kind block: a prompt the person sent, a decision, a denial, an error, a notice."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(markup=False, classes=f"block -{kind}")
        self.kind = kind
        self.set_text(text)

    def set_text(self, text: str) -> None:
        """Show ``text`` (untrusted) with the kind's mark (a rejection is not a check mark)."""
        mark = _KIND_MARK.get(self.kind, "·")
        rejected = self.kind == "decision" and text.startswith("rejected")
        self.set_class(rejected, "-rejected")
        if rejected:
            mark = "✗"
        self.update(Content.assemble((f"{mark} ", "bold"), untrusted(text)))


class MarkdownLines:
    """Assistant text as a Rich renderable: rendered as Markdown once per width and kept as
    lines. The parsed document (a token tree many times the size of the text) is dropped right
    after, so a block costs its text and, once laid out, its lines at the current width.
    """

    def __init__(self, text: str) -> None:
        # Imported now, when a finished answer is mounted (after the first frame), rather than
        # when its pane is first shown: markdown-it and pygments take ~50 ms to import.
        import rich.markdown  # noqa: F401

        self.text = text
        self._width = 0
        self._lines: list[list[Segment]] = []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width != self._width or not self._lines:
            self._lines = self._render(console, options.update(height=None))
            self._width = options.max_width
        new_line = Segment.line()
        for line in self._lines:
            yield from line
            yield new_line

    def _render(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        from rich.markdown import Markdown

        document = Markdown(sanitize(self.text), hyperlinks=False, code_theme="ansi_dark")
        return console.render_lines(document, options, pad=False, new_lines=False)


class AssistantBlock(Static):
    """Assistant text: a cheap tail while streaming, Markdown once finished."""

    def __init__(self, text: str = "", *, streaming: bool = False) -> None:
        super().__init__(markup=False, classes="block -assistant")
        self.text = ""
        self.streaming = streaming
        self.set_text(text, streaming=streaming)

    def set_text(self, text: str, *, streaming: bool) -> None:
        """Show ``text``; Markdown is rendered only when ``streaming`` is False."""
        if text == self.text and streaming == self.streaming and self.text:
            return
        self.text = text
        self.streaming = streaming
        self.set_class(streaming, "-streaming")
        if streaming:
            self.update(untrusted(tail(text, STREAM_TAIL_LINES)))
        else:
            self.update(MarkdownLines(text))


class ToolBlock(Static, can_focus=True):
    """A tool call on one line, with its result folded away until asked for."""

    def __init__(self, text: str, *, tool: str = "", is_error: bool = False) -> None:
        super().__init__(markup=False, classes="block -tool")
        self.call_text = text
        self.tool = tool
        self.result: str | None = None
        self.is_error = is_error
        self.expanded = False
        self._paint()

    def set_result(self, result: str, *, is_error: bool = False) -> None:
        """Attach the tool's result (shown folded)."""
        self.result = result
        self.is_error = is_error
        self._paint()

    def toggle(self) -> None:
        """Expand or fold the result."""
        self.expanded = not self.expanded
        self._paint()

    def on_click(self, event: events.Click) -> None:
        """A click folds or unfolds."""
        event.stop()
        self.toggle()

    def on_key(self, event: events.Key) -> None:
        """Enter folds or unfolds."""
        if event.key == "enter":
            event.stop()
            self.toggle()

    def _paint(self) -> None:
        self.set_class(self.is_error, "-error")
        arrow = "▾" if self.expanded else "▸"
        parts: list[Content | str | tuple[str, str]] = [
            (f"{arrow} ", "bold $secondary"),
            untrusted(first_line(self.call_text)),
        ]
        if self.result is not None:
            lines = self.result.count("\n") + (1 if self.result else 0)
            label = "error" if self.is_error else f"{lines} line{'s' if lines != 1 else ''}"
            parts.append((f"  ↳ {label}", "dim" if not self.is_error else "$error"))
            if self.expanded:
                shown = "\n".join(self.result.splitlines()[:RESULT_LINES])
                more = lines - RESULT_LINES
                parts.append("\n")
                parts.append(untrusted(shown, "dim" if not self.is_error else ""))
                if more > 0:
                    parts.append((f"\n… {more} more lines", "italic dim"))
        self.update(Content.assemble(*parts))


class ProposalBlock(Static, can_focus=True):
    """A proposal in the transcript: what it does, a short diff, and its state."""

    PREVIEW_LINES = 12

    def __init__(self, proposal_id: str, summary: str) -> None:
        super().__init__(markup=False, classes="block -proposal")
        self.proposal_id = proposal_id
        self.summary = summary
        self.border_title = "proposal"
        self._shown: tuple[str, str, str, tuple[str, ...]] | None = None

    def show(self, summary: str, preview: str, state: str, flags: tuple[str, ...]) -> None:
        """Render the block for a proposal in ``state`` (pending, applied, rejected...); the
        same inputs again change nothing (every proposal event re-shows every block)."""
        key = (summary, preview, state, tuple(flags))
        if key == self._shown:
            return
        same_body = self._shown is not None and self._shown[:2] + self._shown[3:] == (
            summary,
            preview,
            tuple(flags),
        )
        self._shown = key
        self.summary = summary
        self.set_class(state in ("pending", "stale"), "-pending")
        if not same_body:  # a state change alone (pending → applied) is the border's title
            parts: list[Content | str | tuple[str, str]] = [untrusted(summary, "bold")]
            shown = [RISK_FLAGS.get(f, f) for f in flags if f in BLOCK_FLAGS]
            if shown:
                parts.append(("\n⚠ " + "; ".join(shown), "$warning"))
            if preview:
                parts.append("\n")
                parts.append(diff_preview(preview, self.PREVIEW_LINES))
            self.update(Content.assemble(*parts))
        titles = {
            "pending": "needs you · y approve · n reject · r review",
            "stale": "stale · r review to re-diff",
            "approved": "approved",
            "applied": "applied",
            "rejected": "rejected",
            "failed": "failed",
        }
        self.border_subtitle = titles.get(state, state)

    def on_click(self, event: events.Click) -> None:
        """A click opens the review."""
        event.stop()
        self.post_message(ReviewRequested(self.proposal_id))

    def on_key(self, event: events.Key) -> None:
        """Enter opens the review."""
        if event.key == "enter":
            event.stop()
            self.post_message(ReviewRequested(self.proposal_id))


class MoreBlock(Static, can_focus=True):
    """ "N earlier entries": asks for more history on click or enter."""

    class Pressed(Message):
        """The person asked for older entries."""

    def __init__(self, hidden: int) -> None:
        super().__init__(markup=False, classes="block -more")
        self.set_hidden(hidden)

    def set_hidden(self, hidden: int) -> None:
        """Update the count of entries not mounted yet."""
        self.hidden = hidden
        self.update(Content(f"▲ {hidden} earlier entries · enter or click to show more"))

    def on_click(self, event: events.Click) -> None:
        """A click asks for more."""
        event.stop()
        self.post_message(self.Pressed())

    def on_key(self, event: events.Key) -> None:
        """Enter asks for more."""
        if event.key == "enter":
            event.stop()
            self.post_message(self.Pressed())


def first_line(text: str, limit: int = 200) -> str:
    """The first line of ``text``, cut at ``limit`` characters."""
    line = text.split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def diff_preview(diff: str, max_lines: int) -> Content:
    """The first lines of a unified diff, coloured, as plain (sanitised) content."""
    lines = [ln for ln in diff.splitlines() if not ln.startswith(("---", "+++"))]
    shown = lines[:max_lines]
    parts: list[Content | str | tuple[str, str]] = []
    for i, line in enumerate(shown):
        if i:
            parts.append("\n")
        style = ""
        if line.startswith("+"):
            style = "$success"
        elif line.startswith("-"):
            style = "$error"
        elif line.startswith("@@"):
            style = "$secondary"
        parts.append(untrusted(line, style))
    if len(lines) > max_lines:
        parts.append((f"\n… {len(lines) - max_lines} more lines", "italic dim"))
    return Content.assemble(*parts)
