"""One agent's pane: a header (who, model, modes, state, usage), the transcript, a prompt box."""

from __future__ import annotations

import time
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Static

from tui.widgets.facade import RuntimeLike
from tui.widgets.messages import PromptSubmitted
from tui.widgets.safe import content_key, untrusted
from tui.widgets.transcript import ProposalLookup, Transcript

#: Shorter names for the header's "(file: …)" note.
SHORT_MODES = {"bypassPermissions": "bypass"}
#: The state detail in a pane header is cut here (the transcript has the whole story).
DETAIL_LIMIT = 40
STATE_MARKS: dict[str, tuple[str, str]] = {
    "idle": ("○", "idle"),
    "working": ("◐", "working"),
    "needs_you": ("●", "needs you"),
    "blocked": ("■", "blocked"),
    "done": ("✓", "done"),
    "error": ("✗", "error"),
    "paused": ("‖", "paused"),
}
STATE_STYLES: dict[str, str] = {
    "needs_you": "bold $warning",
    "blocked": "bold $error",
    "error": "bold $error",
    "working": "$primary",
    "done": "$success",
}


def agent_style(color: str | None) -> str:
    """A safe style for an agent's declared colour (unknown colours fall back to the accent)."""
    if color:
        try:
            return Color.parse(color).hex
        except ColorParseError:
            pass
    return "$accent"


def short_tokens(n: int) -> str:
    """``12345`` -> ``12.3k``."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)


def header_content(rt: RuntimeLike, *, now: float | None = None) -> Content:
    """The pane header for ``rt``: every piece of agent-supplied text is plain."""
    d = rt.definition
    mark, label = STATE_MARKS.get(rt.state, ("?", rt.state))
    state_style = STATE_STYLES.get(rt.state, "")
    mode: list[Content | str | tuple[str, str]] = [untrusted(rt.effective_mode)]
    if rt.declared_mode != rt.effective_mode:
        declared = SHORT_MODES.get(rt.declared_mode, rt.declared_mode)
        mode.append((f" (file: {declared})", "dim"))
    detail = rt.state_detail
    if rt.retry_deadline is not None:
        left = max(0, round(rt.retry_deadline - (time.monotonic() if now is None else now)))
        detail = f"retrying in {left} s"
    parts: list[Content | str | tuple[str, str]] = [
        ("● ", agent_style(d.color)),
        untrusted(d.name, "bold"),
        (" · ", "dim"),
        untrusted(rt.model_id),
        (" · ", "dim"),
        *mode,
        (" · ", "dim"),
        (f"{mark} {label}", state_style),
    ]
    if detail:
        if len(detail) > DETAIL_LIMIT:
            detail = detail[: DETAIL_LIMIT - 1] + "…"
        parts.append(untrusted(f" ({detail})", "dim"))
    tokens = short_tokens(rt.input_tokens + rt.output_tokens)
    parts.append((f" · {tokens} tok · ${rt.cost_usd:.2f}", "dim"))
    return Content.assemble(*parts)


class PromptBox(Input):
    """The prompt: enter sends, escape leaves the box so single-letter keys work again."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Leave prompt", show=False)]

    def action_leave(self) -> None:
        """Move focus back to the transcript."""
        pane = self.parent
        if pane is not None:
            for child in pane.children:
                if isinstance(child, Transcript):
                    child.focus()


class AgentPane(Vertical):
    """The pane of one agent."""

    def __init__(self, agent: str, lookup: ProposalLookup, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="pane")
        self.agent = agent
        self._lookup = lookup
        self._stream_pending = False
        self._countdown: Timer | None = None
        self._runtime: RuntimeLike | None = None
        self._header_key: object = None

    def compose(self) -> ComposeResult:
        """Header, transcript, prompt."""
        yield Static(markup=False, classes="pane-header")
        yield Transcript(self._lookup)
        yield PromptBox(placeholder=f"message {self.agent}… (enter sends · esc leaves)")

    @property
    def transcript(self) -> Transcript:
        """The transcript widget."""
        return self.query_one(Transcript)

    @property
    def prompt(self) -> PromptBox:
        """The prompt box."""
        return self.query_one(PromptBox)

    def sync(self, rt: RuntimeLike) -> None:
        """Bring header and transcript in line with the runtime."""
        self._runtime = rt
        self.update_header(rt)
        self.transcript.sync(rt.entries, rt.streaming_text)

    def update_header(self, rt: RuntimeLike) -> None:
        """Re-render the header only."""
        self._runtime = rt
        content = header_content(rt)
        key = content_key(content)
        if key != self._header_key:  # an unchanged header would still cost a relayout
            self._header_key = key
            self.query_one(".pane-header", Static).update(content)
        self._arm_countdown(rt)

    def stream(self, rt: RuntimeLike) -> None:
        """Coalesce streamed text: at most one transcript update per ~30 ms."""
        self._runtime = rt
        if not self._stream_pending:
            self._stream_pending = True
            self.set_timer(0.03, self._flush_stream)

    def _flush_stream(self) -> None:
        self._stream_pending = False
        if self._runtime is not None:
            self.transcript.show_stream(self._runtime.streaming_text)

    def _arm_countdown(self, rt: RuntimeLike) -> None:
        """Tick once a second only while a retry is scheduled (never while idle)."""
        if rt.retry_deadline is not None and self._countdown is None:
            self._countdown = self.set_interval(1.0, self._tick)
        elif rt.retry_deadline is None and self._countdown is not None:
            self._countdown.stop()
            self._countdown = None

    def _tick(self) -> None:
        if self._runtime is not None:
            self.update_header(self._runtime)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Send the prompt's text to the screen, which hands it to the engine."""
        event.stop()
        text = event.value.strip()
        if text:
            self.post_message(PromptSubmitted(self.agent, text))
