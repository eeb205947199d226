"""``agentdesk [PATH]``: open the desk on the repository at PATH (default: the current folder).

This module stays cheap to import: Textual, the app and the engine load inside :func:`run`, and
``anthropic`` only after the desk's first frame.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "desk"
HELP = "open the desk (the default command)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``agentdesk [desk] [PATH]``."""
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: .)")


def run(args: argparse.Namespace) -> int:
    """Open the workspace, run the desk until the person quits; 0 on a clean quit."""
    root = Path(args.path).expanduser()
    if not root.is_dir():
        print(f"agentdesk: {root}: not a directory", file=sys.stderr)
        return 2
    from agents.config_fields import ConfigError
    from agents.user_config import save_user_theme
    from agents.workspace import Workspace

    try:
        workspace = Workspace.open(root)
    except ConfigError as exc:
        print(f"agentdesk: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"agentdesk: cannot open {root}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    from tui.app import DeskApp

    def save_theme(name: str) -> None:
        save_user_theme(name)

    app = DeskApp(workspace, save_theme=save_theme)
    app.run()
    return app.return_code or 0
