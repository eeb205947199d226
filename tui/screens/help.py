"""Help: every key (as remapped by the user's keymap), what the marks mean, how to connect a
model, and where themes and keymaps are configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import keys

_ABOUT = """\
States   ○ idle   ◐ working   ● needs you   ■ blocked   ✓ done   ✗ error   ‖ paused
Tree     ● pending proposal   ✚ applied, not committed   M modified

Connect a model: set ANTHROPIC_API_KEY (and optionally ANTHROPIC_BASE_URL) in the environment,
or api_key / base_url in ~/.config/agentdesk/config.yaml; then restart agentdesk.
Never put a key in a file inside the repository: agentdesk ignores it there.

Themes: ctrl+p → "theme"; the choice is saved in your user config. Your own themes go in
~/.config/agentdesk/themes/*.yaml. Keys: remap any binding id above under keymap: in the
user config, e.g.  keymap: {desk.approve: "a"}.
"""


def help_content(keymap: Mapping[str, str], width: int = 120) -> Content:
    """Every documented key, grouped, with the user's remaps applied; binding ids (for the
    keymap) are shown when ``width`` leaves room for them."""
    wide = width >= 92
    desc_width = 52 if wide else max(20, width - 22)
    parts: list[Content | str | tuple[str, str]] = []
    groups: dict[str, list[keys.KeySpec]] = {}
    seen: set[str] = set()
    for spec in keys.APP_KEYS + keys.MAIN_KEYS + keys.REVIEW_KEYS:
        if spec.id.startswith("desk.pane_") and spec.id not in ("desk.pane_1", "desk.pane_alt_1"):
            continue
        section = "Review screen" if spec.id.startswith("review.") else spec.group
        groups.setdefault(section, []).append(spec)
    for section, specs in groups.items():
        if parts:
            parts.append("\n")
        parts.append((section, "bold $accent"))
        for spec in specs:
            shown = keys.display_keys(spec, keymap)
            description = spec.help_text
            if spec.id == "desk.pane_1":
                shown, description = "1 … 9", "Agent pane N (when not typing)"
            elif spec.id == "desk.pane_alt_1":
                shown, description = "alt+1 … alt+9", "Agent pane N (always)"
            if spec.id in seen:
                continue
            seen.add(spec.id)
            parts.append("\n")
            parts.append((f"  {shown:<16}", "bold"))
            if wide or len(description) + len(spec.id) + 2 <= desc_width:
                parts.append(f"{description:<{desc_width}} " if wide else f"{description}  ")
                parts.append((spec.id, "dim"))
            else:
                parts.append(description)
                parts.append((f"\n{'':<18}{spec.id}", "dim"))
    parts.append("\n\n")
    parts.append((_ABOUT, ""))
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """The keys and the basics; escape, ? or F1 closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        """One scrolling text."""
        keymap = getattr(self.app, "keymap", {})
        width = min(self.app.size.width, 100) - 4
        with VerticalScroll(id="help-body") as body:
            body.border_title = "agentdesk · help"
            body.border_subtitle = "esc closes"
            yield Static(help_content(keymap, width), markup=False)

    def action_close(self) -> None:
        """Back to where the person was."""
        self.dismiss(None)
