"""The command palette reaches every action: each documented key, each agent, each pending
proposal and each open blocker. Agent-supplied text is shown plain, never as markup."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Provider
from textual.content import Content

from tui import keys
from tui.widgets.messages import AnswerRequested, ReviewRequested, SelectAgent
from tui.widgets.safe import clean

if TYPE_CHECKING:
    from tui.screens.review import ReviewScreen

_SKIP = {"desk.help"}


class DeskCommands(Provider):
    """Commands of the main screen."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from tui.screens.main import MainScreen
        from tui.screens.review import ReviewScreen

        screen = self.screen
        if isinstance(screen, ReviewScreen):
            return self._review_commands(screen)
        if not isinstance(screen, MainScreen):
            return []
        out: list[tuple[str, Callable[[], object], str]] = []
        seen: set[str] = set()
        for spec in keys.MAIN_KEYS:
            if spec.action in seen or spec.id in _SKIP or spec.id.startswith("desk.pane_"):
                continue
            seen.add(spec.action)
            shown = keys.display_keys(spec, getattr(self.app, "keymap", {}))
            out.append((spec.description, partial(screen.run_action, spec.action), f"key: {shown}"))
        out.append(("Help", partial(screen.run_action, "help"), "key: ? / F1"))
        ws = screen.workspace
        for i, rt in enumerate(ws.runtimes):
            name = clean(rt.definition.name)
            out.append(
                (
                    f"Agent: {name}",
                    partial(screen.post_message, SelectAgent(i)),
                    f"switch to pane {i + 1}",
                )
            )
        for proposal in ws.queue.pending():
            out.append(
                (
                    f"Review: {clean(proposal.agent)}: {clean(proposal.summary)}",
                    partial(screen.post_message, ReviewRequested(proposal.id)),
                    "open the review",
                )
            )
        for blocker in ws.blockers():
            if blocker.state == "open":
                out.append(
                    (
                        f"Answer blocker: @{clean(blocker.agent or '?')}: {clean(blocker.text)}",
                        partial(screen.post_message, AnswerRequested(blocker.id)),
                        "answer it",
                    )
                )
        return out

    def _review_commands(self, screen: ReviewScreen) -> list[tuple[str, Callable[[], object], str]]:
        """The review screen's keys, for the proposal on screen."""
        keymap = getattr(self.app, "keymap", {})
        out: list[tuple[str, Callable[[], object], str]] = []
        for spec in keys.REVIEW_KEYS:
            if screen.check_action(spec.action.split("(")[0], ()) is False:
                continue
            out.append(
                (
                    f"Review: {spec.help_text}",
                    partial(screen.run_action, spec.action),
                    f"key: {keys.display_keys(spec, keymap)}",
                )
            )
        return out

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        """Everything, when nothing is typed yet."""
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        """Fuzzy-match the titles (plain content: titles may hold agent text)."""
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, Content(title), callback, text=title, help=help_text)
