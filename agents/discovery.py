"""Where agent definitions come from, and which one wins.

Three sources, highest first: the project's ``.claude/agents/`` folders (from the starting
directory up to the project root, nearer first), the user's ``~/.claude/agents/``, and the
roster bundled with agentdesk. A name found in two places is a clash: the higher source wins
and the clash is reported. A file that fails to load still claims its name (its file stem), so
a broken project ``backend-architect.md`` never lets the bundled one slip in unnoticed. The
project's ``agentdesk.yaml`` then filters the agents and applies its overrides.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from agents.agentfile import SkippedFile, parse_agent_file
from agents.config import ProjectConfig, load_project_config
from agents.definition import AgentDefinition, AgentLoadError, Source

#: The bundled roster and example projects, found beside this module (checkout or wheel).
ROSTER_DIR = Path(__file__).resolve().parent / "roster"
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"


@dataclass
class DiscoveryResult:
    """Everything discovery found.

    ``agents`` are the winners, with config overrides applied and filtered by the config's
    agent list; ``shadowed`` are same-name losers; ``errors`` are files that cannot be used;
    ``skipped`` are documentation files; ``excluded`` are valid winners the config's agent
    list leaves out; ``shadowed_by`` maps each loser's file to the file that won;
    ``definition_dirs`` are the folders definitions were read from (protected paths for the
    PathGuard, THREATS T38).
    """

    project_root: Path
    agents: list[AgentDefinition] = field(default_factory=list)
    errors: list[AgentLoadError] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)
    shadowed: list[AgentDefinition] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    definition_dirs: list[Path] = field(default_factory=list)
    config: ProjectConfig = field(default_factory=ProjectConfig)
    excluded: list[AgentDefinition] = field(default_factory=list)
    shadowed_by: dict[Path, Path] = field(default_factory=dict)

    def get(self, name: str) -> AgentDefinition | None:
        """The winning definition called ``name``, if any."""
        return next((a for a in self.agents if a.name == name), None)


def find_project_root(start: Path) -> Path:
    """The root of the git repository containing ``start``, or ``start`` itself."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def bundled_example(name: str = "shop") -> Path:
    """The path of a bundled example project (read-only when installed from a wheel)."""
    path = EXAMPLES_DIR / name
    if not path.is_dir():
        raise FileNotFoundError(f"no bundled example called '{name}' in {EXAMPLES_DIR}")
    return path


def discover(
    root: Path,
    *,
    user_home: Path | None = None,
    project_config: ProjectConfig | None = None,
    start: Path | None = None,
    include_user: bool = True,
    include_bundled: bool = True,
) -> DiscoveryResult:
    """Find every agent for the project at ``root``.

    ``start`` (default ``root``) is where the upward search for ``.claude/agents/`` begins.
    ``project_config`` defaults to ``load_project_config(root)``, which may raise
    :class:`~agents.config.ConfigError`.
    """
    root = root.resolve()
    config = project_config if project_config is not None else load_project_config(root)
    result = DiscoveryResult(project_root=root, config=config)
    claimed: dict[str, AgentDefinition | AgentLoadError] = {}
    winners: list[AgentDefinition] = []
    for source, folder in _folders(root, start, user_home, include_user, include_bundled):
        if not folder.is_dir():
            continue
        result.definition_dirs.append(folder)
        local: dict[str, Path] = {}
        for path in _agent_files(folder):
            parsed = parse_agent_file(path, source)
            if isinstance(parsed, SkippedFile):
                result.skipped.append((parsed.path, parsed.reason))
                continue
            key = parsed.name if isinstance(parsed, AgentDefinition) else path.stem
            if isinstance(parsed, AgentDefinition) and parsed.name in local:
                parsed = AgentLoadError(
                    path,
                    None,
                    f"name '{parsed.name}' is already used by {local[parsed.name].name} "
                    "in the same folder",
                )
            if isinstance(parsed, AgentLoadError):
                result.errors.append(parsed)
                claimed.setdefault(key, parsed)
                continue
            local[parsed.name] = path
            winner = claimed.get(key)
            if winner is None:
                claimed[key] = parsed
                winners.append(parsed)
            else:
                result.shadowed.append(parsed)
                result.shadowed_by[parsed.path] = winner.path
                result.clashes.append(_clash(key, winner, parsed))
    result.agents = _apply_config(winners, config, result.warnings)
    chosen = {a.name for a in result.agents}
    result.excluded = [a for a in winners if a.name not in chosen]
    return result


def _folders(
    root: Path, start: Path | None, user_home: Path | None, user: bool, bundled: bool
) -> list[tuple[Source, Path]]:
    here = (start or root).resolve()
    chain = [here, *here.parents]
    project = chain[: chain.index(root) + 1] if root in chain else [root]
    folders: list[tuple[Source, Path]] = [("project", p / ".claude" / "agents") for p in project]
    if user:
        home = user_home if user_home is not None else Path.home()
        user_dir = home / ".claude" / "agents"
        if all(user_dir.resolve() != p.resolve() for _, p in folders):
            folders.append(("user", user_dir))
    if bundled:
        folders.append(("bundled", ROSTER_DIR))
    return folders


def _agent_files(folder: Path) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    files = [
        Path(e.path)
        for e in entries
        if e.name.endswith(".md") and not e.name.startswith(".") and e.is_file()
    ]
    return sorted(files, key=lambda p: p.name)


def _clash(name: str, winner: AgentDefinition | AgentLoadError, loser: AgentDefinition) -> str:
    if isinstance(winner, AgentLoadError):
        return (
            f"'{name}': {loser.source} {loser.path} is not loaded because the {name} file "
            f"{winner.path} failed to load"
        )
    return (
        f"'{name}': {winner.source} {winner.path} is used; {loser.source} {loser.path} is shadowed"
    )


def _apply_config(
    agents: list[AgentDefinition], config: ProjectConfig, warnings: list[str]
) -> list[AgentDefinition]:
    by_name = {a.name: a for a in agents}
    for name in config.overrides:
        if name not in by_name:
            warnings.append(f"agentdesk.yaml overrides '{name}', but no such agent was found")
    chosen = agents
    if config.agents is not None:
        missing = [n for n in config.agents if n not in by_name]
        for name in missing:
            warnings.append(f"agentdesk.yaml lists '{name}', but no such agent was found")
        chosen = [by_name[n] for n in dict.fromkeys(config.agents) if n in by_name]
    out: list[AgentDefinition] = []
    for agent in chosen:
        override = config.overrides.get(agent.name)
        if override is not None:
            changes: dict[str, object] = {}
            if override.model is not None:
                changes["model"] = override.model
            if override.permission_mode is not None:
                changes["permission_mode"] = override.permission_mode
            if override.domain is not None:
                changes["domain"] = override.domain
                changes["domain_source"] = "config"
            agent = dataclasses.replace(agent, **changes)  # type: ignore[arg-type]
        out.append(agent)
    return out


def definition_changes(old: AgentDefinition, new: AgentDefinition) -> list[str]:
    """What a reloaded definition changes in the agent's power (THREATS T38).

    Each line names a widening or narrowing of tools, Domain or permission mode, so a reload
    can be shown as a diff for the person to approve instead of taking effect silently.
    """
    changes: list[str] = []
    old_tools, new_tools = set(old.effective_tools()), set(new.effective_tools())
    if new_tools - old_tools:
        changes.append(f"tools added: {', '.join(sorted(new_tools - old_tools))}")
    if old_tools - new_tools:
        changes.append(f"tools removed: {', '.join(sorted(old_tools - new_tools))}")
    added = [p for p in new.domain if p not in old.domain]
    removed = [p for p in old.domain if p not in new.domain]
    if added:
        changes.append(f"Domain added: {', '.join(added)}")
    if removed:
        changes.append(f"Domain removed: {', '.join(removed)}")
    if old.declared_mode() != new.declared_mode():
        changes.append(f"permission mode: {old.declared_mode()} -> {new.declared_mode()}")
    if old.model != new.model:
        changes.append(f"model: {old.model or 'inherit'} -> {new.model or 'inherit'}")
    if old.body != new.body:
        changes.append("system prompt changed")
    return changes
