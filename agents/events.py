"""Plain engine events: what a session, the queue and the coordination model tell front ends.

Every event names its agent. Front ends (the Textual desk, ``agentdesk run --json``) subscribe to
a :class:`EventBus` and must treat every string field as untrusted text.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

AgentState = str  # "idle" | "working" | "needs_you" | "blocked" | "done" | "error" | "paused"
AGENT_STATES: tuple[str, ...] = (
    "idle",
    "working",
    "needs_you",
    "blocked",
    "done",
    "error",
    "paused",
)


@dataclass(frozen=True)
class Event:
    """Base class of all engine events."""

    agent: str
    at: float = field(default_factory=time.time, kw_only=True)

    @property
    def type(self) -> str:
        """The event's name in JSON lines (``text_delta``, ``proposal_created``...)."""
        return _snake(type(self).__name__)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with a ``type`` key and every field."""
        data = {"type": self.type}
        data.update(dataclasses.asdict(self))
        return data


@dataclass(frozen=True)
class StateChanged(Event):
    """The agent moved to another state (see ``AGENT_STATES``)."""

    state: AgentState
    detail: str = ""


@dataclass(frozen=True)
class ModeChanged(Event):
    """The person changed the agent's effective permission mode."""

    mode: str


@dataclass(frozen=True)
class TurnStarted(Event):
    """A model turn (one Messages API call) began."""

    turn: int


@dataclass(frozen=True)
class TextDelta(Event):
    """A piece of streamed assistant text."""

    text: str


@dataclass(frozen=True)
class TurnEnded(Event):
    """A model turn finished with a stop reason the engine accepted."""

    turn: int
    stop_reason: str


@dataclass(frozen=True)
class ToolCall(Event):
    """The model asked for a tool; the engine is about to decide what happens."""

    tool_use_id: str
    tool: str
    input: dict[str, Any]


@dataclass(frozen=True)
class ProposalCreated(Event):
    """A tool call needs the person: it is in the approval queue."""

    proposal_id: str
    tool: str
    summary: str


@dataclass(frozen=True)
class ToolAutoApproved(Event):
    """A write or command was allowed by the mode or an always-allow rule, without asking."""

    proposal_id: str
    tool: str
    rule: str


@dataclass(frozen=True)
class ToolDenied(Event):
    """A tool call was refused before anything ran (Domain, protected path, mode, schema)."""

    tool_use_id: str
    tool: str
    reason: str


@dataclass(frozen=True)
class ProposalDecided(Event):
    """The person (or the headless stand-in) decided a proposal."""

    proposal_id: str
    decision: str  # "approve" | "reject"
    reason: str = ""


@dataclass(frozen=True)
class ProposalApplied(Event):
    """An approved proposal was written to disk (and committed, when ``commit`` is set)."""

    proposal_id: str
    paths: tuple[str, ...]
    commit: str | None = None


@dataclass(frozen=True)
class Committed(Event):
    """The git commit of an applied proposal finished (off the UI thread)."""

    proposal_id: str
    sha: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class ProposalFailed(Event):
    """An approved proposal could not be applied (stale pre-image, guard refusal, I/O error)."""

    proposal_id: str
    reason: str
    stale: bool = False


@dataclass(frozen=True)
class ToolResult(Event):
    """The result sent back to the model for one tool call."""

    tool_use_id: str
    tool: str
    content: str
    is_error: bool = False


@dataclass(frozen=True)
class Usage(Event):
    """Token use of one turn and the agent's running totals."""

    input_tokens: int
    output_tokens: int
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    total_cost_usd: float = 0.0


@dataclass(frozen=True)
class RetryScheduled(Event):
    """A failed call will be retried after ``delay`` seconds unless cancelled."""

    attempt: int
    delay: float
    reason: str


@dataclass(frozen=True)
class AgentError(Event):
    """Something went wrong that the person should read; says what to do."""

    message: str


@dataclass(frozen=True)
class BlockerRaised(Event):
    """An agent raised a blocker (tool call or a new line under ``## Blockers``)."""

    blocker_id: str
    text: str


@dataclass(frozen=True)
class BlockerAnswered(Event):
    """The person answered a blocker; the answer goes to ``agent``."""

    blocker_id: str
    answer: str


@dataclass(frozen=True)
class ProgressChanged(Event):
    """PROGRESS.md changed on disk and was parsed again (``agent`` is ``""``)."""

    warning: str = ""


@dataclass(frozen=True)
class RecoveryReport(Event):
    """Startup recovery finished something left by a crash (``agent`` may be ``""``)."""

    message: str


Listener = Callable[[Event], None]


class EventBus:
    """A tiny synchronous pub/sub: listeners are called in order, on the caller's thread.

    A listener that raises is removed from neither the bus nor the flow: the error is swallowed
    so one broken front end cannot stop an agent.
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add ``listener``; returns a function that removes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: Event) -> None:
        """Deliver ``event`` to every listener."""
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # a front end's bug must not stop an agent
                listener(event)


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
