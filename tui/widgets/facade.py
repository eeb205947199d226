"""The engine surface the desk renders, as structural types.

The desk holds an ``agents.workspace.Workspace`` at run time; these protocols name exactly the
parts of it the TUI touches, so the widgets can be type-checked, tested against a small fake, and
never reach into engine internals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from agents.definition import AgentDefinition, AgentLoadError
from agents.events import EventBus
from agents.proposal import Decision, Proposal


class EntryLike(Protocol):
    """One transcript block (``agents.transcript.TranscriptEntry``)."""

    @property
    def kind(self) -> str:
        """user | assistant | tool_call | tool_result | proposal | decision | denied | error
        | notice."""

    @property
    def text(self) -> str:
        """The block's text (untrusted)."""

    @property
    def meta(self) -> Mapping[str, Any]:
        """Extra facts: tool, proposal_id, is_error, paths..."""


class RuntimeLike(Protocol):
    """One agent as the desk shows it (``agents.runtime.AgentRuntime``)."""

    @property
    def definition(self) -> AgentDefinition:
        """The agent's definition."""

    @property
    def state(self) -> str:
        """idle | working | needs_you | blocked | done | error | paused."""

    @property
    def state_detail(self) -> str:
        """A short explanation of the state (e.g. a retry countdown)."""

    @property
    def model_id(self) -> str:
        """The resolved model id."""

    @property
    def declared_mode(self) -> str:
        """The permission mode the file asks for."""

    @property
    def effective_mode(self) -> str:
        """The mode actually enforced (capped by the desk ceiling)."""

    @property
    def input_tokens(self) -> int:
        """Input tokens so far."""

    @property
    def output_tokens(self) -> int:
        """Output tokens so far."""

    @property
    def cost_usd(self) -> float:
        """Cost so far in US dollars."""

    @property
    def entries(self) -> Sequence[EntryLike]:
        """The transcript, oldest first."""

    @property
    def streaming_text(self) -> str:
        """Assistant text streamed in the current turn and not yet an entry."""

    @property
    def retry_deadline(self) -> float | None:
        """Monotonic deadline of a scheduled retry."""


class DomainLike(Protocol):
    """An agent's Domain (``agents.domain.Domain``)."""

    @property
    def patterns(self) -> Sequence[str]:
        """The gitignore-style patterns."""

    def matches(self, rel: str) -> bool:
        """True when the file ``rel`` is inside the Domain."""

    def may_contain(self, rel_dir: str) -> bool:
        """True when the directory ``rel_dir`` may hold files of the Domain."""


class BlockerLike(Protocol):
    """One blocker (``agents.progress.Blocker``)."""

    @property
    def id(self) -> str:
        """Stable id."""

    @property
    def agent(self) -> str | None:
        """Who raised it."""

    @property
    def text(self) -> str:
        """What blocks (untrusted)."""

    @property
    def state(self) -> str:
        """open | answered | resolved."""

    @property
    def answer(self) -> str | None:
        """The person's answer, once given."""


class ItemLike(Protocol):
    """One checklist item of a phase."""

    @property
    def agent(self) -> str | None:
        """The agent the item names."""

    @property
    def done(self) -> bool:
        """Checked?"""

    @property
    def text(self) -> str:
        """The item text."""

    @property
    def timestamp(self) -> str | None:
        """When it was completed."""

    @property
    def notes(self) -> Sequence[str]:
        """The indented notes under the item."""


class PhaseLike(Protocol):
    """A ``## Phase`` section."""

    @property
    def title(self) -> str:
        """The heading text."""

    @property
    def items(self) -> Sequence[ItemLike]:
        """The checklist."""


class SectionLike(Protocol):
    """A free section, kept verbatim."""

    @property
    def title(self) -> str:
        """The heading text."""


class ProgressDocLike(Protocol):
    """A parsed PROGRESS.md."""

    @property
    def phases(self) -> Sequence[PhaseLike]:
        """Phases in file order."""

    @property
    def blockers(self) -> Sequence[BlockerLike]:
        """Blockers in file order."""

    @property
    def sections(self) -> Sequence[SectionLike]:
        """Free sections."""

    @property
    def warnings(self) -> Sequence[str]:
        """Parser warnings."""

    @property
    def exists(self) -> bool:
        """False when the file is missing."""

    @property
    def text(self) -> str:
        """The decoded source."""


class ProgressFileLike(Protocol):
    """The live PROGRESS.md model."""

    @property
    def current(self) -> ProgressDocLike:
        """The last good parse."""


class QueueLike(Protocol):
    """The one ordered approval queue."""

    def pending(self, agent: str | None = None) -> Sequence[Proposal]:
        """Pending proposals, oldest first (of one agent, or all)."""

    def oldest_pending(self) -> Proposal | None:
        """The oldest pending proposal of any agent."""

    def get(self, proposal_id: str) -> Proposal | None:
        """A proposal by id."""


class UserConfigLike(Protocol):
    """The user-level settings the desk reads."""

    @property
    def theme(self) -> str | None:
        """The chosen theme name."""

    @property
    def bell(self) -> bool:
        """Ring the terminal bell when an agent needs the person."""

    @property
    def keymap(self) -> Mapping[str, str]:
        """Binding id -> keys overrides."""


class WorkspaceLike(Protocol):
    """The engine façade (``agents.workspace.Workspace``)."""

    @property
    def root(self) -> Path:
        """The project root."""

    @property
    def bus(self) -> EventBus:
        """Engine events."""

    @property
    def runtimes(self) -> Sequence[RuntimeLike]:
        """Agents in display order."""

    @property
    def errors(self) -> Sequence[AgentLoadError]:
        """Agent files that could not be loaded."""

    @property
    def warnings(self) -> Sequence[str]:
        """Config and recovery warnings, shown once."""

    @property
    def queue(self) -> QueueLike:
        """The approval queue."""

    @property
    def progress(self) -> ProgressFileLike:
        """PROGRESS.md."""

    @property
    def user_config(self) -> UserConfigLike:
        """User settings."""

    @property
    def has_credentials(self) -> bool:
        """False when no API key is configured."""

    async def start(self) -> None:
        """Start watchers and sessions (after the first frame)."""

    async def close(self) -> None:
        """Stop everything."""

    def runtime(self, name: str) -> RuntimeLike:
        """One agent by name."""

    def send(self, agent: str, text: str) -> None:
        """Give the agent a task or a reply."""

    def cancel(self, agent: str) -> None:
        """Cancel the agent's running turn."""

    async def decide(self, proposal_id: str, decision: Decision) -> None:
        """Apply or reject a proposal."""

    def stale_paths(self, proposal_id: str) -> Sequence[str]:
        """Paths whose file changed since the proposal's diff (blocking: call from a thread)."""

    async def rediff(self, proposal_id: str) -> Proposal | None:
        """Recompute a stale proposal against the current file."""

    def cycle_mode(self, agent: str) -> str:
        """default -> acceptEdits -> plan -> default; returns the new effective mode."""

    async def answer_blocker(self, blocker_id: str, answer: str) -> None:
        """Answer a blocker; the answer goes to its agent."""

    def blockers(self) -> Sequence[BlockerLike]:
        """Every blocker, oldest first."""

    def file_status(self) -> Mapping[str, str]:
        """Git status per path (blocking: call from a thread)."""

    def domain_for(self, agent: str) -> DomainLike:
        """The agent's Domain."""
