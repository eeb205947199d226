"""The engine side of ``agentdesk demo``: the demo repository, its scenario and its workspace.

:func:`prepare_demo` creates the repository (files from :mod:`agents.demo_files`, ``git init``
and one commit under a fixed identity given through the environment, so the person's git
config is neither read nor written) or accepts a folder that already holds one.
:func:`load_demo_scenario` reads the bundled scenario, optionally at another streaming pace.
:class:`DemoWorkspace` is a :class:`~agents.workspace.Workspace` that shows the scripted model
under its own name and, once started, gives two agents their tasks so they work at once.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from agents.demo_files import FILES
from agents.events import StateChanged
from agents.scripted.scenario import Scenario, Speed, load_scenario
from agents.workspace import Workspace

#: The model id every demo agent shows and sends: the scripted server answers any id.
DEMO_MODEL = "scripted-demo"
#: A placeholder key for the loopback server (which ignores it), so no real key is ever sent.
DEMO_KEY = "agentdesk-demo-placeholder"
#: The bundled scenario (shipped in the wheel next to the scripted server).
SCENARIO_PATH = Path(__file__).with_name("scripted") / "demo.yaml"
#: Inside ``.git``: marks a folder as a demo repository, so ``--dir`` may reopen it.
MARKER = "agentdesk-demo.json"
#: Who made the demo repository's first commit.
DEMO_AUTHOR = ("agentdesk demo", "demo@agentdesk.invalid")

#: The tasks given on start; the delivery lead waits for the person.
DEMO_TASKS: dict[str, str] = {
    "backend-architect": (
        "GET /api/products/<id> fails with a 500 for an unknown id. Make it answer 404, add a "
        "GET /health check, and run the backend tests."
    ),
    "frontend-architect": (
        "Show the product list on the home page, using the API client in frontend/src/api.ts."
    ),
}

_NOTICE = (
    "agentdesk demo: a scripted model on 127.0.0.1 plays this agent (no API key, no network). "
    "Its replies are written in advance; everything it asks for goes through the real engine: "
    "Domain checks, your approval, one git commit per approved change."
)
#: The first transcript line of each agent in a new demo.
DEMO_NOTICES: dict[str, str] = {
    "backend-architect": _NOTICE,
    "frontend-architect": _NOTICE,
    "delivery-lead": (
        _NOTICE
        + " This agent waits for you: press i, type any task, press enter (esc leaves the box)."
    ),
}


class DemoError(Exception):
    """The demo repository cannot be created or reopened; the message says why."""


def is_demo(root: Path) -> bool:
    """True when ``root`` holds a repository made by ``agentdesk demo``."""
    return (root / ".git" / MARKER).is_file()


def prepare_demo(root: Path) -> bool:
    """Make ``root`` a demo repository; ``True`` when created, ``False`` when reopened.

    A missing or empty folder gets a new demo; a folder that already holds one is reused as
    it is. Anything else (a file, a folder with other things in it) raises :class:`DemoError`.
    """
    if root.exists() and not root.is_dir():
        raise DemoError(f"{root} exists and is not a folder")
    if root.is_dir():
        if is_demo(root):
            return False
        if any(root.iterdir()):
            raise DemoError(
                f"{root} is not empty and does not hold an agentdesk demo; "
                "give --dir a new or empty folder"
            )
    create_demo_repo(root)
    return True


def create_demo_repo(root: Path) -> Path:
    """Write the demo files into ``root`` (missing or empty) and commit them with git.

    On failure nothing is left behind: the folder is removed if this call created it, and
    emptied otherwise.
    """
    created = not root.exists()
    try:
        root.mkdir(parents=True, exist_ok=True)
        for rel, text in FILES.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "The shop before the team starts (agentdesk demo)")
        marker = {"made_by": "agentdesk demo", "scenario": "agents/scripted/demo.yaml"}
        (root / ".git" / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    except BaseException:
        _remove(root, whole=created)
        raise
    return root


def _git(root: Path, *args: str) -> None:
    """Run git in ``root`` with a fixed identity and no user or system config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    name, email = DEMO_AUTHOR
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email,
        GIT_TERMINAL_PROMPT="0",
    )
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise DemoError("the demo needs git, and git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise DemoError(f"git {args[0]} did not finish within 60 s") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise DemoError(f"git {args[0]} failed: {detail[-1] if detail else done.returncode}")


def _remove(root: Path, *, whole: bool) -> None:
    if whole:
        shutil.rmtree(root, ignore_errors=True)
        return
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def load_demo_scenario(speed: float | None = None) -> Scenario:
    """The bundled demo scenario; ``speed`` (deltas a second, 0 = instant) overrides its pace.

    The pace is set on the scenario and on every script (the bundled file sets no per-turn
    pace, which a test checks).
    """
    scenario = load_scenario(SCENARIO_PATH)
    if speed is None:
        return scenario
    pace = Speed(tokens_per_s=speed, chunk=scenario.speed.chunk)
    scripts = {name: dataclasses.replace(s, speed=None) for name, s in scenario.scripts.items()}
    return dataclasses.replace(scenario, speed=pace, scripts=scripts)


def demo_env(base_url: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the demo's workspace reads: the scripted server and a placeholder key.

    Every ``ANTHROPIC_*`` variable of ``environ`` is dropped, so a real key or endpoint in the
    person's shell is never used (nor sent to the loopback server).
    """
    source = os.environ if environ is None else environ
    env = {k: v for k, v in source.items() if not k.startswith("ANTHROPIC_")}
    env.update(ANTHROPIC_BASE_URL=base_url, ANTHROPIC_API_KEY=DEMO_KEY)
    return env


def _bundled_shadowed(warning: str) -> bool:
    """A discovery note that a project agent hides the bundled one of the same name."""
    return warning.endswith("is shadowed") and " bundled " in warning


class DemoWorkspace(Workspace):
    """A workspace on a demo repository: the scripted model by name, and tasks on start."""

    def __init__(self, root: Path, env: Mapping[str, str]) -> None:
        super().__init__(root, env)
        for rt in self.runtimes:
            rt.model_id = DEMO_MODEL
        # The demo's agents shadow the bundled roster on purpose: no need to warn about it.
        self.warnings = [w for w in self.warnings if not _bundled_shadowed(w)]

    async def start(self, *, watch: bool = True, resume: bool = True) -> None:
        """Start the engine, then hand out the demo's tasks (only in a new demo)."""
        await super().start(watch=watch, resume=resume)
        self.give_tasks()

    def give_tasks(self) -> list[str]:
        """Introduce the demo in every fresh pane and send :data:`DEMO_TASKS`; returns who
        got a task. Agents that already have a transcript (a reopened demo) are left alone."""
        given: list[str] = []
        for rt in self.runtimes:
            session = rt.session
            if session is None or rt.entries or session.messages or session.running:
                continue
            notice = DEMO_NOTICES.get(rt.name)
            if notice:
                rt.add_entry("notice", notice)
            task = DEMO_TASKS.get(rt.name)
            if task:
                self.send(rt.name, task)
                given.append(rt.name)
            elif notice:
                # No task means no event: tell front ends that this transcript changed.
                rt.emit(StateChanged(rt.name, rt.state, rt.state_detail))
        return given
