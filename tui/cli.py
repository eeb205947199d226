"""The ``agentdesk`` command: argument parsing and dispatch to one module per subcommand.

Subcommand modules live in :mod:`tui.commands`; each exposes ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``. They are imported only when chosen, so
``agentdesk agents`` never pays for Textual and ``agentdesk`` never pays for ``anthropic`` before
its first frame.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

from agents import __version__

#: (subcommand, module under tui.commands, one-line help). Order is the order in ``--help``.
SUBCOMMANDS: list[tuple[str, str, str]] = [
    ("agents", "agents_cmd", "list and validate agent definitions"),
    ("run", "run_cmd", "run one agent headless to the end of its task"),
    ("status", "status_cmd", "print progress, open blockers and pending proposals"),
    ("blockers", "blockers_cmd", "list blockers or answer one"),
    ("undo", "undo_cmd", "revert an agent's most recent applied change, when safe"),
    ("desk", "desk_cmd", "open the desk on PATH (the default: agentdesk [PATH])"),
    ("demo", "demo_cmd", "try the desk offline on an example team (no API key needed)"),
]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; subcommand arguments are added by their modules."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="agentdesk",
        description="Supervise a team of AI coding agents in one repository.",
    )
    parser.add_argument("--version", action="version", version=f"agentdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, help_text in SUBCOMMANDS:
        module = importlib.import_module(f"tui.commands.{module_name}")
        sp = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sp)
        sp.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``agentdesk`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    names = {name for name, _module, _help in SUBCOMMANDS}
    if not args_list or (args_list[0] not in names and not args_list[0].startswith("-")):
        if len(args_list) <= 1 and not any(a.startswith("-") for a in args_list):
            # `agentdesk` / `agentdesk PATH`: straight to the desk, without building the
            # parser (argparse and every subcommand's module cost ~15 ms of the first frame).
            from tui.commands import desk_cmd

            return desk_cmd.open_desk(args_list[0] if args_list else ".")
        args_list = ["desk", *args_list]  # `agentdesk` and `agentdesk PATH` open the desk
    parser = build_parser()
    args = parser.parse_args(args_list)
    module = getattr(args, "_module", None)
    if module is None:
        parser.print_help()
        return 0
    result: int = module.run(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
