"""``agentdesk demo [--dir DIR]``: the whole desk on a small example team, offline, no key.

It creates a demo repository (a temporary one, removed on exit, unless ``--dir`` names where to
keep it), starts the bundled scripted model on 127.0.0.1, and opens the desk on the repository
with two agents already at work. Imports stay inside :func:`run` so ``agentdesk --help`` is cheap.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

NAME = "demo"
HELP = "try the desk offline: an example team driven by a scripted model, no API key"

WELCOME = (
    "A scripted model on 127.0.0.1 plays the agents: no key, no network. "
    "] jumps to what needs you, y approves, n rejects with a reason (the agent answers it), "
    "b shows the blockers, ? lists every key."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``agentdesk demo``."""
    parser.add_argument(
        "--dir",
        metavar="DIR",
        help="create the demo repository in DIR (new or empty; or reopen an earlier demo "
        "there) and keep it after you quit",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=None,
        metavar="N",
        help="streaming pace of the scripted model in chunks a second (default 60; 0 = instant)",
    )


def run(args: argparse.Namespace) -> int:
    """Create or reopen the demo repository, serve the scenario, run the desk; 0 on a clean quit."""
    if args.speed is not None and not 0 <= args.speed <= 10_000:
        print("agentdesk demo: --speed must be between 0 and 10000", file=sys.stderr)
        return 2
    # The demo never talks to a real endpoint: drop the person's key and URL for this process.
    for name in [n for n in os.environ if n.startswith("ANTHROPIC_")]:
        del os.environ[name]

    import tempfile

    from agents.demo import DemoError, prepare_demo

    temp: Path | None = None
    if args.dir:
        root = Path(args.dir).expanduser().absolute()
    else:
        temp = Path(tempfile.mkdtemp(prefix="agentdesk-demo-"))
        root = temp / "shop"
    try:
        created = prepare_demo(root)
    except (DemoError, OSError) as exc:
        _cleanup(temp)
        print(f"agentdesk demo: {exc}", file=sys.stderr)
        return 2
    if args.dir and not created:
        print(f"agentdesk demo: reopening the demo in {root}", file=sys.stderr)
    try:
        return _serve_and_run(root, args.speed)
    finally:
        if temp is not None:
            _cleanup(temp)
        else:
            print(f"The demo repository is kept in {root} (try: git -C {root} log)")


def _cleanup(temp: Path | None) -> None:
    if temp is not None:
        import shutil

        shutil.rmtree(temp, ignore_errors=True)


def _serve_and_run(root: Path, speed: float | None) -> int:
    from agents.config_fields import ConfigError
    from agents.demo import DemoWorkspace, demo_env, load_demo_scenario
    from agents.scripted.server import ScriptedServer
    from agents.user_config import save_user_theme

    with ScriptedServer(load_demo_scenario(speed)) as server:
        try:
            workspace = DemoWorkspace.open(root, env=demo_env(server.base_url))
        except (ConfigError, OSError) as exc:
            print(f"agentdesk demo: cannot open {root}: {exc}", file=sys.stderr)
            return 2
        app = _demo_app(workspace, save_user_theme)
        app.run()
        return int(app.return_code or 0)


def _demo_app(workspace: Any, save_theme: Any) -> Any:
    """The desk, plus a welcome that says what the demo is and which keys to try."""
    from tui.app import DeskApp

    class DemoApp(DeskApp):
        """The desk with the demo's welcome note."""

        def on_ready(self) -> None:
            """Say what this is once the first frame is up."""
            self.notify(WELCOME, title="agentdesk demo", timeout=20, markup=False)

    return DemoApp(workspace, save_theme=save_theme)
