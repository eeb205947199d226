"""The pieces of the review screen that state facts: the Domain check, risk flags, the command."""

from __future__ import annotations

from textual.content import Content

from agents.proposal import RISK_FLAGS, Proposal
from agents.sanitize import has_hidden
from tui.widgets.facade import DomainLike
from tui.widgets.safe import untrusted, untrusted_command

_SEVERE = {"outside_domain", "protected", "destructive", "hidden_chars"}


def checks_content(proposal: Proposal, domain: DomainLike) -> Content:
    """One line per path (in or outside the Domain), then every risk flag in words."""
    parts: list[Content | str | tuple[str, str]] = []
    for rel in proposal.paths:
        if parts:
            parts.append("\n")
        if "protected" in proposal.flags:
            parts.append(("✗ protected path: ", "bold $error"))
        elif "shared" in proposal.flags:
            parts.append(("◆ shared file: ", "bold $warning"))
        elif domain.matches(rel):
            parts.append(("✓ in Domain: ", "bold $success"))
        else:
            parts.append(("✗ outside Domain: ", "bold $error"))
        parts.append(untrusted(rel))
    if proposal.is_command:
        parts.append(
            ("⚠ Bash is not confined to the Domain: check what the command touches.", "$warning")
        )
    for flag in proposal.flags:
        words = RISK_FLAGS.get(flag, flag)
        style = "bold $error" if flag in _SEVERE else "$warning"
        parts.append("\n")
        parts.append((f"⚠ {words}", style))
    return Content.assemble(*parts)


def command_content(command: str) -> Content:
    """The exact command: every hidden character visible, and said so when there are any."""
    parts: list[Content | str | tuple[str, str]] = [
        ("$ ", "bold $accent"),
        untrusted_command(command),
    ]
    if has_hidden(command):
        parts.append(
            (
                "\n\n⚠ This command holds hidden or control characters, shown as ␛ ␍ <U+…>.",
                "bold $error",
            )
        )
    return Content.assemble(*parts)


def title_content(proposal: Proposal, position: int, total: int) -> Content:
    """``Review · Edit backend/app.py · backend-architect · 1 of 3 pending``."""
    return Content.assemble(
        ("Review · ", "bold"),
        untrusted(proposal.summary, "bold"),
        (" · ", "dim"),
        untrusted(proposal.agent, "$accent"),
        (f" · {position} of {total} pending" if total else "", "dim"),
    )
