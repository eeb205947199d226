"""``agentdesk [PATH]``: open the desk on the repository at PATH (default: the current folder).

This module stays cheap to import. The desk paints its first frame before the engine is even
imported: the workspace (agent files, queue, conversations) opens in a thread after it, and
``anthropic`` loads after that.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

NAME = "desk"
HELP = "open the desk (the default command)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``agentdesk [desk] [PATH]``."""
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: .)")


def open_workspace(root: Path) -> Any:
    """Open the workspace at ``root``; a config or I/O problem becomes ``OpenFailed``."""
    from agents.config_fields import ConfigError
    from agents.workspace import Workspace
    from tui.app import OpenFailed

    try:
        return Workspace.open(root)
    except ConfigError as exc:
        raise OpenFailed(str(exc)) from None
    except OSError as exc:
        raise OpenFailed(f"cannot open {root}: {exc.strerror or exc}") from None


def first_frame_config() -> Any:
    """The user config for the first frame's theme and keys; None when it cannot be read
    (opening the workspace reports why)."""
    from agents.config_fields import ConfigError
    from agents.user_config import load_user_config

    try:
        return load_user_config()
    except (ConfigError, OSError):
        return None


def run(args: argparse.Namespace) -> int:
    """Run the desk until the person quits; 0 on a clean quit, 2 when PATH cannot be opened."""
    return open_desk(args.path)


def open_desk(path: str) -> int:
    """``agentdesk [PATH]`` itself (:func:`tui.cli.main` calls it directly, without argparse,
    when the command line is just that)."""
    root = Path(path).expanduser()
    if not root.is_dir():
        print(f"agentdesk: {root}: not a directory", file=sys.stderr)
        return 2
    from agents.user_config import save_user_theme
    from tui.app import DeskApp

    def save_theme(name: str) -> None:
        save_user_theme(name)

    app = DeskApp(
        opener=lambda: open_workspace(root),
        root=root,
        user_config=first_frame_config(),
        save_theme=save_theme,
    )
    app.run()
    return app.return_code or 0
