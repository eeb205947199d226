"""The permission policy: allow, ask or deny one tool call.

Inputs are the agent's effective mode (its declared mode capped by the desk ceiling), the Domain
guard's verdict for the path, the proposal's risk flags, and the agent's own "always allow" rules.
The guard decides *where* an agent may write; the policy decides *whether to ask the person*.
Denials by the guard and protected paths are denials in every mode.

Modes (DESIGN section 4): ``plan`` read-only; ``default`` asks for every write and command;
``acceptEdits`` applies in-Domain edits without asking and asks for commands; ``dontAsk`` turns
every ask into a deny; ``bypassPermissions`` asks for nothing inside the rules, except that
destructive commands and edits to shared files always ask.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from agents.definition import COORDINATION_TOOLS, READ_ONLY_TOOLS

Action = Literal["allow", "ask", "deny"]

#: The order in which the mode key cycles (DESIGN: default → acceptEdits → plan).
MODE_CYCLE: tuple[str, ...] = ("default", "acceptEdits", "plan")


@dataclass(frozen=True)
class PolicyDecision:
    """The policy's answer, with the rule that produced it (for the audit log)."""

    action: Action
    rule: str
    reason: str = ""


@dataclass
class AlwaysRules:
    """One agent's "always allow" rules: in-Domain edits, and exact command strings.

    Commands are matched as whole exact strings, never as prefixes: a prefix rule is bypassed by
    ``&&``, ``;``, ``$(...)`` and friends (THREATS T23).
    """

    edits: bool = False
    commands: set[str] = field(default_factory=set)


class RuleBook:
    """Every agent's always-allow rules, persisted in ``.agentdesk/rules.json``."""

    def __init__(self, state_dir: Path) -> None:
        self._path = state_dir / "rules.json"
        self._lock = threading.Lock()
        self._rules: dict[str, AlwaysRules] = {}
        self.warning = ""
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
            for agent, data in raw.items():
                self._rules[str(agent)] = AlwaysRules(
                    edits=bool(data.get("edits", False)),
                    commands={str(c) for c in data.get("commands", [])},
                )
        except FileNotFoundError:
            pass
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            self.warning = f"{self._path}: unreadable always-allow rules ignored ({exc})"

    def for_agent(self, agent: str) -> AlwaysRules:
        """The rules of ``agent`` (empty when it has none)."""
        return self._rules.get(agent, AlwaysRules())

    def allow_edits(self, agent: str) -> None:
        """Always allow in-Domain edits for ``agent``."""
        with self._lock:
            self._rules.setdefault(agent, AlwaysRules()).edits = True
            self._save()

    def allow_command(self, agent: str, command: str) -> None:
        """Always allow exactly ``command`` for ``agent``."""
        with self._lock:
            self._rules.setdefault(agent, AlwaysRules()).commands.add(command)
            self._save()

    def _save(self) -> None:
        from agents.state_dir import write_json_atomic

        data = {
            agent: {"edits": r.edits, "commands": sorted(r.commands)}
            for agent, r in self._rules.items()
        }
        write_json_atomic(self._path, data)


def decide(
    *,
    mode: str,
    tool: str,
    verdict_kind: str | None = None,
    flags: tuple[str, ...] = (),
    command: str | None = None,
    rules: AlwaysRules | None = None,
) -> PolicyDecision:
    """Decide one tool call that the guard has already allowed (or that needs no path).

    ``verdict_kind`` is the guard's verdict kind for a file write (``domain`` or ``shared``);
    anything else is a denial the caller reports with the guard's own reason.
    """
    rules = rules or AlwaysRules()
    if tool in READ_ONLY_TOOLS:
        return PolicyDecision("allow", "read-only tool")
    if tool in COORDINATION_TOOLS:
        return PolicyDecision("allow", "coordination tool (touches only the agent's own entries)")
    if mode == "plan":
        return PolicyDecision("deny", "plan mode", "plan mode is read-only: no writes or commands")
    if command is not None:
        return _decide_command(mode, flags, command, rules)
    if verdict_kind not in ("domain", "shared"):
        return PolicyDecision("deny", "domain guard", "outside the Domain")
    if "protected" in flags or "outside_domain" in flags:
        return PolicyDecision("deny", "domain guard", "protected or outside the Domain")
    if verdict_kind == "shared":
        return _ask_or_deny(mode, "shared file: always asks")
    if mode == "bypassPermissions":
        return PolicyDecision("allow", f"mode {mode}")
    if "dirty" in flags:
        return _ask_or_deny(mode, "overwrites your uncommitted changes: always asks")
    if mode == "acceptEdits":
        return PolicyDecision("allow", f"mode {mode}")
    if rules.edits:
        return PolicyDecision("allow", "always allow edits (this agent)")
    return _ask_or_deny(mode, f"mode {mode}")


def _decide_command(
    mode: str, flags: tuple[str, ...], command: str, rules: AlwaysRules
) -> PolicyDecision:
    if "destructive" in flags:
        return _ask_or_deny(mode, "destructive command: always asks, twice")
    if "hidden_chars" in flags:
        return _ask_or_deny(mode, "command holds hidden characters: always asks")
    if mode == "bypassPermissions":
        return PolicyDecision("allow", "mode bypassPermissions")
    if command in rules.commands:
        return PolicyDecision("allow", "always allow this exact command (this agent)")
    return _ask_or_deny(mode, f"mode {mode}: commands ask")


def _ask_or_deny(mode: str, rule: str) -> PolicyDecision:
    if mode == "dontAsk":
        return PolicyDecision(
            "deny", "mode dontAsk", "dontAsk mode refuses anything that would ask"
        )
    return PolicyDecision("ask", rule)


def offered_tools(tools: tuple[str, ...], mode: str) -> tuple[str, ...]:
    """The tools offered to the model in ``mode``: ``plan`` offers read-only tools only."""
    base = tuple(t for t in tools if mode != "plan" or t in READ_ONLY_TOOLS)
    return base + COORDINATION_TOOLS


def next_mode(current: str, ceiling: str) -> str:
    """The next mode in the cycle that the ceiling allows (``plan`` is always allowed)."""
    from agents.definition import effective_mode

    start = MODE_CYCLE.index(current) if current in MODE_CYCLE else -1
    for step in range(1, len(MODE_CYCLE) + 1):
        candidate = MODE_CYCLE[(start + step) % len(MODE_CYCLE)]
        if effective_mode(candidate, ceiling) == candidate:
            return candidate
    return "plan"
