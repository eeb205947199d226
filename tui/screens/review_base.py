"""State shared by the review screen's parts, and editing before applying (inline or $EDITOR).

An edit does not apply by itself: the edited text replaces the proposal's new content in the
diff, so the person sees what their edit changes, then approves it with ``y``.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import SuspendNotSupported
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static, TextArea

from agents.proposal import Decision, FileChange, Proposal
from agents.sanitize import has_hidden, sanitize
from tui.widgets.diff_view import FileDiff
from tui.widgets.facade import WorkspaceLike
from tui.widgets.safe import untrusted

ReviewResult = tuple[str, Decision] | None
_SECRET_MARKERS = ("ANTHROPIC", "API_KEY", "TOKEN", "SECRET", "PASSWORD")


def editor_env() -> dict[str, str]:
    """The environment for ``$EDITOR``: no API keys, tokens or secrets."""
    return {k: v for k, v in os.environ.items() if not any(m in k.upper() for m in _SECRET_MARKERS)}


class ReviewBase(Screen[ReviewResult]):
    """Proposal, per-file diffs, hunk cursor, edits, and how a decision leaves the screen."""

    def __init__(self, workspace: WorkspaceLike, proposal: Proposal) -> None:
        super().__init__(classes="review")
        self.workspace = workspace
        self.proposal = proposal
        self.files: list[FileDiff] = []
        self.split_view = False
        self.selecting = False
        self.cursor = 0  # global hunk index across files
        self.stale = proposal.state == "stale"
        self.stale_files: list[str] = []
        self.edited: dict[str, str] = {}
        self.editing: str | None = None

    def render_body(self) -> None:
        """Rebuild the body (the review screen draws the diff)."""
        self.refresh()

    def _hunk_owner(self) -> tuple[int, int] | None:
        """(file index, hunk index in file) of the global hunk cursor."""
        n = self.cursor
        for fi, fd in enumerate(self.files):
            if n < len(fd.hunks):
                return fi, n
            n -= len(fd.hunks)
        return None

    @property
    def hunk_total(self) -> int:
        """Hunks across every file."""
        return sum(len(fd.hunks) for fd in self.files)

    def _change(self, rel: str) -> FileChange | None:
        return next((c for c in self.proposal.changes if c.rel == rel), None)

    def _current_rel(self) -> str | None:
        owner = self._hunk_owner() if self.selecting else None
        if owner is not None:
            return self.files[owner[0]].rel
        return self.files[0].rel if self.files else None

    def finish(self, decision: Decision) -> None:
        """Return ``decision`` (with the person's edits); destructive ones confirm first."""
        if decision.action == "approve" and self.stale:
            self.notify(
                "Stale: press R to re-diff before approving.", severity="warning", markup=False
            )
            return
        if decision.action == "approve" and self.edited:
            decision = Decision(
                "approve",
                edited=dict(self.edited),
                hunks=decision.hunks,
                always=decision.always,
            )
        if decision.action == "approve" and "destructive" in self.proposal.flags:
            from tui.screens.modals import ConfirmDestructive

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self.dismiss(
                        (
                            self.proposal.id,
                            Decision(
                                "approve",
                                edited=decision.edited,
                                hunks=decision.hunks,
                                always=decision.always,
                                confirmed_destructive=True,
                            ),
                        )
                    )

            self.app.push_screen(ConfirmDestructive(self.proposal), confirmed)
            return
        self.dismiss((self.proposal.id, decision))

    # -- editing -----------------------------------------------------------------------------

    def _apply_edit(self, rel: str, text: str) -> None:
        change = self._change(rel)
        if change is None:
            return
        self.edited[rel] = text
        edited_change = FileChange(
            rel=rel,
            before_sha256=change.before_sha256,
            after=text.encode("utf-8"),
            before_text=change.before_text,
            after_text=text,
        )
        self.files = [FileDiff.build(edited_change) if fd.rel == rel else fd for fd in self.files]
        self.selecting = False
        self.notify(sanitize(f"Edited {rel}: y applies your version."), timeout=4, markup=False)

    def action_edit(self) -> None:
        """``e``: edit the new content here (ctrl+s keeps the edit, esc drops it)."""
        rel = self._current_rel()
        change = self._change(rel) if rel else None
        if rel is None or change is None:
            return
        text = self.edited.get(rel, change.after_text)
        if has_hidden(text):
            self.notify(
                "This file holds hidden or control characters; edit it in $EDITOR (E).",
                severity="warning",
                markup=False,
            )
            return
        self.editing = rel
        body = self.query_one("#review-body")
        body.remove_children()
        body.mount(
            Static(
                Content.assemble(
                    ("Editing ", "bold"),
                    untrusted(rel, "bold $accent"),
                    ("  ctrl+s keeps the edit · esc drops it", "dim"),
                ),
                markup=False,
                classes="file-header",
            ),
            TextArea(text, soft_wrap=False, show_line_numbers=True, id="editor"),
        )
        self.query_one("#editor", TextArea).focus()
        self.refresh_bindings()

    def action_save_edit(self) -> None:
        """ctrl+s: keep the edited text and show its diff."""
        if self.editing is None:
            return
        rel = self.editing
        text = self.query_one("#editor", TextArea).text
        self.editing = None
        self._apply_edit(rel, text)
        self.render_body()
        self.refresh_bindings()

    def stop_editing(self) -> None:
        """Drop the inline edit."""
        self.editing = None
        self.render_body()
        self.refresh_bindings()

    def action_external_edit(self) -> None:
        """``E``: edit the new content in ``$EDITOR`` (or ``$VISUAL``)."""
        rel = self._current_rel()
        change = self._change(rel) if rel else None
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if rel is None or change is None:
            return
        if not editor:
            self.notify(
                "Set $EDITOR to edit outside, or press e to edit here.",
                severity="warning",
                markup=False,
            )
            return
        text = self.edited.get(rel, change.after_text)
        with tempfile.TemporaryDirectory(prefix="agentdesk-edit-") as tmp:
            path = Path(tmp) / Path(rel).name
            path.write_text(text, encoding="utf-8", newline="")
            command = [*shlex.split(editor), str(path)]
            try:
                with self.app.suspend():
                    result = subprocess.run(command, env=editor_env(), check=False)
            except SuspendNotSupported:
                result = subprocess.run(command, env=editor_env(), check=False)
            except OSError as exc:
                self.notify(
                    sanitize(f"Cannot run {editor}: {exc.strerror}"), severity="error", markup=False
                )
                return
            with open(path, encoding="utf-8", errors="surrogateescape", newline="") as fh:
                new_text = fh.read()
        if result.returncode != 0:
            self.notify(
                sanitize(f"{editor} exited with {result.returncode}: edit dropped."),
                severity="error",
                markup=False,
            )
            return
        if new_text != text:
            self._apply_edit(rel, new_text)
        self.render_body()
