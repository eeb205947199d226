"""The desk's top line: project, and counts of what waits for the person."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from tui.widgets.safe import content_key, untrusted


def summary_content(
    *, pending: int, blockers: int, cost: float, has_credentials: bool, problems: int
) -> Content:
    """``2 need you · 1 blocker · $0.42`` (plus ``no model`` and problem counts)."""
    parts: list[Content | str | tuple[str, str]] = []
    if pending:
        parts.append((f"{pending} pending", "bold $warning"))
    else:
        parts.append(("nothing pending", "dim"))
    parts.append((" · ", "dim"))
    blocker_word = "blocker" if blockers == 1 else "blockers"
    parts.append((f"{blockers} {blocker_word}", "bold $error" if blockers else "dim"))
    if problems:
        parts.append((" · ", "dim"))
        parts.append((f"⚠ {problems} invalid agent file{'s' if problems != 1 else ''}", "$error"))
    parts.append((" · ", "dim"))
    parts.append(f"${cost:.2f}")
    if not has_credentials:
        parts.append((" · ", "dim"))
        parts.append(("no model: press ? to connect", "bold $error"))
    return Content.assemble(*parts)


class DeskHeader(Horizontal):
    """``agentdesk · shop`` on the left, counts on the right."""

    DEFAULT_CSS = """
    DeskHeader { height: 1; background: $panel; }
    DeskHeader #title { width: auto; padding: 0 1; text-style: bold; }
    DeskHeader #summary { width: 1fr; text-align: right; padding: 0 1; }
    """

    def __init__(self, project: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.project = project
        self._summary_key: object = None

    def compose(self) -> ComposeResult:
        """Title and summary."""
        yield Static(
            Content.assemble(("agentdesk", "$accent"), " · ", untrusted(self.project)),
            id="title",
            markup=False,
        )
        yield Static(markup=False, id="summary")

    def show(self, summary: Content) -> None:
        """Update the summary (one fixed line: no relayout, and none at all when unchanged)."""
        key = content_key(summary)
        if key != self._summary_key:
            self._summary_key = key
            self.query_one("#summary", Static).update(summary, layout=False)
