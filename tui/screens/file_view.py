"""A file from the Domain tree, read-only: syntax highlighted, or Markdown for ``.md`` files.

The file is read in a thread (capped), sanitised, and never parsed as markup. Links in Markdown
open only after a confirmation, and only for http(s) (THREATS T58).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown, Static

from agents.sanitize import sanitize
from tui.widgets.safe import untrusted

MAX_VIEW_BYTES = 512 * 1024
SAFE_SCHEMES = ("http://", "https://")


def read_for_view(path: Path) -> tuple[str, str | None]:
    """(text, problem): the decoded text, or a message saying why it is not shown."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_VIEW_BYTES + 1)
    except OSError as exc:
        return "", f"cannot read: {exc.strerror or exc}"
    if b"\x00" in data[:8192]:
        return "", "binary file: not shown"
    text = data[:MAX_VIEW_BYTES].decode("utf-8", errors="replace")
    if len(data) > MAX_VIEW_BYTES:
        text += f"\n… (only the first {MAX_VIEW_BYTES // 1024} KiB are shown)"
    return text, None


class FileScreen(ModalScreen[None]):
    """Shows one file; escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    def __init__(self, path: Path, rel: str) -> None:
        super().__init__(classes="file-screen")
        self.path = path
        self.rel = rel

    def compose(self) -> ComposeResult:
        """Title, body (filled by a thread), footer."""
        yield Static(untrusted(self.rel, "bold"), markup=False, id="file-title")
        with VerticalScroll(id="file-body"):
            yield Static(Content.styled("loading…", "dim"), id="file-text", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Read off the UI thread."""
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        text, problem = read_for_view(self.path)
        self.app.call_from_thread(self._show, text, problem)

    def _show(self, text: str, problem: str | None) -> None:
        target = self.query_one("#file-text", Static)
        if problem is not None:
            target.update(Content.styled(problem, "$warning"))
            return
        clean = sanitize(text)
        if self.path.suffix.lower() in (".md", ".markdown"):
            target.remove()
            self.query_one("#file-body").mount(Markdown(clean, open_links=False))
            return
        try:
            target.update(highlight(clean, path=self.rel))
        except Exception:  # a lexer failure must not hide the file
            target.update(untrusted(text))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Links never open by themselves: http(s) after a yes, everything else refused."""
        event.stop()
        href = event.href
        if not href.lower().startswith(SAFE_SCHEMES):
            self.notify(
                sanitize(f"Not opening {href}: only http(s) links can be opened."),
                severity="warning",
                markup=False,
            )
            return
        from tui.screens.modals import ConfirmLink

        def answer(ok: bool | None) -> None:
            if ok:
                self.app.open_url(href)

        self.app.push_screen(ConfirmLink(href), answer)

    def action_close(self) -> None:
        """Back to the desk."""
        self.dismiss(None)
