"""``agentdesk run AGENT --prompt TEXT``: one agent, headless, to the end of its task.

``--approve`` stands in for the person: ``none`` rejects every request that would ask, ``edits``
approves in-Domain file edits and rejects commands, ``all`` approves every request that would
ask (destructive commands included). Denials by the Domain guard and protected paths stay
denials under every setting. ``--json`` prints one engine event per line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

NAME = "run"
APPROVE_CHOICES = ("none", "edits", "all")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``agentdesk run``."""
    parser.add_argument("agent", help="the agent's name")
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: .)")
    parser.add_argument("--prompt", required=True, help="the task to give the agent")
    parser.add_argument(
        "--approve",
        choices=APPROVE_CHOICES,
        default="none",
        help="who stands in for the person: none (reject), edits (approve in-Domain edits), all",
    )
    parser.add_argument("--json", action="store_true", help="print engine events as JSON lines")


def run(args: argparse.Namespace) -> int:
    """Run the agent; exit 0 when it finished its task, 1 otherwise (with a one-line reason)."""
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        print("agentdesk run: interrupted", file=sys.stderr)
        return 130


def make_decider(approve: str) -> Any:
    """The headless stand-in for the person's decisions."""
    from agents.proposal import Decision, Proposal

    def decide(proposal: Proposal) -> Decision:
        if approve == "all":
            return Decision("approve", by="--approve all", confirmed_destructive=True)
        if approve == "edits" and not proposal.is_command and "shared" not in proposal.flags:
            return Decision("approve", by="--approve edits")
        why = (
            "commands are rejected in this headless run (--approve edits)"
            if approve == "edits"
            else f"headless run with --approve {approve}: nobody can approve this"
        )
        return Decision("reject", reason=why, by=f"--approve {approve}")

    return decide


async def _run(args: argparse.Namespace) -> int:
    from agents.config import ConfigError
    from agents.sanitize import sanitize
    from agents.workspace import Workspace

    if not Path(args.path).is_dir():
        print(sanitize(f"agentdesk run: {args.path}: not a directory"), file=sys.stderr)
        return 2
    try:
        ws = Workspace.open(Path(args.path))
    except (ConfigError, OSError) as exc:
        print(sanitize(f"agentdesk run: {exc}"), file=sys.stderr)
        return 2
    names = [rt.name for rt in ws.runtimes]
    if args.agent not in names:
        known = ", ".join(names) or "none"
        print(f"agentdesk run: no agent named {args.agent!r} (agents: {known})", file=sys.stderr)
        return 2
    if not ws.has_credentials:
        print(
            "agentdesk run: no model configured: set ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL "
            "for a local Messages-API server), or api_key in ~/.config/agentdesk/config.yaml",
            file=sys.stderr,
        )
        return 2
    printer = _Printer(as_json=args.json)
    ws.bus.subscribe(printer)
    ws.set_auto_decider(make_decider(args.approve))
    await ws.start(watch=False, resume=False)
    rt = ws.runtime(args.agent)
    session = rt.session
    assert session is not None
    try:
        ws.send(args.agent, args.prompt)
        await session.finished.wait()
    finally:
        await ws.close()
    printer.end()
    # "idle" with a detail is a stop short of the end (maxTurns reached, cancelled).
    if rt.state == "done" or (rt.state == "idle" and not rt.state_detail):
        return 0
    if rt.state == "blocked":  # the agent did what it could and waits for an answer
        print(f"agentdesk run: {args.agent} waits for an answer to its blocker", file=sys.stderr)
        return 0
    reason = sanitize(session.last_error or rt.state_detail or rt.state)  # may quote the server
    print(f"agentdesk run: {args.agent} did not finish: {reason}", file=sys.stderr)
    return 1


class _Printer:
    """Prints events: JSON lines, or a readable log with every untrusted string sanitised."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self._in_text = False

    def __call__(self, event: Any) -> None:
        from agents.sanitize import inert_json, sanitize

        if self.as_json:
            print(inert_json(json.dumps(event.to_json(), ensure_ascii=False)), flush=True)
            return

        kind = event.type
        if kind == "text_delta":
            sys.stdout.write(sanitize(event.text))
            sys.stdout.flush()
            self._in_text = True
            return
        line = _describe(event)
        if line is None:
            return
        if self._in_text:
            sys.stdout.write("\n")
            self._in_text = False
        print(sanitize(line), flush=True)

    def end(self) -> None:
        if self._in_text and not self.as_json:
            sys.stdout.write("\n")


def _describe(event: Any) -> str | None:
    kind = event.type
    if kind == "tool_call":
        target = next(
            (event.input.get(k) for k in ("file_path", "command", "pattern") if k in event.input),
            "",
        )
        return f"▸ {event.tool} {target}".rstrip()
    if kind == "tool_denied":
        return f"✗ denied {event.tool}: {event.reason}"
    if kind == "proposal_created":
        return f"? {event.summary}"
    if kind == "proposal_decided":
        return f"  {event.decision}{': ' + event.reason if event.reason else ''}"
    if kind == "tool_auto_approved":
        return f"✓ auto-approved {event.tool} ({event.rule})"
    if kind == "proposal_applied":
        return f"✓ applied {', '.join(event.paths) or 'command'}"
    if kind == "proposal_failed":
        return f"✗ {event.reason}"
    if kind == "committed":
        return f"  commit {event.sha[:10]}"
    if kind == "retry_scheduled":
        return f"… {event.reason}; retry {event.attempt} in {event.delay:.1f} s"
    if kind == "agent_error":
        return f"error: {event.message}"
    if kind == "recovery_report":
        return f"recovered: {event.message}"
    if kind == "tool_result" and event.is_error:
        return f"  result: {event.content.splitlines()[0] if event.content else ''}"
    return None
