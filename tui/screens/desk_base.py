"""What every part of the main screen shares: the workspace, the active pane, and how to show
panes, the Domain, the header counts and the tree badges."""

from __future__ import annotations

from collections.abc import Mapping

from textual import work
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Static

from tui.widgets.domain_tree import DomainTree
from tui.widgets.facade import WorkspaceLike
from tui.widgets.header import DeskHeader, summary_content
from tui.widgets.pane import AgentPane
from tui.widgets.safe import untrusted
from tui.widgets.strip import AgentStrip, Chip

#: After ``y`` the pane stays as it is until the change is on disk (or this long has passed),
#: then shows "applied" in one frame: a frame drawn in between would only show "approved",
#: and drawing it competes with the writing thread for the interpreter.
APPLY_HOLD_S = 0.1

#: (summary, diff preview, state, flags) of a proposal, for its transcript block.
ProposalInfo = tuple[str, str, str, tuple[str, ...]]


class DeskBase(Screen[None]):
    """State and helpers of the main screen."""

    def __init__(self, workspace: WorkspaceLike, *, active: int = 0) -> None:
        super().__init__(id="main")
        self.workspace = workspace
        self.active = max(0, min(active, len(workspace.runtimes) - 1))
        #: Paths applied by an approved proposal whose commit has not finished (path -> id).
        self.uncommitted: dict[str, str] = {}
        #: Panes held still while an approved change is written (pane index -> release timer).
        self.holds: dict[int, Timer] = {}

    @staticmethod
    def _pane_id(index: int) -> str:
        return f"pane-{index}"

    def pane(self, index: int) -> AgentPane:
        """The pane of agent ``index``."""
        return self.query_one(f"#{self._pane_id(index)}", AgentPane)

    def pane_of(self, agent: str) -> int | None:
        """Index of ``agent``'s pane."""
        for i, rt in enumerate(self.workspace.runtimes):
            if rt.definition.name == agent:
                return i
        return None

    @property
    def active_agent(self) -> str | None:
        """Name of the agent on screen."""
        runtimes = self.workspace.runtimes
        return runtimes[self.active].definition.name if runtimes else None

    def hold(self, index: int) -> None:
        """Hold pane ``index`` still while an approved change is written (engine events for it
        wait); :meth:`release` ends it, at the latest after :data:`APPLY_HOLD_S`."""
        if index not in self.holds:
            self.holds[index] = self.set_timer(APPLY_HOLD_S, lambda: self.release(index))

    def release(self, index: int) -> None:
        """End the hold on pane ``index``: the proposals' states and the counts now (a repaint
        without relayout), the pane's new entries right after that frame."""
        timer = self.holds.pop(index, None)
        if timer is None:
            return
        timer.stop()
        for i in range(len(self.workspace.runtimes)):
            self.pane(i).transcript.refresh_proposals()
        self.refresh_summary()
        self.call_after_refresh(self._sync_unless_held, index)

    def _sync_unless_held(self, index: int) -> None:
        if index not in self.holds and self.is_attached:
            self._sync_pane(index)

    def _sync_pane(self, index: int) -> None:
        self.pane(index).sync(self.workspace.runtimes[index])

    def switch_to(self, index: int) -> None:
        """Put agent ``index`` on screen."""
        count = len(self.workspace.runtimes)
        if not count or not 0 <= index < count:
            return
        typing = isinstance(self.focused, Input)
        self.active = index
        self.query_one(ContentSwitcher).current = self._pane_id(index)
        pane = self.pane(index)
        (pane.prompt if typing else pane.transcript).focus()
        self.refresh_summary()
        self._show_domain()
        app_save = getattr(self.app, "save_active_agent", None)
        if callable(app_save) and self.active_agent is not None:
            app_save(self.active_agent)

    def proposal_info(self, proposal_id: str) -> ProposalInfo | None:
        """What a proposal block shows; None when the queue no longer knows the id."""
        proposal = self.workspace.queue.get(proposal_id)
        if proposal is None:
            return None
        preview = proposal.diff
        if proposal.is_command:
            preview = "$ " + (proposal.command or "")
        return proposal.summary, preview, proposal.state, proposal.flags

    def refresh_summary(self) -> None:
        """Header counts and the agent strip."""
        ws = self.workspace
        pending = ws.queue.pending()
        counts: dict[str, int] = {}
        for proposal in pending:
            counts[proposal.agent] = counts.get(proposal.agent, 0) + 1
        blockers = sum(1 for b in ws.progress.current.blockers if b.state == "open")
        cost = sum(rt.cost_usd for rt in ws.runtimes)
        self.query_one(DeskHeader).show(
            summary_content(
                pending=len(pending),
                blockers=blockers,
                cost=cost,
                has_credentials=ws.has_credentials,
                problems=len(ws.errors),
            )
        )
        chips = [
            Chip(
                rt.definition.name,
                rt.state,
                rt.definition.color,
                counts.get(rt.definition.name, 0),
            )
            for rt in ws.runtimes
        ]
        self.query_one(AgentStrip).set_chips(chips, self.active)
        # y / n / ] / x dim or light up with the queue and states. Refreshing the bindings
        # recomposes the footer (dozens of widgets), so only when what they show changed: this
        # runs on every state change, several times per approval.
        shown = tuple(self.check_action(a, ()) for a in ("approve", "next_pending", "cancel_turn"))
        if shown != getattr(self, "_bindings_shown", None):
            self._bindings_shown = shown
            self.refresh_bindings()

    def refresh_file_badges(self) -> None:
        """Git status (blocking) in a thread, then the tree badges on the UI thread; nothing
        when no tree is mounted (its column hidden: mounting it refreshes the badges)."""
        if self.query(DomainTree):
            self._file_badges()

    @work(thread=True, exclusive=True, group="file-status", exit_on_error=False)
    def _file_badges(self) -> None:
        try:
            status = dict(self.workspace.file_status())
        except Exception:  # git missing or broken: the tree simply shows no git badges
            status = {}
        self.app.call_from_thread(self._apply_badges, status)

    def _apply_badges(self, status: Mapping[str, str]) -> None:
        badges: dict[str, str] = {}
        for rel, kind in status.items():
            badges[rel] = "applied" if kind == "applied" else "modified"
        for rel in self.uncommitted:
            badges[rel] = "applied"
        for proposal in self.workspace.queue.pending():
            for rel in proposal.paths:
                badges[rel] = "pending"
        trees = self.query(DomainTree)
        if trees:
            trees.first().set_badges(badges)

    # -- Domain tree -------------------------------------------------------------------------

    def _show_domain(self) -> None:
        agent = self.active_agent
        if agent is None:
            return
        domain = self.workspace.domain_for(agent)
        title = self.query_one("#tree-title", Static)
        if domain.patterns:
            title.update(
                Content.assemble(
                    ("Domain · ", "bold"),
                    untrusted(agent, "bold"),
                    "\n",
                    untrusted(" ".join(domain.patterns), "dim"),
                )
            )
        else:
            title.update(
                Content.assemble(
                    ("No Domain: ", "bold $warning"),
                    untrusted(agent),
                    (" cannot write files.", "dim"),
                )
            )
        trees = self.query(DomainTree)
        if trees:
            trees.first().set_domain(domain if domain.patterns else None)
