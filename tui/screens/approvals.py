"""Approve, reject, review and jump: the main screen's side of the approval queue."""

from __future__ import annotations

import asyncio

from textual import work

from agents.proposal import Decision, Proposal
from agents.sanitize import sanitize
from tui.screens.desk_base import DeskBase
from tui.widgets.entries import ProposalBlock
from tui.widgets.messages import AnswerRequested, ReviewRequested

_PROPOSAL_ACTIONS = ("approve", "reject", "review")


class ApprovalActions(DeskBase):
    """Keys and messages that act on proposals and blockers."""

    def focused_proposal(self) -> Proposal | None:
        """The proposal block in focus, else the oldest pending proposal of the pane on screen."""
        queue = self.workspace.queue
        focused = self.focused
        if isinstance(focused, ProposalBlock):
            proposal = queue.get(focused.proposal_id)
            if proposal is not None and proposal.state in ("pending", "stale"):
                return proposal
        agent = self.active_agent
        if agent is None:
            return None
        pending = queue.pending(agent)
        return pending[0] if pending else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim the approval keys when nothing waits on this pane, and stop when idle."""
        if action in _PROPOSAL_ACTIONS:
            return True if self.focused_proposal() is not None else None
        if action == "next_pending":
            return True if self.workspace.queue.oldest_pending() is not None else None
        if action == "cancel_turn":
            runtimes = self.workspace.runtimes
            busy = bool(runtimes) and runtimes[self.active].state in ("working", "needs_you")
            return True if busy else None
        return True

    def action_approve(self) -> None:
        """``y``: apply the proposal in focus (a destructive one asks again; a stale one
        opens the review to re-diff)."""
        proposal = self.focused_proposal()
        if proposal is not None:
            self._approve_checked(proposal)

    @work(group="approve", exclusive=True, exit_on_error=False)
    async def _approve_checked(self, proposal: Proposal) -> None:
        """Approve unless the file changed since the diff was made (checked off the UI
        thread); a stale proposal opens the review, which offers to re-diff."""
        stale = proposal.state == "stale"
        if not stale and proposal.changes:
            try:
                stale = bool(await asyncio.to_thread(self.workspace.stale_paths, proposal.id))
            except Exception:  # cannot tell: the engine's compare-and-swap still protects
                stale = False
        if stale:
            self.notify(
                "The file changed since this diff was made: review it to re-diff.",
                severity="warning",
                markup=False,
            )
            self.open_review(proposal)
            return
        if "destructive" in proposal.flags:
            from tui.screens.modals import ConfirmDestructive

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self.decide(proposal.id, Decision("approve", confirmed_destructive=True))

            self.app.push_screen(ConfirmDestructive(proposal), confirmed)
            return
        self.decide(proposal.id, Decision("approve"))

    def action_reject(self) -> None:
        """``n``: reject with a reason that goes back to the agent."""
        proposal = self.focused_proposal()
        if proposal is not None:
            self.ask_reject(proposal)

    def ask_reject(self, proposal: Proposal) -> None:
        """Ask for the reason, then reject."""
        from tui.screens.modals import TextPrompt

        def done(reason: str | None) -> None:
            if reason is not None:
                self.decide(proposal.id, Decision("reject", reason=reason))

        self.app.push_screen(
            TextPrompt(
                f"Reject: {proposal.summary}",
                f"Why? The reason goes back to {proposal.agent} (enter sends, esc cancels).",
                placeholder="reason (may be empty)",
            ),
            done,
        )

    def action_review(self) -> None:
        """Open the full review of the proposal in focus."""
        proposal = self.focused_proposal()
        if proposal is not None:
            self.open_review(proposal)

    def on_review_requested(self, message: ReviewRequested) -> None:
        """A proposal block was clicked or entered."""
        proposal = self.workspace.queue.get(message.proposal_id)
        if proposal is not None and proposal.state in ("pending", "stale"):
            self.open_review(proposal)

    def open_review(self, proposal: Proposal) -> None:
        """Push the review screen; its result is decided here."""
        from tui.screens.review import ReviewScreen

        def done(result: tuple[str, Decision] | None) -> None:
            if result is not None:
                self.decide(*result)

        self.app.push_screen(ReviewScreen(self.workspace, proposal), done)

    def action_next_pending(self) -> None:
        """``]``: the oldest pending proposal of any agent, in its pane, in focus."""
        proposal = self.workspace.queue.oldest_pending()
        if proposal is None:
            self.notify("Nothing is waiting for you.", timeout=3, markup=False)
            return
        index = self.pane_of(proposal.agent)
        if index is None:
            return
        self.switch_to(index)
        transcript = self.pane(index).transcript
        block = transcript.reveal(proposal.id)  # mounts it if it is older than what is shown
        if block is not None:

            def show() -> None:
                if block.is_attached:
                    block.focus()
                    transcript.scroll_to_widget(block, animate=False)

            self.call_after_refresh(show)

    @work(group="decide", exit_on_error=False)
    async def decide(self, proposal_id: str, decision: Decision) -> None:
        """Hand the decision to the engine; failures are shown, never fatal."""
        proposal = self.workspace.queue.get(proposal_id)
        index = self.pane_of(proposal.agent) if proposal is not None else None
        if decision.action == "approve" and index is not None:
            self.hold(index)
        try:
            await self.workspace.decide(proposal_id, decision)
        except Exception as exc:
            if index is not None:
                self.release(index)
            self.notify(
                sanitize(f"Could not {decision.action}: {exc}"),
                severity="error",
                timeout=10,
                markup=False,
            )
        else:
            if decision.action == "approve":
                return  # the engine's events show it once applied (see EngineEvents._held)
        self.refresh_summary()
        for i in range(len(self.workspace.runtimes)):
            self._sync_pane(i)

    def on_answer_requested(self, message: AnswerRequested) -> None:
        """Ask for the answer to a blocker, then send it."""
        from tui.screens.modals import TextPrompt

        blocker = next((b for b in self.workspace.blockers() if b.id == message.blocker_id), None)
        if blocker is None or blocker.state == "resolved":
            return

        def done(answer: str | None) -> None:
            if answer:
                self.answer_blocker(blocker.id, answer)

        self.app.push_screen(
            TextPrompt(
                f"@{blocker.agent or 'unknown'}: {blocker.text}",
                "Your answer goes to the agent and resolves the blocker.",
                placeholder="answer",
            ),
            done,
        )

    @work(group="blockers", exit_on_error=False)
    async def answer_blocker(self, blocker_id: str, answer: str) -> None:
        """Send the answer through the engine."""
        try:
            await self.workspace.answer_blocker(blocker_id, answer)
        except Exception as exc:
            self.notify(
                sanitize(f"Could not answer the blocker: {exc}"),
                severity="error",
                markup=False,
            )
