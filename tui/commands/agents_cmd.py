"""``agentdesk agents [PATH] [--json] [--example] [--project-only]``: list and validate agents.

Lists every definition found for the project at PATH (default: the current directory, whose
git root is the project root): model alias and resolved id, declared and effective permission
mode, effective tools, Domain patterns with which match anything, overlaps between Domains,
invalid files with their error, skipped documentation and shadowed definitions. Exit status 1
when any definition or config file is invalid, so it can guard a CI job. ``--example`` lists
the example project bundled with agentdesk. Everything read from files is sanitised before it
is printed; nothing goes through Rich markup.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.listing import AgentReport, Report

NAME = "agents"
HELP = "list and validate agent definitions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``agents`` subcommand's arguments."""
    parser.add_argument(
        "path", nargs="?", type=Path, default=None, help="project directory (default: .)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of text")
    parser.add_argument(
        "--example",
        action="store_true",
        help="list the example project that ships with agentdesk (the 'shop')",
    )
    parser.add_argument(
        "--project-only",
        action="store_true",
        help="only the project's own .claude/agents (no user or bundled agents), e.g. for CI",
    )


def run(args: argparse.Namespace) -> int:
    """List the agents; 0 when all are valid, 1 when any definition or config is invalid."""
    from agents.config import ConfigError, UserConfig, load_project_config, load_user_config
    from agents.discovery import bundled_example, discover, find_project_root
    from agents.listing import build_report
    from agents.sanitize import sanitize

    if args.example and args.path is not None:
        print("agentdesk agents: give either PATH or --example, not both", file=sys.stderr)
        return 2
    if args.example:
        start = root = bundled_example()
    else:
        start = (args.path or Path.cwd()).resolve()
        if not start.is_dir():
            print(f"agentdesk agents: {sanitize(str(start))}: not a directory", file=sys.stderr)
            return 2
        root = find_project_root(start)
    status = 0
    try:
        user = load_user_config(project_root=root)
    except ConfigError as exc:
        print(f"agentdesk agents: {sanitize(str(exc))}", file=sys.stderr)
        user, status = UserConfig(), 1
    try:
        config = load_project_config(root)
    except ConfigError as exc:
        print(f"agentdesk agents: {sanitize(str(exc))}", file=sys.stderr)
        return 1
    result = discover(
        root,
        project_config=config,
        start=start,
        include_user=not args.project_only,
        include_bundled=not args.project_only,
    )
    report = build_report(result, user)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(render_text(report))
    return 1 if report.invalid else status


def _shown(path: Path, root: Path) -> str:
    """A short form of ``path``: project-relative, ``<agentdesk>/...`` or ``~/...``."""
    from agents.discovery import ROSTER_DIR
    from agents.sanitize import sanitize

    home = Path.home()
    if path.is_relative_to(root):
        text = str(path.relative_to(root))
    elif path.is_relative_to(ROSTER_DIR.parent):
        text = f"<agentdesk>/{path.relative_to(ROSTER_DIR.parent)}"
    elif path.is_relative_to(home):
        text = f"~/{path.relative_to(home)}"
    else:
        text = str(path)
    return sanitize(text)


def _agent_lines(agent: AgentReport, root: Path) -> list[str]:
    from agents.definition import COORDINATION_TOOLS
    from agents.sanitize import sanitize

    lines = [f"{sanitize(agent.name or '?')}  ({agent.source})  {_shown(agent.path, root)}"]
    lines.append(f"  model     {sanitize(agent.model or '')} -> {sanitize(agent.model_id or '')}")
    mode = agent.permission_mode
    if mode == agent.effective_mode:
        lines.append(f"  mode      {mode}")
    else:
        lines.append(f"  mode      {mode} in the file -> {agent.effective_mode} (the desk ceiling)")
    file_tools = [t for t in agent.tools if t not in COORDINATION_TOOLS]
    lines.append(
        f"  tools     {', '.join(file_tools) or 'none'}  + {', '.join(COORDINATION_TOOLS)}"
    )
    if not agent.domain:
        lines.append("  domain    none: read-only (Write and Edit withheld)")
    else:
        where = {"frontmatter": " (front matter)", "config": " (agentdesk.yaml)"}
        lines.append(f"  domain{where.get(agent.domain_source or '', '')}")
        for pattern in agent.domain:
            found = f"matches {sanitize(pattern.example)}" if pattern.example else "no match yet"
            lines.append(f"    {sanitize(pattern.pattern):<28} {found}")
    lines.extend(f"  warning   {sanitize(w)}" for w in agent.warnings)
    return lines


def render_text(report: Report) -> str:
    """The human-readable listing (plain text, every file-derived string sanitised)."""
    from agents.sanitize import sanitize

    root = report.project_root
    out = [f"agentdesk agents - {sanitize(str(root))}"]
    config = _shown(report.config_path, root) if report.config_path else "no agentdesk.yaml"
    walked = f"{report.walked:,} paths checked" + (" (stopped early)" if report.truncated else "")
    out.append(f"config: {config} - ceiling {report.ceiling} - {walked}")
    groups: dict[str, list[AgentReport]] = {}
    for agent in report.agents:
        groups.setdefault(agent.status, []).append(agent)
    for agent in groups.get("ok", []):
        out += ["", *_agent_lines(agent, root)]
    if report.overlaps:
        out += ["", "Domain overlaps"]
        for o in report.overlaps:
            how = "both own" if o.actual else "could both own"
            out.append(
                f"  {sanitize(o.agent)} / {sanitize(o.other)}: {sanitize(o.pattern)} and "
                f"{sanitize(o.other_pattern)} {how} {sanitize(o.example)}"
            )
    sections = (
        ("invalid", "Invalid definitions"),
        ("excluded", "Not loaded (not in the agents list of agentdesk.yaml)"),
        ("shadowed", "Shadowed (the same name from a higher source wins)"),
        ("skipped", "Skipped (no front matter: documentation)"),
    )
    for status, title in sections:
        if groups.get(status):
            out += ["", title, *(_other_line(a, root) for a in groups[status])]
    if report.warnings:
        out += ["", "Warnings", *(f"  {sanitize(item)}" for item in report.warnings)]
    counts = {s: len(groups.get(s, [])) for s, _ in (("ok", ""), *sections)}
    summary = [f"{counts['ok']} agents"] + [
        f"{counts[s]} {s}" for s, _ in sections if counts[s] or s == "invalid"
    ]
    out += ["", ", ".join(summary)]
    return "\n".join(out)


def _other_line(agent: AgentReport, root: Path) -> str:
    from agents.sanitize import sanitize

    where = _shown(agent.path, root) + (f":{agent.line}" if agent.line else "")
    if agent.status == "invalid":
        return f"  {where}: {sanitize(agent.error or '')}"
    if agent.status == "skipped":
        return f"  {where}"
    label = f"  {sanitize(agent.name or '?')} ({agent.source}) {where}"
    if agent.shadowed_by is not None:
        label += f", shadowed by {_shown(agent.shadowed_by, root)}"
    return label
