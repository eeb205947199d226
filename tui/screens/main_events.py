"""How the main screen follows the engine: one handler per kind of engine event."""

from __future__ import annotations

from agents import events as ev
from agents.sanitize import sanitize
from tui.screens.desk_base import DeskBase
from tui.widgets.blockers import BlockerQueue
from tui.widgets.messages import EngineEvent
from tui.widgets.progress_view import ProgressView

#: Events after which the agent's transcript may have new entries.
_TRANSCRIPT_EVENTS = (
    ev.TurnStarted,
    ev.TurnEnded,
    ev.ToolCall,
    ev.ToolResult,
    ev.ToolDenied,
    ev.ToolAutoApproved,
    ev.ProposalCreated,
    ev.ProposalDecided,
    ev.ProposalApplied,
    ev.ProposalFailed,
    ev.AgentError,
    ev.StateChanged,
    ev.ModeChanged,
    ev.BlockerRaised,
    ev.BlockerAnswered,
)
_PROPOSAL_EVENTS = (
    ev.Committed,
    ev.ProposalCreated,
    ev.ProposalDecided,
    ev.ProposalApplied,
    ev.ProposalFailed,
    ev.ToolAutoApproved,
)
_PROGRESS_EVENTS = (ev.ProgressChanged, ev.BlockerRaised, ev.BlockerAnswered)
#: Events that end a hold (and are then handled as usual).
_RELEASE_EVENTS = (ev.ProposalApplied, ev.ProposalFailed, ev.AgentError, ev.TurnEnded)


class EngineEvents(DeskBase):
    """Engine events → widget updates (and notifications for the person)."""

    def on_engine_event(self, message: EngineEvent) -> None:
        """Route one engine event."""
        message.stop()
        event = message.event
        index = self.pane_of(event.agent) if event.agent else None
        if isinstance(event, ev.TextDelta):
            if index is not None:
                self.pane(index).stream(self.workspace.runtimes[index])
            return
        released = False
        if index is not None and index in self.holds and isinstance(event, _RELEASE_EVENTS):
            self.release(index)  # the pane itself follows one frame later
            released = True
        # A held pane draws nothing until the apply ends; bookkeeping and notices go on.
        held = not released and index is not None and self._held(index, event)
        draw = not held and not released
        if index is not None and draw:
            rt = self.workspace.runtimes[index]
            if isinstance(event, _TRANSCRIPT_EVENTS):
                self._sync_pane(index)
            else:
                self.pane(index).update_header(rt)
        if isinstance(event, _PROPOSAL_EVENTS):
            self._proposal_event(event, index, draw=draw, held=held)
        if isinstance(event, _PROGRESS_EVENTS):
            self._progress_event(event)
        if isinstance(event, ev.RecoveryReport):
            self.notify(sanitize(event.message), title="Recovery", timeout=10, markup=False)
        if isinstance(event, ev.AgentError) and event.agent != self.active_agent:
            self.notify(
                sanitize(f"{event.agent}: {event.message}"),
                severity="error",
                timeout=8,
                markup=False,
            )
        if draw:
            self.refresh_summary()

    def _held(self, index: int, event: ev.Event) -> bool:
        """Whether ``event`` waits: an approval holds its pane until the apply ends."""
        if isinstance(event, ev.ProposalDecided) and event.decision == "approve":
            self.hold(index)  # approved without ApprovalActions.decide (e.g. headless)
            return True
        return index in self.holds  # the release shows everything the held events changed

    def _proposal_event(
        self, event: ev.Event, index: int | None, *, draw: bool, held: bool
    ) -> None:
        if isinstance(event, ev.ProposalApplied):
            for rel in event.paths:
                self.uncommitted[rel] = event.proposal_id
        elif isinstance(event, ev.Committed):
            done = set(event.proposal_id.split(","))  # one commit per turn names every id
            self.uncommitted = {
                rel: pid for rel, pid in self.uncommitted.items() if pid not in done
            }
        if draw:  # a proposal's block is in its own agent's pane
            panes = range(len(self.workspace.runtimes)) if index is None else (index,)
            for i in panes:
                self.pane(i).transcript.refresh_proposals()
        if not held:
            self.refresh_file_badges()
        if isinstance(event, ev.ProposalCreated):
            self._announce(event)
        elif isinstance(event, ev.ProposalFailed):
            word = "stale (the file changed): review to re-diff" if event.stale else event.reason
            self.notify(
                sanitize(f"{event.agent}: proposal not applied: {word}"),
                severity="warning",
                timeout=8,
                markup=False,
            )
        forward = getattr(self.app.screen, "on_proposal_event", None)
        if self.app.screen is not self and callable(forward):
            forward(event)

    def _announce(self, event: ev.ProposalCreated) -> None:
        """Name the agent and the action; ring the bell when the person asked for it."""
        if event.agent != self.active_agent or self.app.screen is not self:
            self.notify(
                sanitize(f"{event.agent} needs you: {event.summary}"),
                title="Approval needed",
                severity="warning",
                timeout=8,
                markup=False,
            )
        if self.workspace.user_config.bell:
            self.app.bell()

    def _progress_event(self, event: ev.Event) -> None:
        self.query_one(ProgressView).show(self.workspace.progress.current)
        self.query_one(BlockerQueue).show(self.workspace.blockers())
        if isinstance(event, ev.BlockerRaised):
            self.notify(
                sanitize(f"{event.agent} is blocked: {event.text}"),
                title="Blocker",
                severity="warning",
                timeout=8,
                markup=False,
            )
            if self.workspace.user_config.bell:
                self.app.bell()
        if isinstance(event, ev.ProgressChanged) and event.warning:
            self.notify(
                sanitize(event.warning), title="PROGRESS.md", severity="warning", markup=False
            )
