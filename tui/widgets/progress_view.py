"""PROGRESS.md, live: a structured view of phases, items and blockers, or the raw source.

Re-rendered on every change, so it is one Static holding plain content (cheap), never Textual's
Markdown widget (PERF.md: ~850 ms per update for 200 lines). The raw Markdown is one key away.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.widgets.facade import ProgressDocLike
from tui.widgets.safe import untrusted

#: Indented notes shown under an item (the raw view has them all).
MAX_NOTES = 3
_BLOCKER_MARK = {"open": ("●", "$error"), "answered": ("✎", "$warning"), "resolved": ("✓", "dim")}


def progress_content(doc: ProgressDocLike) -> Content:
    """Phases with their checklists, then blockers, then warnings."""
    if not doc.exists:
        return Content.assemble(
            ("No PROGRESS.md yet.", "bold"),
            ("\nAgents create it when they mark work complete or raise a blocker.", "dim"),
        )
    parts: list[Content | str | tuple[str, str]] = []
    for phase in doc.phases:
        done = sum(1 for item in phase.items if item.done)
        if parts:
            parts.append("\n\n")
        parts.append(untrusted(phase.title, "bold $primary"))
        parts.append((f"  {done}/{len(phase.items)}", "dim"))
        for item in phase.items:
            parts.append("\n")
            parts.append(("☑ " if item.done else "☐ ", "$success" if item.done else ""))
            text = item.text
            mention = f"@{item.agent}" if item.agent else ""
            if mention:
                parts.append(untrusted(mention, "bold"))
                text = text[len(mention) :] if text.startswith(mention) else f" {text}"
            parts.append(untrusted(text, "dim" if item.done else ""))
            for note in item.notes[:MAX_NOTES]:
                parts.append("\n")
                parts.append(untrusted(f"    · {note}", "dim"))
    if not doc.phases:
        parts.append(("No phases found.", "dim"))
    open_blockers = [b for b in doc.blockers if b.state != "resolved"]
    if doc.blockers:
        parts.append("\n\n")
        parts.append((f"Blockers ({len(open_blockers)} open)", "bold $error"))
        for blocker in doc.blockers:
            mark, style = _BLOCKER_MARK.get(blocker.state, ("?", ""))
            parts.append("\n")
            parts.append((f"{mark} ", style))
            if blocker.agent:
                parts.append(untrusted(f"@{blocker.agent}: ", "bold"))
            parts.append(untrusted(blocker.text, "dim" if blocker.state == "resolved" else ""))
    if doc.sections:
        parts.append("\n\n")
        parts.append(("Other sections: ", "dim"))
        parts.append(untrusted(", ".join(s.title for s in doc.sections), "dim"))
    for warning in doc.warnings:
        parts.append("\n")
        parts.append(untrusted(f"⚠ {warning}", "$warning"))
    return Content.assemble(*parts)


class ProgressView(VerticalScroll, can_focus=True):
    """The PROGRESS.md panel."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.raw = False
        self._doc: ProgressDocLike | None = None
        self.border_title = "PROGRESS.md"

    def compose(self) -> ComposeResult:
        """One Static; filled after the first frame."""
        yield Static(Content.styled("loading…", "dim"), markup=False, id="progress-body")

    def show(self, doc: ProgressDocLike) -> None:
        """Render ``doc`` (structured, or raw when toggled)."""
        self._doc = doc
        body = self.query_one("#progress-body", Static)
        if self.raw:
            text = doc.text if doc.exists else "(PROGRESS.md does not exist)"
            body.update(untrusted(text))
            self.border_title = "PROGRESS.md · source (P: structured)"
        else:
            body.update(progress_content(doc))
            self.border_title = "PROGRESS.md (P: source)"

    def toggle_raw(self) -> None:
        """Switch between the structured view and the Markdown source."""
        self.raw = not self.raw
        if self._doc is not None:
            self.show(self._doc)
