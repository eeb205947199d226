"""The desk application: a thin shell that wires the workspace to the main screen.

It registers themes and the user's keymap, pushes the main screen (a skeleton on the first
frame), bridges engine events onto the UI loop as messages, starts the engine only after the
first frame, and remembers the active pane. It never holds the API key (THREATS T52).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.theme import Theme

from agents.events import Event
from agents.sanitize import sanitize
from tui import keys
from tui.screens.commands import DeskCommands
from tui.screens.main import MainScreen
from tui.themes import DEFAULT_THEME, bundled_dir, load_themes, user_dir
from tui.widgets.facade import WorkspaceLike
from tui.widgets.messages import EngineEvent

STATE_FILE = Path(".agentdesk") / "desk.json"


class DeskApp(App[None]):
    """``agentdesk [PATH]``: supervise a team of agents in one repository."""

    # Every stylesheet loads with the app: the main screen is the default screen, and a default
    # screen's own CSS_PATH is not read.
    CSS_PATH: ClassVar = [
        Path(__file__).with_name("app.tcss"),
        Path(__file__).parent / "screens" / "main.tcss",
        Path(__file__).parent / "screens" / "review.tcss",
    ]
    TITLE = "agentdesk"
    BINDINGS: ClassVar = keys.bindings(keys.APP_KEYS)
    COMMANDS = App.COMMANDS | {DeskCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        workspace: WorkspaceLike,
        *,
        save_theme: Callable[[str], None] | None = None,
        env: Mapping[str, str] | None = None,
        start_engine: bool = True,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.keymap: dict[str, str] = {}
        self._save_theme = save_theme
        # Only the folder is kept: the environment itself holds the API key (THREATS T52).
        self._user_theme_dir = user_dir(env)
        self._start_engine = start_engine
        self._unsubscribe: Callable[[], None] | None = None
        self._main: MainScreen | None = None
        self._saved_theme: str | None = None
        self.startup_problems: list[str] = []
        # Before the stylesheet is first built: choosing the theme later would restyle the
        # whole first frame a second time.
        self._setup_themes()
        self._setup_keymap()

    # -- start-up ----------------------------------------------------------------------------

    def get_default_screen(self) -> MainScreen:
        """The main screen is the app's first screen (no blank screen painted before it)."""
        self._main = MainScreen(self.workspace, active=self._restore_active())
        return self._main

    def on_mount(self) -> None:
        """Listen to the engine; it starts after the first frame."""
        self._unsubscribe = self.workspace.bus.subscribe(self._forward_engine_event)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.call_after_refresh(self._after_first_frame)

    def _setup_themes(self) -> None:
        builtin = set(self.available_themes)
        loaded = load_themes([bundled_dir(), self._user_theme_dir], reserved=builtin)
        for theme in loaded.themes:
            self.register_theme(theme)
        self.startup_problems.extend(loaded.problems)
        wanted = self.workspace.user_config.theme or DEFAULT_THEME
        if wanted not in self.available_themes:
            self.startup_problems.append(
                f"theme {wanted!r} not found; using {DEFAULT_THEME} (ctrl+p → theme to choose)"
            )
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        self._saved_theme = wanted

    def _setup_keymap(self) -> None:
        good, problems = keys.validate_keymap(dict(self.workspace.user_config.keymap))
        self.keymap = good
        self.startup_problems.extend(problems)
        if good:
            self.set_keymap(good)

    def _after_first_frame(self) -> None:
        ws = self.workspace
        messages = [*self.startup_problems, *ws.warnings]
        if ws.errors:
            lines = "\n".join(str(e) for e in ws.errors[:5])
            more = f"\n… and {len(ws.errors) - 5} more" if len(ws.errors) > 5 else ""
            self.notify(
                sanitize(f"{lines}{more}"),
                title="Agent files with errors",
                severity="error",
                timeout=15,
                markup=False,
            )
        if messages:
            self.notify(
                sanitize("\n".join(f"• {m}" for m in messages[:8])),
                title="Notes",
                severity="warning",
                timeout=12,
                markup=False,
            )
        if self._start_engine:
            self._run_engine()

    @work(group="engine", exit_on_error=False)
    async def _run_engine(self) -> None:
        try:
            await self.workspace.start()
            if self._main is not None:
                self._main.refresh_progress()  # start() has read PROGRESS.md by now
        except Exception as exc:
            self.notify(
                sanitize(f"The engine could not start: {type(exc).__name__}: {exc}"),
                severity="error",
                timeout=20,
                markup=False,
            )

    def _forward_engine_event(self, event: Event) -> None:
        """Bus listener: called on the engine's loop (this loop); post, never touch widgets."""
        if self._main is not None:
            self._main.post_message(EngineEvent(event))

    # -- themes ------------------------------------------------------------------------------

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._saved_theme and self._save_theme is not None:
            self._saved_theme = theme.name
            self._persist_theme(theme.name)

    @work(thread=True, group="save-theme", exclusive=True, exit_on_error=False)
    def _persist_theme(self, name: str) -> None:
        if self._save_theme is None:
            return
        try:
            self._save_theme(name)
        except Exception as exc:
            self.call_from_thread(
                self.notify,
                sanitize(f"Could not save the theme: {exc}"),
                severity="warning",
                markup=False,
            )

    # -- the active pane survives a relaunch ------------------------------------------------------

    def _state_path(self) -> Path:
        return self.workspace.root / STATE_FILE

    def _restore_active(self) -> int:
        try:
            data = json.loads(self._state_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        name = data.get("active") if isinstance(data, dict) else None
        for i, rt in enumerate(self.workspace.runtimes):
            if rt.definition.name == name:
                return i
        return 0

    def save_active_agent(self, name: str) -> None:
        """Remember the pane on screen (atomic replace; failures only lose the preference)."""
        path = self._state_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"active": name}), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass

    async def on_unmount(self) -> None:
        """Stop listening and close the engine."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._start_engine:
            with contextlib.suppress(Exception):  # closing must never turn a quit into a crash
                await self.workspace.close()
