"""The blocks of an agent's transcript.

Every block renders untrusted text as plain, sanitised content. Assistant text is shown cheaply
while it streams (a tail of the buffer) and as Rich Markdown once finished; links in it are
printed with their target, never made clickable. A finished answer keeps only its text: the
Markdown is parsed when the block is laid out at a width, rendered to lines and dropped (see
:class:`MarkdownLines`), and a very long answer is folded to its first and last lines until the
person expands it. Tool calls are one line and expand on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

from agents.proposal import RISK_FLAGS
from agents.sanitize import sanitize
from tui.widgets.messages import ReviewRequested
from tui.widgets.safe import tail, untrusted

#: Risk flags worth a line in the transcript; the review screen states every flag.
BLOCK_FLAGS = frozenset(
    {"outside_domain", "protected", "shared", "destructive", "dirty", "hidden_chars", "binary"}
)
#: Lines shown while an assistant block streams (the rest appears when the block finishes).
STREAM_TAIL_LINES = 40
#: A finished answer with more lines (or characters) than this is shown folded: the Markdown of
#: its first FOLD_HEAD_LINES and last FOLD_TAIL_LINES lines (at most FOLD_PART_CHARS characters
#: each), and between them how much is folded; enter or a click shows all of it.
FOLD_LINES = 400
FOLD_CHARS = 40_000
FOLD_HEAD_LINES = 100
FOLD_TAIL_LINES = STREAM_TAIL_LINES
FOLD_PART_CHARS = 8_000
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


def is_long(text: str) -> bool:
    """Whether a finished answer is folded (too many lines or characters)."""
    return len(text) > FOLD_CHARS or text.count("\n") >= FOLD_LINES


def _fence(line: str) -> tuple[str, int] | None:
    """``(char, run length)`` when ``line`` is a code fence line (``` or ~~~)."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or stripped[:3] not in ("```", "~~~"):
        return None
    char = stripped[0]
    run = len(stripped) - len(stripped.lstrip(char))
    return char, run


def open_fence(lines: list[str]) -> str | None:
    """The opening line of the code fence still open after ``lines``, if any."""
    opening: str | None = None
    opened: tuple[str, int] = ("", 0)
    for line in lines:
        fence = _fence(line)
        if fence is None:
            continue
        if opening is None:
            opening, opened = line, fence
        elif fence[0] == opened[0] and fence[1] >= opened[1] and not line.strip(fence[0] + " "):
            opening = None
    return opening


def fold_parts(text: str) -> tuple[str, str, str]:
    """A long answer as (head, what is folded, tail): its first and last lines (a code fence
    cut by the fold is closed and reopened; a line too long is cut) and how much lies between."""
    lines = text.split("\n")
    head: list[str] = []
    shown = 0  # characters of the text in the head and tail
    cut = False
    i = 0
    while i < len(lines) and len(head) < FOLD_HEAD_LINES:
        line = lines[i]
        if shown + len(line) > FOLD_PART_CHARS:
            if not head:  # one very long first line: its beginning
                head.append(line[:FOLD_PART_CHARS] + " …")
                shown, cut = FOLD_PART_CHARS, True
                i += 1
            break
        head.append(line)
        shown += len(line) + 1
        i += 1
    tail: list[str] = []
    size = 0
    j = len(lines)
    while j > i and len(tail) < FOLD_TAIL_LINES:
        line = lines[j - 1]
        if size + len(line) > FOLD_PART_CHARS:
            if not tail:  # one very long last line: its end
                tail.append("… " + line[-FOLD_PART_CHARS:])
                size, cut = FOLD_PART_CHARS, True
                j -= 1
            break
        tail.append(line)
        size += len(line) + 1
        j -= 1
    tail.reverse()
    fence = open_fence(head)
    if fence is not None:
        head.append(fence.strip()[0] * 3)
    fence = open_fence(lines[:j])
    if fence is not None and tail:
        tail.insert(0, fence)
    hidden_lines = j - i
    hidden_chars = max(0, len(text) - shown - size)
    if not hidden_lines:
        note = f"{hidden_chars:,} more characters"
    else:
        note = f"{hidden_lines:,} more line{'s' if hidden_lines != 1 else ''}"
        if cut:
            note += f" ({hidden_chars:,} characters)"
    return "\n".join(head), note, "\n".join(tail)


class MarkdownLines:
    """Assistant text as a Rich renderable: rendered as Markdown once per width and kept as
    lines. The parsed document (a token tree many times the size of the text) is dropped right
    after, so a block costs its text and, once laid out, its lines at the current width.

    ``folded`` shows a long text as the Markdown of its first and last lines with a note of
    what lies between (:func:`fold_parts`); :attr:`note_line` is the note's line, or, for a long
    text shown whole, the line after the text that says how to fold it again.
    """

    def __init__(self, text: str, *, long: bool = False, folded: bool = False) -> None:
        # Imported now, when a finished answer is mounted (after the first frame), rather than
        # when its pane is first shown: markdown-it and pygments take ~50 ms to import.
        import rich.markdown  # noqa: F401

        self.text = text
        self.long = long
        self.folded = folded
        self.note_line: int | None = None
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

        def markdown(text: str) -> list[list[Segment]]:
            document = Markdown(sanitize(text), hyperlinks=False, code_theme="ansi_dark")
            return console.render_lines(document, options, pad=False, new_lines=False)

        def note(text: str) -> list[list[Segment]]:
            return console.render_lines(
                Text(text, style="italic dim"), options, pad=False, new_lines=False
            )

        self.note_line = None
        if not self.long:
            return markdown(self.text)
        if not self.folded:
            lines = markdown(self.text)
            self.note_line = len(lines)
            return lines + note("▴ enter or click here to fold this long answer")
        head, folded, tail = fold_parts(self.text)
        lines = markdown(head)
        self.note_line = len(lines)
        lines += note(f"⋯ {folded} folded · enter or click to show all")
        if tail:
            lines += markdown(tail)
        return lines


class AssistantBlock(Static):
    """Assistant text: a cheap tail while streaming, Markdown once finished (a long answer
    folded until the person expands it: enter when focused, or a click)."""

    DEFAULT_CSS = """
    AssistantBlock:focus {
        background: $boost;
    }
    """

    class ToggleRequested(Message):
        """The person asked to expand or fold a long answer (the transcript does it, keeping
        the reader's place)."""

        def __init__(self, block: AssistantBlock) -> None:
            super().__init__()
            self.block = block

    def __init__(self, text: str = "", *, streaming: bool = False) -> None:
        super().__init__(markup=False, classes="block -assistant")
        self.text = ""
        self.streaming = streaming
        self.long = False
        self.expanded = False
        self.set_text(text, streaming=streaming)

    def set_text(self, text: str, *, streaming: bool) -> None:
        """Show ``text``; Markdown is rendered only when ``streaming`` is False."""
        if text == self.text and streaming == self.streaming and self.text:
            return
        self.text = text
        self.streaming = streaming
        self.set_class(streaming, "-streaming")
        self.long = not streaming and is_long(text)
        self.can_focus = self.long
        if streaming:
            self.update(untrusted(tail(text, STREAM_TAIL_LINES)))
        else:
            self._show()

    @property
    def folded(self) -> bool:
        """Whether only the beginning and end of a long answer are shown."""
        return self.long and not self.expanded

    def _show(self) -> None:
        self.update(MarkdownLines(self.text, long=self.long, folded=self.folded))

    def toggle(self) -> None:
        """Show all of a long answer, or fold it again."""
        if self.long:
            self.expanded = not self.expanded
            self._show()

    def on_click(self, event: events.Click) -> None:
        """A click on a folded answer shows all of it; on the note below it, folds it again."""
        if not self.long:
            return
        content = self.content
        note = content.note_line if isinstance(content, MarkdownLines) else None
        if self.folded or event.y == note:
            event.stop()
            self.post_message(self.ToggleRequested(self))

    def on_key(self, event: events.Key) -> None:
        """Enter expands or folds a long answer."""
        if event.key == "enter" and self.long:
            event.stop()
            self.post_message(self.ToggleRequested(self))


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
