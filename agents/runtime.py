"""Per-agent runtime state: what a front end shows about one agent, kept current by events.

An :class:`AgentRuntime` is the public face of one agent: its definition, state, modes, token
and cost totals, and its display transcript. The session updates it through :meth:`emit` and
:meth:`add_entry`, which also publish events and persist the transcript.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agents.definition import AgentDefinition
from agents.events import Event, EventBus, StateChanged
from agents.transcript import TranscriptEntry, TranscriptStore

if TYPE_CHECKING:
    from agents.session import AgentSession

#: Entries kept in memory per agent; older ones stay on disk (lazy history).
MAX_ENTRIES = 2000


@dataclass
class AgentRuntime:
    """One agent as the desk sees it."""

    definition: AgentDefinition
    bus: EventBus
    store: TranscriptStore
    model_id: str
    declared_mode: str
    effective_mode: str
    state: str = "idle"
    state_detail: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    budget_usd: float | None = None
    retry_deadline: float | None = None
    entries: list[TranscriptEntry] = field(default_factory=list)
    streaming_text: str = ""
    session: AgentSession | None = None

    @property
    def name(self) -> str:
        """The agent's name."""
        return self.definition.name

    def emit(self, event: Event) -> None:
        """Publish ``event`` to every front end."""
        self.bus.emit(event)

    def set_state(self, state: str, detail: str = "") -> None:
        """Move to ``state`` and publish it (no event when nothing changed)."""
        if state == self.state and detail == self.state_detail:
            return
        self.state = state
        self.state_detail = detail
        if state != "working":
            self.retry_deadline = None
        self.emit(StateChanged(self.name, state, detail))
        self.save_meta()

    def add_entry(self, kind: str, text: str, **meta: Any) -> TranscriptEntry:
        """Append a display entry, persist it, and bound the in-memory list."""
        entry = TranscriptEntry(kind=kind, text=text, meta=meta)
        self.entries.append(entry)
        if len(self.entries) > MAX_ENTRIES:
            del self.entries[: len(self.entries) - MAX_ENTRIES]
        self.store.append_entry(entry)
        return entry

    def add_usage(self, usage: dict[str, int], cost: float) -> None:
        """Add one turn's tokens and cost to the totals."""
        self.input_tokens += int(usage.get("input_tokens", 0)) + int(
            usage.get("cache_read_input_tokens", 0)
        )
        self.input_tokens += int(usage.get("cache_creation_input_tokens", 0))
        self.output_tokens += int(usage.get("output_tokens", 0))
        self.cost_usd += cost
        self.save_meta()

    @property
    def over_budget(self) -> bool:
        """True when a budget is set and the agent's cost reached it."""
        return self.budget_usd is not None and self.cost_usd >= self.budget_usd

    def save_meta(self, **extra: Any) -> None:
        """Persist totals, mode and state so a relaunch restores them."""
        meta = self.store.load_meta()
        meta.update(
            {
                "input_tokens": self.input_tokens,
                "output_tokens": self.output_tokens,
                "cost_usd": self.cost_usd,
                "effective_mode": self.effective_mode,
                "declared_mode": self.declared_mode,
                "state": self.state,
                "saved_at": time.time(),
            }
        )
        meta.update(extra)
        self.store.save_meta(meta)

    def restore(self) -> None:
        """Load the persisted transcript and totals (called once at open)."""
        self.entries = self.store.load_entries(limit=MAX_ENTRIES)
        meta = self.store.load_meta()
        self.input_tokens = int(meta.get("input_tokens", 0))
        self.output_tokens = int(meta.get("output_tokens", 0))
        self.cost_usd = float(meta.get("cost_usd", 0.0))
        mode = meta.get("effective_mode")
        # The person's choice holds only while the file declares what it did when they chose:
        # an agent file changed since (say, to plan) decides afresh.
        if isinstance(mode, str) and mode and meta.get("declared_mode") == self.declared_mode:
            self.effective_mode = mode
