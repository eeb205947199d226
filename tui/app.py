"""The desk application: a thin shell that wires the workspace to the main screen.

It registers themes and the user's keymap, paints a light first frame, bridges engine events
onto the UI loop as messages, starts the engine only after the first frame, and remembers the
active pane. It never holds the API key (THREATS T52).

Two ways to start: with an open workspace (tests, the demo), whose main screen is the first
frame; or with an ``opener`` (``agentdesk [PATH]``), which paints :class:`OpeningScreen` first
and opens the workspace in a thread after it, so the engine's imports and the repository's
reads never delay the first frame. This module imports neither the engine nor the main
screen at import time.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.command import Provider
from textual.screen import Screen
from textual.theme import Theme

from agents.sanitize import sanitize
from tui import keys
from tui.screens.opening import OpeningScreen
from tui.themes import DEFAULT_THEME, bundled_dir, load_themes, user_dir
from tui.widgets.messages import EngineEvent

if TYPE_CHECKING:
    from agents.events import Event
    from tui.screens.main import MainScreen
    from tui.widgets.facade import UserConfigLike, WorkspaceLike

STATE_FILE = Path(".agentdesk") / "desk.json"


def desk_commands() -> type[Provider]:
    """The desk's command-palette provider, imported when the palette first opens."""
    from tui.screens.commands import DeskCommands

    return DeskCommands


class OpenFailed(Exception):
    """The workspace could not be opened; the message says why (shown on exit)."""


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
    COMMANDS = App.COMMANDS | {desk_commands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        workspace: WorkspaceLike | None = None,
        *,
        opener: Callable[[], WorkspaceLike] | None = None,
        root: Path | None = None,
        user_config: UserConfigLike | None = None,
        save_theme: Callable[[str], None] | None = None,
        env: Mapping[str, str] | None = None,
        start_engine: bool = True,
    ) -> None:
        """Give an open ``workspace``, or an ``opener`` (run in a thread after the first
        frame; it may raise :class:`OpenFailed`) with the ``root`` it opens and, for the
        first frame's theme and keys, the ``user_config`` (defaults when None)."""
        super().__init__()
        if workspace is None and (opener is None or root is None):
            raise ValueError("DeskApp needs a workspace, or an opener and its root")
        self._workspace = workspace
        self._opener = opener
        self._root = workspace.root if workspace is not None else root
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
        config = workspace.user_config if workspace is not None else user_config
        self._setup_themes(config.theme if config is not None else None)
        self._setup_keymap(dict(config.keymap) if config is not None else {})

    @property
    def workspace(self) -> WorkspaceLike:
        """The open workspace (raises while the desk is still opening it)."""
        if self._workspace is None:
            raise RuntimeError("the workspace is not open yet")
        return self._workspace

    @property
    def is_open(self) -> bool:
        """Whether the workspace is open and the main screen is up."""
        return self._main is not None

    # -- start-up ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The first screen: the main screen when the workspace is open, else the opening
        skeleton (no blank screen painted before either)."""
        if self._workspace is None:
            return OpeningScreen(self._root or Path("."))
        self._main = self._main_screen(self._workspace)
        return self._main

    def on_mount(self) -> None:
        """Listen to the engine (or open the workspace); the engine starts after the first
        frame."""
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self._workspace is None:
            self.call_after_refresh(self._open_workspace)
            return
        self._unsubscribe = self._workspace.bus.subscribe(self._forward_engine_event)
        self.call_after_refresh(self._after_first_frame)

    def _main_screen(self, workspace: WorkspaceLike) -> MainScreen:
        from tui.screens.main import MainScreen

        return MainScreen(workspace, active=self._restore_active(workspace))

    @work(thread=True, group="open", exit_on_error=False)
    def _open_workspace(self) -> None:
        assert self._opener is not None
        try:
            workspace = self._opener()
            # The main screen's modules, imported here rather than on the UI loop.
            import tui.screens.main  # noqa: F401
        except OpenFailed as exc:
            self.call_from_thread(self._fail_open, f"agentdesk: {exc}")
            return
        except Exception as exc:
            self.call_from_thread(
                self._fail_open,
                f"agentdesk: cannot open {self._root}: {type(exc).__name__}: {exc}",
            )
            return
        self.call_from_thread(self.attach_workspace, workspace)

    def _fail_open(self, message: str) -> None:
        from rich.text import Text  # plain text: the message may quote a path or a file

        self.exit(return_code=2, message=Text(sanitize(message)))

    def attach_workspace(self, workspace: WorkspaceLike) -> None:
        """Show the desk for the newly opened ``workspace`` in place of the opening screen."""
        if self._main is not None or not self.is_running:
            return
        self._workspace = workspace
        self._unsubscribe = workspace.bus.subscribe(self._forward_engine_event)
        self._main = self._main_screen(workspace)
        # Pushed over the opening screen (which stays below it, never drawn again): switching
        # away from an app's only screen leaves the stack empty while the new one mounts.
        self.push_screen(self._main)
        self.call_after_refresh(self._after_first_frame)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only quitting works before the workspace is open."""
        return self._main is not None or action in ("quit", "bell")

    def _setup_themes(self, configured: str | None) -> None:
        builtin = set(self.available_themes)
        loaded = load_themes([bundled_dir(), self._user_theme_dir], reserved=builtin)
        for theme in loaded.themes:
            self.register_theme(theme)
        self.startup_problems.extend(loaded.problems)
        wanted = configured or DEFAULT_THEME
        if wanted not in self.available_themes:
            self.startup_problems.append(
                f"theme {wanted!r} not found; using {DEFAULT_THEME} (ctrl+p → theme to choose)"
            )
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        self._saved_theme = wanted

    def _setup_keymap(self, keymap: dict[str, object]) -> None:
        good, problems = keys.validate_keymap(keymap)
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
        root = self._workspace.root if self._workspace is not None else self._root
        return (root or Path(".")) / STATE_FILE

    def _restore_active(self, workspace: WorkspaceLike) -> int:
        try:
            data = json.loads(self._state_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        name = data.get("active") if isinstance(data, dict) else None
        for i, rt in enumerate(workspace.runtimes):
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
        if self._start_engine and self._workspace is not None:
            with contextlib.suppress(Exception):  # closing must never turn a quit into a crash
                await self._workspace.close()
