"""``agentdesk status``: progress, open blockers, pending proposals and agents, for scripts.

Reads PROGRESS.md as it is on disk now (an edit by another process shows at once), the
persisted approval queue and the agents' saved state. Text output is sanitised; ``--json`` prints
one object with ``phases``, ``blockers``, ``pending`` and ``agents``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

NAME = "status"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``agentdesk status``."""
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: .)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def collect(root: Path) -> dict[str, Any]:
    """Everything ``status`` reports, as plain data."""
    from agents.workspace import Workspace

    ws = Workspace.open(root)
    doc = ws.progress.load()
    blockers = ws.blocker_book.sync(doc)
    now = time.time()
    phases = [
        {
            "title": phase.title,
            "items": [
                {
                    "agent": item.agent,
                    "done": item.done,
                    "text": item.text,
                    "timestamp": item.timestamp,
                    "notes": list(item.notes),
                }
                for item in phase.items
            ],
        }
        for phase in doc.phases
    ]
    blocker_rows = []
    for b in blockers:
        first = ws.blocker_book.first_seen(b.id)
        blocker_rows.append(
            {
                "id": b.id,
                "agent": b.agent,
                "text": b.text,
                "state": b.state,
                "answer": b.answer,
                "provenance": ws.blocker_book.provenance(b.id),
                "age_s": round(now - first, 1) if first else None,
            }
        )
    pending = [
        {
            "id": p.id,
            "agent": p.agent,
            "tool": p.tool,
            "path": p.paths[0] if p.paths else None,
            "paths": list(p.paths),
            "command": p.command,
            "summary": p.summary,
            "flags": list(p.flags),
            "age_s": round(now - p.created_at, 1),
        }
        for p in ws.queue.pending()
    ]
    agents = [
        {
            "name": rt.name,
            "state": rt.state,
            "done": doc.agent_done(rt.name),
            "mode": rt.effective_mode,
            "pending": len(ws.queue.pending(rt.name)),
            "cost_usd": round(rt.cost_usd, 4),
        }
        for rt in ws.runtimes
    ]
    return {
        "root": str(ws.root),
        "progress_exists": doc.exists,
        "warnings": list(doc.warnings) + ws.warnings,
        "phases": phases,
        "blockers": blocker_rows,
        "pending": pending,
        "agents": agents,
    }


def run(args: argparse.Namespace) -> int:
    """Print the status; exit 0 (2 on a bad folder or configuration)."""
    from agents.config import ConfigError
    from agents.sanitize import sanitize

    if not Path(args.path).is_dir():
        print(sanitize(f"agentdesk status: {args.path}: not a directory"), file=sys.stderr)
        return 2
    try:
        data = collect(Path(args.path))
    except (ConfigError, OSError) as exc:
        print(sanitize(f"agentdesk status: {exc}"), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(sanitize(_render(data)))
    return 0


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 90:
        return f" ({seconds:.0f} s)"
    if seconds < 5400:
        return f" ({seconds / 60:.0f} min)"
    return f" ({seconds / 3600:.1f} h)"


def _render(data: dict[str, Any]) -> str:
    lines = [f"agentdesk status · {data['root']}"]
    for warning in data["warnings"]:
        lines.append(f"! {warning}")
    if not data["progress_exists"]:
        lines.append("PROGRESS.md missing")
    for phase in data["phases"]:
        lines.append("")
        lines.append(phase["title"])
        for item in phase["items"]:
            mark = "☑" if item["done"] else "☐"
            text = item["text"]
            named = item["agent"] and f"@{item['agent']}".casefold() in text.casefold()
            who = f"@{item['agent']} " if item["agent"] and not named else ""
            lines.append(f"  {mark} {who}{text}")
    open_blockers = [b for b in data["blockers"] if b["state"] != "resolved"]
    lines.append("")
    lines.append(f"Blockers ({len(open_blockers)} open)")
    for b in open_blockers:
        who = f"@{b['agent']}" if b["agent"] else "(no agent)"
        lines.append(f"  {b['id']} {who}: {b['text']} [{b['state']}]{_age(b['age_s'])}")
    lines.append("")
    lines.append(f"Pending proposals ({len(data['pending'])})")
    for p in data["pending"]:
        lines.append(f"  {p['id']} @{p['agent']}: {p['summary']}{_age(p['age_s'])}")
    lines.append("")
    lines.append("Agents")
    for a in data["agents"]:
        done = {True: "complete", False: "not complete", None: "no items"}[a["done"]]
        lines.append(
            f"  {a['name']}: {a['state']}, {done}, mode {a['mode']}, {a['pending']} pending"
        )
    return "\n".join(lines)
