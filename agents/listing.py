"""The report behind ``agentdesk agents``: every definition found, and what it may do.

For each agent: source file, model (alias and resolved id), declared and effective permission
mode, effective tools, and its Domain with which patterns match anything in the repository.
Across agents: where two Domains overlap, either in files that exist now (both agents own
them) or in a path both could own (``frontend/`` and ``*.tsx`` both claim
``frontend/x.tsx``). Invalid files, skipped documentation and shadowed definitions are listed
too. :meth:`Report.to_json` is the stable form for scripts and CI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.config import UserConfig, resolve_model
from agents.definition import COORDINATION_TOOLS, AgentDefinition, effective_mode
from agents.discovery import DiscoveryResult
from agents.domain_overlap import Overlap, find_overlaps
from agents.listing_walk import DEFAULT_MAX_ENTRIES, first_hit, walk_repo


@dataclass(frozen=True)
class PatternReport:
    """One Domain pattern and an example path in the repository it matches (or ``None``)."""

    pattern: str
    example: str | None

    @property
    def matches(self) -> bool:
        """True when the pattern matches something in the repository."""
        return self.example is not None


@dataclass
class AgentReport:
    """One line of the listing: a definition (valid or not) and what it may do."""

    name: str | None
    path: Path
    source: str | None
    status: str  # "ok" | "invalid" | "skipped" | "shadowed" | "excluded"
    error: str | None = None
    shadowed_by: Path | None = None
    line: int | None = None
    model: str | None = None
    model_id: str | None = None
    permission_mode: str | None = None
    effective_mode: str | None = None
    tools: tuple[str, ...] = ()
    declared_tools: tuple[str, ...] | None = None
    domain: tuple[PatternReport, ...] = ()
    domain_source: str | None = None
    warnings: tuple[str, ...] = ()
    overlaps: list[Overlap] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; the keys ``name``, ``path``, ``model``, ``permission_mode``,
        ``effective_mode``, ``tools``, ``domain`` and ``error`` are always present."""
        return {
            "name": self.name,
            "path": str(self.path),
            "source": self.source,
            "status": self.status,
            "model": self.model,
            "model_id": self.model_id,
            "permission_mode": self.permission_mode,
            "effective_mode": self.effective_mode,
            "tools": list(self.tools),
            "declared_tools": None if self.declared_tools is None else list(self.declared_tools),
            "domain": [p.pattern for p in self.domain],
            "domain_matches": {p.pattern: p.matches for p in self.domain},
            "domain_source": self.domain_source,
            "overlaps": [
                {
                    "agent": o.other,
                    "patterns": [o.pattern, o.other_pattern],
                    "example": o.example,
                    "actual": o.actual,
                }
                for o in self.overlaps
            ],
            "warnings": list(self.warnings),
            "shadowed_by": None if self.shadowed_by is None else str(self.shadowed_by),
            "error": self.error,
            "line": self.line,
        }


@dataclass
class Report:
    """The whole listing for one project."""

    project_root: Path
    config_path: Path | None
    ceiling: str
    agents: list[AgentReport]
    overlaps: list[Overlap]
    clashes: list[str]
    warnings: list[str]
    walked: int
    truncated: bool

    @property
    def invalid(self) -> list[AgentReport]:
        """The definitions that cannot be used."""
        return [a for a in self.agents if a.status == "invalid"]

    def to_json(self) -> list[dict[str, Any]]:
        """The ``--json`` form: one object per definition found."""
        return [a.to_json() for a in self.agents]


def _agent_report(
    agent: AgentDefinition,
    status: str,
    ceiling: str,
    user: UserConfig,
    paths: list[str],
    hits: dict[str, str | None],
) -> AgentReport:
    """One agent's line; ``hits`` caches each pattern's first match across agents."""
    for pattern in agent.domain:
        if pattern not in hits:
            hits[pattern] = first_hit(pattern, paths)
    declared = agent.declared_mode()
    return AgentReport(
        name=agent.name,
        path=agent.path,
        source=agent.source,
        status=status,
        model=agent.model or "inherit",
        model_id=resolve_model(agent.model, user),
        permission_mode=agent.permission_mode or "default",
        effective_mode=effective_mode(declared, ceiling),
        tools=(*agent.effective_tools(), *COORDINATION_TOOLS),
        declared_tools=agent.tools,
        domain=tuple(PatternReport(p, hits[p]) for p in agent.domain),
        domain_source=agent.domain_source,
        warnings=agent.warnings,
    )


def build_report(
    result: DiscoveryResult,
    user: UserConfig | None = None,
    *,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> Report:
    """Build the listing for a discovery result, walking the project for Domain matches."""
    user = user or UserConfig()
    ceiling = result.config.ceiling
    walk = walk_repo(result.project_root, max_entries=max_entries)
    paths = [*walk.dirs, *walk.files]
    hits: dict[str, str | None] = {}
    reports = [_agent_report(a, "ok", ceiling, user, paths, hits) for a in result.agents]
    overlaps = find_overlaps(result.agents, walk.files)
    by_agent: dict[str, list[Overlap]] = {}
    for o in overlaps:
        by_agent.setdefault(o.agent, []).append(o)
        by_agent.setdefault(o.other, []).append(_flip(o))
    for report in reports:
        report.overlaps = by_agent.get(report.name or "", [])
    reports += [_agent_report(a, "excluded", ceiling, user, paths, hits) for a in result.excluded]
    for agent in result.shadowed:
        report = _agent_report(agent, "shadowed", ceiling, user, paths, hits)
        report.shadowed_by = result.shadowed_by.get(agent.path)
        reports.append(report)
    for error in result.errors:
        reports.append(
            AgentReport(
                name=None,
                path=error.path,
                source=None,
                status="invalid",
                error=error.reason,
                line=error.line,
            )
        )
    for path, reason in result.skipped:
        reports.append(
            AgentReport(name=None, path=path, source=None, status="skipped", error=reason)
        )
    return Report(
        project_root=result.project_root,
        config_path=result.config.path,
        ceiling=ceiling,
        agents=reports,
        overlaps=overlaps,
        clashes=list(result.clashes),
        warnings=[*result.config.warnings, *result.warnings, *user.warnings],
        walked=len(paths),
        truncated=walk.truncated,
    )


def _flip(o: Overlap) -> Overlap:
    return Overlap(o.other, o.agent, o.other_pattern, o.pattern, o.example, o.actual)
