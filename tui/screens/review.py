"""The review of one proposal: the diff (unified or side by side) or the exact command, the
Domain check and risk flags, and every way to decide: approve, reject with a reason, approve some
hunks, edit before applying, always allow. Returns ``(proposal_id, Decision)`` or None.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer, Static

from agents import events as ev
from agents.proposal import Decision, Proposal
from tui import keys
from tui.screens.review_base import ReviewBase
from tui.widgets.diff_view import FileDiff, split, unified
from tui.widgets.review_parts import checks_content, command_content, title_content
from tui.widgets.safe import untrusted


class ReviewScreen(ReviewBase):
    """Full-screen review of one proposal."""

    BINDINGS = keys.bindings(keys.REVIEW_KEYS)

    def compose(self) -> ComposeResult:
        """Title, checks, stale banner, body, footer."""
        yield Static(markup=False, id="review-title")
        yield Static(markup=False, id="review-checks")
        yield Static(markup=False, id="review-stale")
        yield VerticalScroll(id="review-body")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Render the proposal, then check (in a thread) whether its files changed since."""
        self._load(self.proposal)
        self._check_stale()

    @work(thread=True, exclusive=True, group="stale", exit_on_error=False)
    def _check_stale(self) -> None:
        proposal = self.proposal
        if not proposal.changes:
            return
        try:
            changed = list(self.workspace.stale_paths(proposal.id))
        except Exception:  # cannot tell: the engine's compare-and-swap still protects
            return
        if changed:
            self.app.call_from_thread(self._mark_stale, proposal.id, changed)

    def _mark_stale(self, proposal_id: str, paths: list[str]) -> None:
        if proposal_id == self.proposal.id:
            self.stale = True
            self.stale_files = paths
            self._show_stale()
            self.refresh_bindings()

    def _load(self, proposal: Proposal) -> None:
        self.proposal = proposal
        self.stale = proposal.state == "stale"
        self.stale_files = []
        self.edited.clear()
        self.files = [FileDiff.build(change) for change in proposal.changes]
        pending = list(self.workspace.queue.pending())
        ids = [p.id for p in pending]
        position = ids.index(proposal.id) + 1 if proposal.id in ids else 0
        self.query_one("#review-title", Static).update(
            title_content(proposal, position, len(pending))
        )
        domain = self.workspace.domain_for(proposal.agent)
        self.query_one("#review-checks", Static).update(checks_content(proposal, domain))
        self._show_stale()
        self.render_body()

    def _show_stale(self) -> None:
        banner = self.query_one("#review-stale", Static)
        banner.display = self.stale
        if self.stale:
            files = ", ".join(self.stale_files) or "the file"
            banner.update(
                Content.assemble(
                    ("Stale: ", "bold $warning"),
                    untrusted(files, "bold"),
                    (
                        " changed since this diff was made; nothing was written. "
                        "Press R to re-diff against the current file.",
                        "bold $warning",
                    ),
                )
            )

    # -- rendering ---------------------------------------------------------------------------

    def render_body(self) -> None:
        """(Re)build the body for the current view mode and selection."""
        body = self.query_one("#review-body", VerticalScroll)
        body.remove_children()
        p = self.proposal
        if p.is_command:
            body.mount(Static(command_content(p.command or ""), markup=False, classes="command"))
            return
        owner = self._hunk_owner() if self.selecting else None
        widgets: list[Widget] = []
        for fi, fd in enumerate(self.files):
            cursor = owner[1] if owner is not None and owner[0] == fi else None
            header = Content.assemble(("▌ ", "$accent"), untrusted(fd.rel, "bold"))
            widgets.append(Static(header, markup=False, classes="file-header"))
            if self.split_view:
                left, right = split(fd, selecting=self.selecting, cursor=cursor)
                widgets.append(
                    Horizontal(
                        Static(left, markup=False, classes="split-side"),
                        Static(right, markup=False, classes="split-side"),
                        classes="split",
                    )
                )
            else:
                widgets.append(
                    Static(
                        unified(fd, selecting=self.selecting, cursor=cursor),
                        markup=False,
                        classes="unified",
                    )
                )
        if not widgets:
            widgets.append(
                Static(Content.styled("This proposal changes no file.", "dim"), markup=False)
            )
        body.mount_all(widgets)

    # -- decisions ---------------------------------------------------------------------------

    def action_approve(self) -> None:
        """``y``: approve (only the selected hunks when selecting)."""
        if self.editing is not None:
            return
        if self.selecting and self.files:
            chosen = {fd.rel: sorted(fd.selected) for fd in self.files if fd.rel not in self.edited}
            if chosen and not any(chosen.values()) and not self.edited:
                self.notify(
                    "No hunk selected: press n to reject instead.", severity="warning", markup=False
                )
                return
            if all(len(fd.selected) == len(fd.hunks) for fd in self.files if fd.rel in chosen):
                self.finish(Decision("approve"))
            else:
                self.finish(Decision("approve", hunks=chosen))
            return
        self.finish(Decision("approve"))

    def action_always(self) -> None:
        """``a``: approve, and always allow this for this agent (never for destructive ones)."""
        if "destructive" in self.proposal.flags:
            self.notify(
                "A destructive command cannot be always allowed.", severity="warning", markup=False
            )
            return
        self.finish(Decision("approve", always=True))

    def action_reject(self) -> None:
        """``n``: reject with a reason."""
        from tui.screens.modals import TextPrompt

        def done(reason: str | None) -> None:
            if reason is not None:
                self.dismiss((self.proposal.id, Decision("reject", reason=reason)))

        self.app.push_screen(
            TextPrompt(
                f"Reject: {self.proposal.summary}",
                f"Why? The reason goes back to {self.proposal.agent} (enter sends, esc cancels).",
                placeholder="reason (may be empty)",
            ),
            done,
        )

    def action_hunks(self) -> None:
        """``h``: choose hunks (space toggles, j/k move, y applies the chosen ones)."""
        if self.proposal.is_command or not self.hunk_total:
            self.notify("No hunks to choose here.", timeout=3, markup=False)
            return
        self.selecting = not self.selecting
        self.cursor = 0
        self.render_body()

    def action_toggle_hunk(self) -> None:
        """Space: keep or drop the hunk under the cursor."""
        owner = self._hunk_owner()
        if not self.selecting or owner is None:
            return
        fd = self.files[owner[0]]
        fd.selected ^= {owner[1]}
        self.render_body()

    def action_move_hunk(self, step: int) -> None:
        """j/k: move the hunk cursor."""
        if self.selecting and self.hunk_total:
            self.cursor = (self.cursor + step) % self.hunk_total
            self.render_body()

    def action_toggle_split(self) -> None:
        """``d``: unified ↔ side by side."""
        self.split_view = not self.split_view
        self.render_body()

    def action_back(self) -> None:
        """Escape: leave without deciding (or leave the editor)."""
        if self.editing is not None:
            self.stop_editing()
            return
        self.dismiss(None)

    def action_rediff(self) -> None:
        """``R``: recompute a stale proposal against the current file."""
        self._rediff()

    @work(exclusive=True, group="rediff", exit_on_error=False)
    async def _rediff(self) -> None:
        try:
            fresh = await self.workspace.rediff(self.proposal.id)
        except Exception as exc:
            self.notify(f"Re-diff failed: {type(exc).__name__}", severity="error", markup=False)
            return
        if fresh is None:
            self.notify(
                "Cannot re-diff: the file is gone or no longer text.",
                severity="error",
                markup=False,
            )
            return
        self._load(fresh)
        self.notify("Re-diffed against the current file.", timeout=3, markup=False)

    def on_proposal_event(self, event: ev.Event) -> None:
        """Engine news about proposals, forwarded by the main screen."""
        if getattr(event, "proposal_id", None) != self.proposal.id:
            return
        if isinstance(event, ev.ProposalFailed) and event.stale:
            self.stale = True
            self._show_stale()
        elif isinstance(event, ev.ProposalDecided):
            self.notify("This proposal was decided elsewhere.", timeout=4, markup=False)
            self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that mean nothing for this proposal."""
        command = self.proposal.is_command
        if action in ("hunks", "edit", "external_edit", "toggle_split") and command:
            return False
        if action in ("toggle_hunk", "move_hunk"):
            return self.selecting
        if action == "rediff":
            return self.stale
        return self.editing is None or action in ("back", "save_edit")
