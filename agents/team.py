"""Who is on the desk's team, and small facts the workspace derives from its setting."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def discover_team(root: Path, config: Any, home: Path | None) -> Any:
    """The desk's team: the agents ``agentdesk.yaml`` names (from any source); otherwise the
    project's own agents; and only when the project has none, the bundled roster.

    ``agentdesk agents`` lists every definition found; personal agents in ``~/.claude/agents``
    join a project's desk only when its ``agentdesk.yaml`` names them.
    """
    from agents.discovery import discover

    if config.agents is not None:
        return discover(root, project_config=config, user_home=home)
    own = discover(
        root, project_config=config, user_home=home, include_user=False, include_bundled=False
    )
    if own.agents or own.errors:
        return own
    return discover(root, project_config=config, user_home=home, include_user=False)


def inside_root(root: Path, dirs: list[Path]) -> list[str]:
    """Definition folders inside the project, as protected patterns (THREATS T38)."""
    out = []
    for folder in dirs:
        try:
            rel = folder.resolve().relative_to(root)
        except ValueError:
            continue
        if str(rel) != ".":
            out.append(rel.as_posix().rstrip("/") + "/")
    return out


def budget_for(config: Any, agent: str) -> float | None:
    override = config.overrides.get(agent)
    value = getattr(override, "budget_usd", None)
    return float(value) if value is not None else None


def home_of(env: Mapping[str, str]) -> Path | None:
    home = env.get("HOME")
    return Path(home) if home else None


def warm_anthropic() -> None:
    """Import the SDK off the event loop so the first turn does not stall the UI."""
    import anthropic  # noqa: F401
