"""The façade every front end holds: one repository, its agents, the queue and PROGRESS.md.

:meth:`Workspace.open` is fast and synchronous (no network, no ``anthropic`` import, no repo
walk) so the desk can paint its first frame at once; :meth:`Workspace.start` does the rest
afterwards: crash recovery, the git writer, the PROGRESS.md watcher, the lazy model client, and
resuming agents that were mid-task when the desk last stopped.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agents.applying import ChangeApplier
from agents.decisions import DecisionHub
from agents.definition import AgentDefinition, AgentLoadError, effective_mode
from agents.domain import Domain, PathGuard
from agents.events import (
    BlockerAnswered,
    BlockerRaised,
    EventBus,
    ModeChanged,
    ProgressChanged,
    RecoveryReport,
)
from agents.policy import RuleBook, next_mode
from agents.progress import Blocker, ProgressFile
from agents.prompting import system_prompt
from agents.proposal import Decision, Proposal
from agents.runtime import AgentRuntime
from agents.session import AgentSession
from agents.team import budget_for, discover_team, home_of, inside_root, warm_anthropic
from agents.tool_runner import AutoDecider, RunnerDeps, ToolRunner
from agents.transcript import TranscriptStore


class Workspace:
    """One repository under supervision."""

    def __init__(self, root: Path, env: Mapping[str, str]) -> None:
        from agents.apply import Applier
        from agents.audit import AuditLog
        from agents.blockers import BlockerBook
        from agents.config import load_project_config
        from agents.ledger import ToolLedger
        from agents.llm import Secret, resolve_credentials
        from agents.queue import ApprovalQueue
        from agents.state_dir import state_dir
        from agents.user_config import load_user_config, resolve_model

        self.root = root
        self.env = env
        self.bus = EventBus()
        self.warnings: list[str] = []
        self.config = load_project_config(root)
        # project_root: a user config inside the repository gives no key or endpoint (T55).
        self.user_config = load_user_config(env, project_root=root)
        self.warnings.extend(getattr(self.config, "warnings", []))
        self.warnings.extend(self.user_config.warnings)
        found = discover_team(root, self.config, home_of(env))
        self.errors: list[AgentLoadError] = list(found.errors)
        self.skipped: list[tuple[Path, str]] = list(found.skipped)
        self.warnings.extend(found.warnings)
        self._definition_dirs = inside_root(root, found.definition_dirs)
        self.state_dir = state_dir(root)
        self.queue = ApprovalQueue(self.state_dir)
        self.warnings.extend(self.queue.warnings)
        self.ledger = ToolLedger(self.state_dir)
        self.audit = AuditLog(self.state_dir)
        self.rules = RuleBook(self.state_dir)
        if self.rules.warning:
            self.warnings.append(self.rules.warning)
        self.hub = DecisionHub()
        self.progress = ProgressFile(root / "PROGRESS.md")
        self.blocker_book = BlockerBook(root)
        user_key = self.user_config.api_key
        self.api_key, self.base_url = resolve_credentials(
            env, self.user_config.base_url, Secret(user_key.reveal()) if user_key else None
        )
        self.shared = tuple(self.config.shared_files)
        self.guards: dict[str, PathGuard] = {}
        self.runtimes: list[AgentRuntime] = []
        self._by_name: dict[str, AgentRuntime] = {}
        self.applier = ChangeApplier(
            root,
            Applier(root, self.state_dir),
            self.queue,
            self.ledger,
            self.guards,
            None,
            self.config.commit_mode,
        )
        self.applier.on_applied = self._on_applied
        self.auto_decider: AutoDecider | None = None
        self._client: Any = None
        self._client_lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        for defn in found.agents:
            self._add_agent(defn, resolve_model(defn.model, self.user_config))

    @classmethod
    def open(cls, root: Path, *, env: Mapping[str, str] | None = None) -> Workspace:
        """Open the workspace at ``root`` (the enclosing repository root is used)."""
        from agents.discovery import find_project_root

        return cls(find_project_root(root.resolve()), os.environ if env is None else env)

    @property
    def has_credentials(self) -> bool:
        """True when a model can be reached (an API key, or a base URL of a local server)."""
        return self.api_key is not None or self.base_url is not None

    def _add_agent(self, defn: AgentDefinition, model_id: str) -> None:
        declared = defn.declared_mode()
        rt = AgentRuntime(
            definition=defn,
            bus=self.bus,
            store=TranscriptStore(self.state_dir, defn.name),
            model_id=model_id,
            declared_mode=declared,
            effective_mode=effective_mode(declared, self.config.ceiling),
            budget_usd=budget_for(self.config, defn.name),
        )
        rt.restore()
        rt.effective_mode = effective_mode(rt.effective_mode, self.config.ceiling)
        guard = PathGuard(
            self.root,
            defn.domain,
            agent=defn.name,
            shared=self.shared,
            protected_extra=self._definition_dirs,
        )
        self.guards[defn.name] = guard
        deps = RunnerDeps(
            root=self.root,
            queue=self.queue,
            ledger=self.ledger,
            audit=self.audit,
            hub=self.hub,
            applier=self.applier,
            rules=self.rules,
        )
        runner = ToolRunner(rt, deps, guard)
        session = AgentSession(
            rt,
            runner,
            self.applier,
            self._get_client,
            system_prompt(defn, self.root, self.shared),
        )
        session.open_blockers = self._has_open_blocker
        if self.queue.pending(defn.name):
            rt.state = "needs_you"
        self.runtimes.append(rt)
        self._by_name[defn.name] = rt

    def _on_applied(self, rt: AgentRuntime, proposal: Proposal) -> None:
        """Keep PROGRESS.md state current and record who raised a blocker (T41, T62)."""
        if "PROGRESS.md" not in proposal.paths:
            return
        doc = self.progress.load()
        if proposal.tool == "RaiseBlocker":
            text = str(proposal.input.get("text", "")).strip()
            for blocker in doc.blockers:
                if blocker.agent == rt.name and blocker.text.strip() == text:
                    self.blocker_book.record_raised(blocker.id, rt.name, "tool")
                    rt.emit(BlockerRaised(rt.name, blocker.id, blocker.text))
                    break
        self.blocker_book.sync(doc)
        self.bus.emit(ProgressChanged(""))

    def _has_open_blocker(self, agent: str) -> bool:
        return any(b.agent == agent and b.state == "open" for b in self.progress.current.blockers)

    def set_auto_decider(self, decider: AutoDecider | None) -> None:
        """Headless runs: let ``decider`` stand in for the person."""
        self.auto_decider = decider
        for rt in self.runtimes:
            assert rt.session is not None
            rt.session.runner.deps.auto_decider = decider

    def runtime(self, name: str) -> AgentRuntime:
        """The runtime of agent ``name`` (KeyError when unknown)."""
        return self._by_name[name]

    def domain_for(self, agent: str) -> Domain:
        """The compiled Domain of ``agent``."""
        return self.guards[agent].domain

    async def _get_client(self) -> Any:
        async with self._client_lock:
            if self._client is None:
                from agents.llm import ModelSettings, make_client, read_timeout_from_env

                settings = ModelSettings(
                    model="", base_url=self.base_url, read_timeout_s=read_timeout_from_env(self.env)
                )
                self._client = await asyncio.to_thread(make_client, settings, self.api_key)
            return self._client

    async def start(self, *, watch: bool = True, resume: bool = True) -> None:
        """Everything after the first frame: recovery, git, watcher, client, resume."""
        for line in await asyncio.to_thread(self.applier.applier.recover):
            self.warnings.append(line)
            self.bus.emit(RecoveryReport("", line))
        self.applier.git = await asyncio.to_thread(self._make_git)
        for agent, line in await asyncio.to_thread(self._leftovers):
            self.warnings.append(line)
            self.bus.emit(RecoveryReport(agent, line))
        self.reload_progress()
        if watch:
            self._tasks.append(asyncio.ensure_future(self._watch_progress()))
        if self.has_credentials:
            self._tasks.append(asyncio.ensure_future(asyncio.to_thread(warm_anthropic)))
        if resume:
            for rt in self.runtimes:
                session = rt.session
                if session is None or not session.needs_resume():
                    continue
                if self.has_credentials or self.queue.pending(rt.name):
                    session.start()

    def _leftovers(self) -> list[tuple[str, str]]:
        """Calls a crash interrupted, and applied changes it kept from their commit (T19)."""
        from agents.leftovers import commit_leftovers, interrupted_calls

        return interrupted_calls(self.ledger, self.state_dir) + commit_leftovers(
            self.root, self.state_dir, self.git, self.config.commit_mode
        )

    def _make_git(self) -> Any:
        from agents.vcs import GitWriter

        git = GitWriter(
            self.root,
            run_hooks=self.config.run_hooks,
            state_dir=self.state_dir,
            author=self.config.author_for,
        )
        return git if git.available else None

    @property
    def git(self) -> Any:
        """The git writer (``None`` before :meth:`start` or without git)."""
        return self.applier.git

    def reload_progress(self) -> None:
        """Re-read PROGRESS.md and merge blocker state."""
        doc = self.progress.load()
        self.blocker_book.sync(doc)

    async def _watch_progress(self) -> None:
        from agents.progress_watch import watch_progress

        def changed(doc: Any) -> None:
            self.blocker_book.sync(doc)
            self.bus.emit(ProgressChanged("", warning="; ".join(doc.warnings)))
            # A blocker answered from the shell left its agent a message: pass it on now.
            for rt in self.runtimes if self.has_credentials else ():
                session = rt.session
                if session is not None and not session.running and rt.store.has_inbox():
                    session.start()

        await watch_progress(
            self.progress.path, changed, stop=self._stop, progress_file=self.progress
        )

    async def close(self) -> None:
        """Stop watchers and agents; wait for pending commits."""
        self._stop.set()
        for rt in self.runtimes:
            if rt.session is not None:
                await rt.session.shutdown()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.applier.drain()
        if self.git is not None:
            self.git.close()

    # ----- person's actions -------------------------------------------------------------------

    def send(self, agent: str, text: str) -> None:
        """Give ``agent`` a task or a reply."""
        session = self.runtime(agent).session
        assert session is not None
        session.send(text)

    def cancel(self, agent: str) -> None:
        """Cancel ``agent``'s running turn or command."""
        session = self.runtime(agent).session
        if session is not None:
            session.cancel()

    async def decide(self, proposal_id: str, decision: Decision) -> None:
        """Approve or reject a pending proposal."""
        proposal = self.queue.get(proposal_id)
        if proposal is None or proposal.state != "pending":
            return
        waiting = self.hub.resolve(proposal_id, decision)
        session = self.runtime(proposal.agent).session
        if not waiting and session is not None and not session.running:
            session.start()

    def cycle_mode(self, agent: str) -> str:
        """Move ``agent`` to the next permission mode the ceiling allows."""
        rt = self.runtime(agent)
        rt.effective_mode = next_mode(rt.effective_mode, self.config.ceiling)
        rt.save_meta()
        rt.add_entry("notice", f"mode: {rt.effective_mode}")
        self.bus.emit(ModeChanged(agent, rt.effective_mode))
        return rt.effective_mode

    def blockers(self) -> list[Blocker]:
        """Every blocker (open, answered, resolved), oldest first."""
        return self.blocker_book.sync(self.progress.current)

    async def answer_blocker(self, blocker_id: str, answer: str) -> None:
        """Answer a blocker: mark it resolved in PROGRESS.md and send the answer to its agent."""
        from agents.blocker_answer import answer_blocker, commit_answer
        from agents.blockers import answer_message

        blocker = await asyncio.to_thread(
            answer_blocker, self.root, self.progress, self.blocker_book, blocker_id, answer
        )
        if self.config.commit_mode != "off":
            try:
                await asyncio.to_thread(commit_answer, self.git, blocker)
            except Exception as exc:  # the answer is written; the commit is a courtesy
                self.warnings.append(f"git commit of the blocker answer failed: {exc}")
        self.bus.emit(BlockerAnswered(blocker.agent or "", blocker_id, answer))
        if blocker.agent and blocker.agent in self._by_name:
            self.send(blocker.agent, answer_message(blocker, answer))

    def stale_paths(self, proposal_id: str) -> list[str]:
        """Paths of a pending proposal whose file changed since its diff was made."""
        from agents.safe_write import current_sha256

        proposal = self.queue.get(proposal_id)
        if proposal is None:
            return []
        return [
            c.rel for c in proposal.changes if current_sha256(self.root, c.rel) != c.before_sha256
        ]

    async def rediff(self, proposal_id: str) -> Proposal | None:
        """Recompute a pending proposal against the files as they are now."""
        from agents.rediff import rediff

        proposal = self.queue.get(proposal_id)
        if proposal is None or proposal.state != "pending":
            return None
        rt = self.runtime(proposal.agent)
        assert rt.session is not None
        return rediff(self.queue, rt.session.runner.ctx, proposal)

    def file_status(self) -> dict[str, str]:
        """Per-file status for the tree (blocking: call from a thread)."""
        status: dict[str, str] = {}
        git = self.git
        if git is not None:
            try:
                status.update(git.file_status())
            except Exception as exc:
                self.warnings.append(f"git status failed: {exc}")
        for proposal in self.queue.pending():
            for rel in proposal.paths:
                status[rel] = "pending"
        return status
