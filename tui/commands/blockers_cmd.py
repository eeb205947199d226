"""``agentdesk blockers``: list blockers, or answer one from the shell.

``agentdesk blockers answer ID TEXT`` marks the blocker resolved in PROGRESS.md and delivers the
answer to the agent that raised it, exactly once, as its next message: a desk that is open passes
it on at once; otherwise the agent reads it the next time it runs (in the desk, or with
``agentdesk run``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "blockers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``agentdesk blockers``."""
    parser.add_argument("--path", default=".", help="the repository (default: .)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.add_parser("list", help="list open blockers (the default)")
    answer = sub.add_parser("answer", help="answer a blocker")
    answer.add_argument("id", help="the blocker id (see 'agentdesk status')")
    answer.add_argument("text", help="your answer")


def run(args: argparse.Namespace) -> int:
    """List or answer; exit 1 when the blocker does not exist or is resolved, 2 on a bad config."""
    from agents.blocker_answer import BlockerNotFound, BlockerResolved, answer_blocker
    from agents.blockers import answer_message
    from agents.config import ConfigError
    from agents.pathsyntax import PathRejected
    from agents.safe_write import StaleFile
    from agents.sanitize import sanitize
    from agents.workspace import Workspace

    if not Path(args.path).is_dir():
        print(sanitize(f"agentdesk blockers: {args.path}: not a directory"), file=sys.stderr)
        return 2
    try:
        ws = Workspace.open(Path(args.path))
    except (ConfigError, OSError) as exc:
        print(sanitize(f"agentdesk blockers: {exc}"), file=sys.stderr)
        return 2
    if getattr(args, "action", None) != "answer":
        ws.reload_progress()
        open_blockers = [b for b in ws.blockers() if b.state != "resolved"]
        if not open_blockers:
            print("no open blockers")
        for b in open_blockers:
            who = f"@{b.agent}" if b.agent else "(no agent)"
            print(sanitize(f"{b.id} {who}: {b.text} [{b.state}]"))
        return 0
    try:
        blocker = answer_blocker(ws.root, ws.progress, ws.blocker_book, args.id, args.text)
    except (BlockerNotFound, BlockerResolved, StaleFile, PathRejected, OSError) as exc:
        print(sanitize(f"agentdesk blockers: {exc}"), file=sys.stderr)
        return 1
    if ws.config.commit_mode != "off":
        from agents.blocker_answer import commit_answer
        from agents.vcs import GitWriter

        git = GitWriter(ws.root, state_dir=ws.state_dir, author=ws.config.author_for)
        try:
            commit_answer(git, blocker)
        finally:
            git.close()
    if blocker.agent and blocker.agent in {rt.name for rt in ws.runtimes}:
        rt = ws.runtime(blocker.agent)
        assert rt.session is not None
        rt.session.queue_user_message(answer_message(blocker, args.text))
        print(sanitize(f"answered {blocker.id}; the answer waits for @{blocker.agent}"))
    else:
        print(sanitize(f"answered {blocker.id} (resolved in PROGRESS.md)"))
    return 0
