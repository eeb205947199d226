"""``agentdesk undo [AGENT]``: revert the most recent applied change of an agent, when safe.

Safe means (as Aider checks): a commit agentdesk made, not pushed, not a merge, and its files
not changed since. Otherwise it says exactly why not. Side effects of commands are not undone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "undo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``agentdesk undo``."""
    parser.add_argument("agent", nargs="?", help="the agent (default: the latest change of any)")
    parser.add_argument("--path", default=".", help="the repository (default: .)")


def run(args: argparse.Namespace) -> int:
    """Undo; exit 0 when reverted, 1 with the reason otherwise."""
    from agents.discovery import find_project_root
    from agents.sanitize import sanitize
    from agents.state_dir import state_dir
    from agents.vcs import GitUnavailable, GitWriter

    root = find_project_root(Path(args.path).resolve())
    git = GitWriter(root, state_dir=state_dir(root))
    try:
        result = git.undo_last(args.agent)
    except GitUnavailable as exc:
        print(f"agentdesk undo: {exc}", file=sys.stderr)
        return 1
    finally:
        git.close()
    print(sanitize(result.message), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1
