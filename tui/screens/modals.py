"""Small modal questions: a line of text (reject reason, blocker answer), a typed confirmation
for destructive commands (THREATS T61), and a yes/no before opening a link (T58)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from agents.proposal import Proposal
from tui.widgets.safe import untrusted, untrusted_command

#: What the person types to approve a destructive command.
CONFIRM_WORD = "approve"


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; enter returns it, escape returns None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, help_text: str, *, placeholder: str = "") -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.help_text = help_text
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        """Title (untrusted), help (ours), input."""
        with Vertical(classes="dialog"):
            yield Static(untrusted(self.title_text, "bold"), markup=False, classes="dialog-title")
            yield Static(Content(self.help_text), markup=False, classes="dialog-help")
            yield Input(placeholder=self.placeholder, id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter returns the text."""
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Escape returns nothing."""
        self.dismiss(None)


class ConfirmDestructive(ModalScreen[bool]):
    """A second, deliberate confirmation: the person types ``approve``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, proposal: Proposal) -> None:
        super().__init__(classes="modal")
        self.proposal = proposal

    def compose(self) -> ComposeResult:
        """What will happen, exactly, and the typed confirmation."""
        p = self.proposal
        what = untrusted_command(p.command) if p.command is not None else untrusted(p.summary)
        with Vertical(classes="dialog -danger"):
            yield Static(
                Content.assemble(
                    ("Destructive: ", "bold $error"), untrusted(p.agent, "bold"), " wants to run"
                ),
                markup=False,
                classes="dialog-title",
            )
            yield Static(what, markup=False, classes="dialog-command")
            yield Static(
                Content(f"Type {CONFIRM_WORD} and press enter to run it; esc cancels."),
                markup=False,
                classes="dialog-help",
            )
            yield Input(placeholder=CONFIRM_WORD, id="confirm")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Only the exact word confirms."""
        event.stop()
        if event.value.strip().lower() == CONFIRM_WORD:
            self.dismiss(True)
        else:
            self.notify(
                f"Type {CONFIRM_WORD} to confirm, or esc to cancel.",
                severity="warning",
                markup=False,
            )

    def action_cancel(self) -> None:
        """Escape: not confirmed."""
        self.dismiss(False)


class ConfirmLink(ModalScreen[bool]):
    """Ask before opening a link found in untrusted text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("n", "cancel", "No"),
    ]

    def __init__(self, href: str) -> None:
        super().__init__(classes="modal")
        self.href = href

    def compose(self) -> ComposeResult:
        """The exact target, and two buttons."""
        with Vertical(classes="dialog"):
            yield Static(
                Content.styled("Open this link?", "bold"), classes="dialog-title", markup=False
            )
            yield Static(untrusted_command(self.href), markup=False, classes="dialog-command")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open", id="open", variant="warning")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Cancel is the default."""
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Open only on the Open button."""
        event.stop()
        self.dismiss(event.button.id == "open")

    def action_cancel(self) -> None:
        """Escape or n: do not open."""
        self.dismiss(False)
