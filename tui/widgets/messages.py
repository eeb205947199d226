"""Messages the desk's widgets and the engine bridge post upwards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the engine's events load after the desk's first frame
    from agents.events import Event


@dataclass
class EngineEvent(Message):
    """An engine event, delivered to the main screen on the UI loop."""

    event: Event


@dataclass
class SelectAgent(Message):
    """The person picked agent pane ``index`` (0-based), e.g. by clicking the strip."""

    index: int


@dataclass
class ReviewRequested(Message):
    """The person asked to review ``proposal_id`` (enter or click on a proposal block)."""

    proposal_id: str


@dataclass
class PromptSubmitted(Message):
    """Text typed into an agent's prompt box."""

    agent: str
    text: str


@dataclass
class AnswerRequested(Message):
    """The person selected blocker ``blocker_id`` to answer it."""

    blocker_id: str
