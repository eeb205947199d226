"""Every key of the desk, with a stable binding id, and the user keymap.

Binding ids are what the user config's ``keymap`` names (``desk.approve: "a"``); the desk passes
the validated map to :meth:`textual.app.App.set_keymap`. The help screen and the command palette
read the same tables, so what they show is what the keys do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeySpec:
    """One documented key: binding id, default keys, action, description, group."""

    id: str
    keys: str
    action: str
    description: str
    group: str
    show: bool = False
    key_display: str | None = None
    priority: bool = False
    long: str = ""

    @property
    def help_text(self) -> str:
        """The longer description the help screen shows."""
        return self.long or self.description

    def binding(self) -> Binding:
        """The Textual binding for this key."""
        return Binding(
            self.keys,
            self.action,
            self.description,
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
            id=self.id,
        )


def _pane_keys() -> list[KeySpec]:
    out: list[KeySpec] = []
    for n in range(1, 10):
        out.append(
            KeySpec(
                f"desk.pane_{n}",
                str(n),
                f"pane({n})",
                "Pane" if n == 1 else f"Agent pane {n}",
                "Panes",
                show=n == 1,
                key_display="1-9" if n == 1 else None,
            )
        )
    for n in range(1, 10):
        out.append(
            KeySpec(
                f"desk.pane_alt_{n}",
                f"alt+{n}",
                f"pane({n})",
                f"Agent pane {n} (also while typing)",
                "Panes",
                priority=True,
            )
        )
    return out


#: Keys of the main screen, in footer order.
MAIN_KEYS: tuple[KeySpec, ...] = (
    KeySpec("desk.approve", "y", "approve", "Approve", "Approval", show=True),
    KeySpec("desk.reject", "n", "reject", "Reject", "Approval", show=True),
    KeySpec(
        "desk.review", "r", "review", "Review", "Approval", long="Full review: diff, hunks, edit"
    ),
    KeySpec(
        "desk.next_pending",
        "right_square_bracket",
        "next_pending",
        "Pending",
        "Approval",
        show=True,
        key_display="]",
        long="Oldest pending proposal of any agent",
    ),
    *_pane_keys(),
    KeySpec("desk.next_pane", "full_stop", "next_pane", "Next pane", "Panes", key_display="."),
    KeySpec("desk.prev_pane", "comma", "prev_pane", "Previous pane", "Panes", key_display=","),
    KeySpec(
        "desk.focus_prompt",
        "i",
        "focus_prompt",
        "Message",
        "Agent",
        long="Type to the agent on screen (esc leaves)",
    ),
    KeySpec(
        "desk.cycle_mode",
        "m",
        "cycle_mode",
        "Mode",
        "Agent",
        show=True,
        long="Cycle the mode: default → acceptEdits → plan",
    ),
    KeySpec(
        "desk.cancel",
        "x",
        "cancel_turn",
        "Stop turn",
        "Agent",
        long="Cancel the agent's running turn or command",
    ),
    KeySpec(
        "desk.toggle_tree",
        "t",
        "toggle_side('tree')",
        "Domain tree",
        "View",
        long="Domain tree: go to it, or hide it when there",
    ),
    KeySpec(
        "desk.toggle_progress",
        "p",
        "toggle_side('progress')",
        "PROGRESS.md",
        "View",
        long="PROGRESS.md: go to it, or hide it when there",
    ),
    KeySpec(
        "desk.toggle_blockers",
        "b",
        "toggle_side('blockers')",
        "Blockers",
        "View",
        show=True,
        long="Blockers: go to the queue (enter answers), or hide it",
    ),
    KeySpec("desk.raw_progress", "P", "raw_progress", "PROGRESS.md source", "View"),
    KeySpec("desk.help", "question_mark,f1", "help", "Help", "Desk", show=True, key_display="?"),
)

#: Keys of the review screen.
REVIEW_KEYS: tuple[KeySpec, ...] = (
    KeySpec("review.approve", "y", "approve", "Approve", "Review", show=True),
    KeySpec("review.reject", "n", "reject", "Reject", "Review", show=True),
    KeySpec(
        "review.always",
        "a",
        "always",
        "Always",
        "Review",
        show=True,
        long="Approve; always allow this for this agent",
    ),
    KeySpec(
        "review.hunks",
        "h",
        "hunks",
        "Hunks",
        "Review",
        show=True,
        long="Choose hunks (space keeps/drops, y applies the kept)",
    ),
    KeySpec("review.toggle_hunk", "space", "toggle_hunk", "Toggle hunk", "Review"),
    KeySpec("review.next_hunk", "j", "move_hunk(1)", "Next hunk", "Review"),
    KeySpec("review.prev_hunk", "k", "move_hunk(-1)", "Previous hunk", "Review"),
    KeySpec("review.edit", "e", "edit", "Edit", "Review", show=True),
    KeySpec("review.editor", "E", "external_edit", "Edit in $EDITOR", "Review"),
    KeySpec("review.save_edit", "ctrl+s", "save_edit", "Keep the edit", "Review"),
    KeySpec(
        "review.split",
        "d",
        "toggle_split",
        "Split",
        "Review",
        show=True,
        long="Unified ↔ side-by-side diff",
    ),
    KeySpec("review.rediff", "R", "rediff", "Re-diff", "Review"),
    KeySpec("review.back", "escape", "back", "Back", "Review", show=True, key_display="esc"),
)

#: App-wide keys.
APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("app.quit", "ctrl+q", "quit", "Quit", "Desk", show=True, priority=True),
    KeySpec("app.palette", "ctrl+p", "command_palette", "Commands", "Desk"),
)

ALL_KEYS: tuple[KeySpec, ...] = APP_KEYS + MAIN_KEYS + REVIEW_KEYS
KNOWN_IDS: frozenset[str] = frozenset(spec.id for spec in ALL_KEYS)


def bindings(specs: Iterable[KeySpec]) -> list[BindingType]:
    """Textual bindings for ``specs``."""
    return [spec.binding() for spec in specs]


def validate_keymap(keymap: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """Split a user keymap into the usable part and warnings about the rest."""
    good: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in KNOWN_IDS:
            problems.append(f"keymap: unknown binding id {binding_id!r}")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"keymap: {binding_id} needs a key string such as 'ctrl+a'")
        else:
            good[binding_id] = keys.strip()
    return good, problems


def display_keys(spec: KeySpec, keymap: Mapping[str, str]) -> str:
    """How the help screen shows the keys of ``spec`` under ``keymap``."""
    return _pretty(keymap.get(spec.id, spec.keys))


_NAMES = {
    "right_square_bracket": "]",
    "question_mark": "?",
    "full_stop": ".",
    "comma": ",",
    "space": "space",
    "escape": "esc",
}


def _pretty(keys: str) -> str:
    return " / ".join(_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))
