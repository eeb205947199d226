"""The desk's main screen: header, agent strip, Domain tree, agent panes, PROGRESS.md, blockers.

The first frame is a skeleton (header, strip, empty panes, footer). Transcripts, the tree,
PROGRESS.md and the blockers fill in right after it; blocking reads run in thread workers.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DirectoryTree, Footer, OptionList, Static

from tui import keys
from tui.screens.approvals import ApprovalActions
from tui.screens.main_events import EngineEvents
from tui.widgets.blockers import BlockerQueue
from tui.widgets.domain_tree import DomainTree
from tui.widgets.facade import BlockerLike, ProgressDocLike, WorkspaceLike
from tui.widgets.header import DeskHeader
from tui.widgets.messages import PromptSubmitted, SelectAgent
from tui.widgets.pane import AgentPane
from tui.widgets.progress_view import ProgressView
from tui.widgets.safe import untrusted
from tui.widgets.strip import AgentStrip

NARROW_WIDTH = 110
SIDES = ("tree", "progress", "blockers")
NO_MODEL = (
    "No model connected. Set ANTHROPIC_API_KEY in the environment (or api_key in "
    "~/.config/agentdesk/config.yaml) and restart agentdesk. Everything else works now: "
    "agents, Domains, PROGRESS.md, blockers and reviews."
)


class MainScreen(ApprovalActions, EngineEvents):
    """Everything the person supervises, on one screen."""

    BINDINGS = keys.bindings(keys.MAIN_KEYS)

    def __init__(self, workspace: WorkspaceLike, *, active: int = 0) -> None:
        super().__init__(workspace, active=active)
        self.narrow: bool | None = None
        self.hidden_wide: set[str] = set()
        self.shown_narrow: set[str] = set()
        self._filled = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The skeleton: cheap widgets only."""
        yield DeskHeader(self.workspace.root.name or str(self.workspace.root), id="desk-header")
        yield AgentStrip(id="strip")
        with Horizontal(id="body"):
            with Vertical(id="tree-column"):
                yield Static(markup=False, id="tree-title")
            with ContentSwitcher(id="panes", initial=self._pane_id(self.active)):
                for i, rt in enumerate(self.workspace.runtimes):
                    yield AgentPane(rt.definition.name, self.proposal_info, id=self._pane_id(i))
                if not self.workspace.runtimes:
                    yield Static(self._no_agents(), markup=False, id="pane-0", classes="empty")
            with Vertical(id="side"):
                yield ProgressView(id="progress")
                yield BlockerQueue(id="blockers")
        yield Footer(compact=True, show_command_palette=False)

    def _no_agents(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = [
            ("No agents found.", "bold"),
            "\nPut Claude Code agent files in .claude/agents/ (or ~/.claude/agents/).",
        ]
        for error in self.workspace.errors:
            parts.append(untrusted(f"\n✗ {error}", "$error"))
        return Content.assemble(*parts)

    def on_mount(self) -> None:
        """Headers now (cheap); everything else right after the first frame."""
        for i, rt in enumerate(self.workspace.runtimes):
            self.pane(i).update_header(rt)
        self.refresh_summary()
        self._apply_layout()
        self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        if self._filled or not self.is_attached:  # not while the app is quitting
            return
        self._filled = True
        ws = self.workspace
        if ws.runtimes:
            self._sync_pane(self.active)
            for i in range(len(ws.runtimes)):
                if i != self.active:
                    self._sync_pane(i)
            if not ws.has_credentials:
                for i in range(len(ws.runtimes)):
                    self.pane(i).transcript.set_banner(
                        Static(
                            untrusted(NO_MODEL, "bold $warning"),
                            classes="block -banner",
                            markup=False,
                        )
                    )
            self.pane(self.active).transcript.focus()
            self._show_domain()
            self._mount_tree_if_shown()
        self.refresh_progress()

    @work(thread=True, exclusive=True, group="progress", exit_on_error=False)
    def refresh_progress(self) -> None:
        """Read PROGRESS.md and the blockers in a thread, then show them."""
        doc = self.workspace.progress.current
        blockers = list(self.workspace.blockers())
        self.app.call_from_thread(self._show_progress, doc, blockers)

    def _show_progress(self, doc: ProgressDocLike, blockers: list[BlockerLike]) -> None:
        self.query_one(ProgressView).show(doc)
        self.query_one(BlockerQueue).show(blockers)
        self.refresh_summary()

    def on_resize(self, event: Resize) -> None:
        """Fold the side columns away on narrow terminals."""
        self._apply_layout()

    def _mount_tree_if_shown(self) -> None:
        """The tree (and its directory reads) exists only once its column is on screen."""
        column = self.query_one("#tree-column")
        if self._filled and column.display and not self.query(DomainTree):
            column.mount(DomainTree(self.workspace.root, id="domain-tree"))
            self.call_after_refresh(self._show_domain)
            self.call_after_refresh(self.refresh_file_badges)

    def _apply_layout(self) -> None:
        narrow = self.size.width < NARROW_WIDTH
        if narrow != self.narrow:
            self.narrow = narrow
            self.shown_narrow.clear()
        for side in SIDES:
            visible = side in self.shown_narrow if narrow else side not in self.hidden_wide
            widget = self.query_one("#tree-column" if side == "tree" else f"#{side}")
            widget.display = visible
        side_visible = any(
            (s in self.shown_narrow) if narrow else (s not in self.hidden_wide)
            for s in ("progress", "blockers")
        )
        self.query_one("#side").display = side_visible
        self.set_class(narrow, "-narrow")
        if self.workspace.runtimes:
            self._mount_tree_if_shown()

    def _side_widget(self, side: str) -> Widget:
        return self.query_one("#tree-column" if side == "tree" else f"#{side}")

    def action_toggle_side(self, side: str) -> None:
        """Go to the tree, PROGRESS.md or the blockers: shown but elsewhere → focus it; in
        focus → hide it; hidden → show and focus it."""
        widget = self._side_widget(side)
        focused = self.focused
        inside = focused is not None and (focused is widget or widget in focused.ancestors)
        if widget.display and not inside:
            self._focus_side(side)
            return
        chosen = self.shown_narrow if self.narrow else self.hidden_wide
        if side in chosen:
            chosen.discard(side)
        else:
            chosen.add(side)
        self._apply_layout()
        if widget.display:
            self._focus_side(side)
        elif self.workspace.runtimes:
            self.pane(self.active).transcript.focus()

    def _focus_side(self, side: str) -> None:
        if side == "blockers":
            options = self.query_one("#blocker-list", OptionList)
            options.focus()
            if options.highlighted is None and options.option_count:
                options.highlighted = 0
        elif side == "progress":
            self.query_one(ProgressView).focus()
        else:
            trees = self.query(DomainTree)
            if trees:
                trees.first().focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        """Show the file picked in the Domain tree."""
        event.stop()
        from tui.screens.file_view import FileScreen

        try:
            rel = event.path.resolve().relative_to(self.workspace.root.resolve()).as_posix()
        except ValueError:
            return
        self.app.push_screen(FileScreen(event.path, rel))

    def action_raw_progress(self) -> None:
        """Switch PROGRESS.md between the structured view and its source."""
        self.query_one(ProgressView).toggle_raw()

    def action_help(self) -> None:
        """Open the help screen."""
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    # -- panes -------------------------------------------------------------------------------

    def action_pane(self, number: int) -> None:
        """Switch to pane ``number`` (1-based)."""
        self.switch_to(number - 1)

    def action_next_pane(self) -> None:
        """The next pane (wraps)."""
        if self.workspace.runtimes:
            self.switch_to((self.active + 1) % len(self.workspace.runtimes))

    def action_prev_pane(self) -> None:
        """The previous pane (wraps)."""
        if self.workspace.runtimes:
            self.switch_to((self.active - 1) % len(self.workspace.runtimes))

    def on_select_agent(self, message: SelectAgent) -> None:
        """A click on the strip."""
        self.switch_to(message.index)

    def action_focus_prompt(self) -> None:
        """Type to the agent on screen."""
        if self.workspace.runtimes:
            self.pane(self.active).prompt.focus()

    def action_cycle_mode(self) -> None:
        """default → acceptEdits → plan → default (capped by the desk's ceiling)."""
        agent = self.active_agent
        if agent is None:
            return
        mode = self.workspace.cycle_mode(agent)
        self.pane(self.active).update_header(self.workspace.runtimes[self.active])
        self.notify(f"{agent}: mode {mode}", markup=False, timeout=3)

    def action_cancel_turn(self) -> None:
        """Stop the agent's running turn or command."""
        agent = self.active_agent
        if agent is not None:
            self.workspace.cancel(agent)
            self.notify(f"Stopping {agent}'s turn", markup=False, timeout=3)

    def on_prompt_submitted(self, message: PromptSubmitted) -> None:
        """Hand the person's text to the engine (unless no model is connected)."""
        if not self.workspace.has_credentials:
            self.notify(NO_MODEL, title="No model", severity="warning", markup=False)
            return
        self.workspace.send(message.agent, message.text)
        index = self.pane_of(message.agent)
        if index is not None:
            pane = self.pane(index)
            pane.prompt.value = ""
            self._sync_pane(index)
