"""End to end: the real ``agentdesk demo`` in a real terminal (tmux), approving with ``y``.

The command runs as a person would start it (this interpreter, ``-m tui.cli demo --dir``) in a
tmux server of its own (``tmux -L <unique socket>``, 160x48), with HOME and XDG_CONFIG_HOME in a
temporary folder and no ``ANTHROPIC_*`` variable. The test waits for the backend's proposal on
screen, presses ``y``, and checks the commit in the demo repository: authored by the agent,
holding exactly the proposal's file. The tmux server is always killed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")
WAIT_S = 30.0

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.timeout(120),
]


class Tmux:
    """One tmux server on its own socket, holding one session."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.env: dict[str, str] | None = None

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a tmux command; the server it starts inherits :attr:`env`."""
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )

    def screen(self) -> str:
        """The visible pane as plain text."""
        return self("capture-pane", "-p", "-t", "demo").stdout

    def kill(self) -> None:
        """Stop the server and remove its socket file (tmux leaves it behind)."""
        self("kill-server")
        base = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (base / self.socket).unlink(missing_ok=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux(f"agentdesk-e2e-{uuid.uuid4().hex[:12]}")
    try:
        yield server
    finally:
        server.kill()


def wait_for(check: Callable[[], bool], what: str, tmux: Tmux) -> None:
    """Poll ``check`` until it holds or WAIT_S pass (then fail showing the screen)."""
    deadline = time.monotonic() + WAIT_S
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; the screen was:\n{tmux.screen()}")
        time.sleep(0.2)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=10
    ).stdout


def test_demo_in_a_real_terminal_approves_with_y(tmp_path: Path, tmux: Tmux) -> None:
    home = tmp_path / "home"
    home.mkdir()
    repo = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        TERM="xterm-256color",
    )
    env.pop("TMUX", None)
    command = " ".join(
        shlex.quote(part) for part in (sys.executable, "-m", "tui.cli", "demo", "--dir", str(repo))
    )
    script = f"cd {shlex.quote(str(ROOT))} && {command}; sleep 30"
    tmux.env = env  # a new server on its own socket: its sessions get exactly this environment
    started = tmux("new-session", "-d", "-s", "demo", "-x", "160", "-y", "48", "sh", "-c", script)
    assert started.returncode == 0, started.stderr

    # The backend's in-Domain edit reaches the screen as a proposal waiting for the person.
    wait_for(
        lambda: "Edit backend/app.py" in tmux.screen() and "needs you" in tmux.screen(),
        "the backend's Edit proposal on screen",
        tmux,
    )
    assert "scripted-demo" in tmux.screen()
    initial = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    before = git(repo, "rev-list", "--count", "HEAD").strip()
    assert tmux("send-keys", "-t", "demo", "y").returncode == 0

    def last_app_commit() -> str:
        return git(repo, "log", "-n", "1", "--format=%H", "--", "backend/app.py").strip()

    wait_for(lambda: last_app_commit() != initial, "the commit of the approved edit", tmux)
    sha = last_app_commit()
    assert git(repo, "show", "-s", "--format=%an", sha).strip() == "backend-architect"
    assert git(repo, "show", "--name-only", "--format=", sha).split() == ["backend/app.py"]
    assert int(git(repo, "rev-list", "--count", "HEAD").strip()) > int(before)
    assert "def health() -> dict:" in (repo / "backend" / "app.py").read_text()
    body = git(repo, "show", "-s", "--format=%B", sha)
    assert "Agentdesk-Agent: backend-architect" in body

    # Quitting keeps the --dir repository and says where it is.
    tmux("send-keys", "-t", "demo", "C-q")
    wait_for(lambda: "The demo repository is kept in" in tmux.screen(), "the exit message", tmux)
    assert (repo / ".git").is_dir()


def _desk_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        TERM="xterm-256color",
    )
    env.pop("TMUX", None)
    return env


def _start_desk(tmux: Tmux, repo: Path, home: Path) -> None:
    command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "tui.cli", str(repo)))
    script = f"cd {shlex.quote(str(ROOT))} && {command}; echo agentdesk-exited-$?; sleep 30"
    tmux.env = _desk_env(home)
    started = tmux("new-session", "-d", "-s", "demo", "-x", "160", "-y", "48", "sh", "-c", script)
    assert started.returncode == 0, started.stderr


AGENT_FILE = """---
name: api-builder
description: Builds the API.
domain:
  - api/
---
You build the API.
"""


def test_desk_opens_a_repository_in_a_real_terminal(tmp_path: Path, tmux: Tmux) -> None:
    home = tmp_path / "home"
    home.mkdir()
    repo = tmp_path / "repo"
    (repo / ".claude" / "agents").mkdir(parents=True)
    (repo / ".claude" / "agents" / "api-builder.md").write_text(AGENT_FILE)
    _start_desk(tmux, repo, home)
    # The header first (the workspace opens after it), then the agent's pane.
    wait_for(lambda: "agentdesk · repo" in tmux.screen(), "the desk's header", tmux)
    wait_for(lambda: "api-builder" in tmux.screen(), "the agent on screen", tmux)
    wait_for(lambda: "No model connected" in tmux.screen(), "the no-model banner", tmux)
    tmux("send-keys", "-t", "demo", "C-q")
    wait_for(lambda: "agentdesk-exited-0" in tmux.screen(), "a clean exit", tmux)


def test_desk_on_a_bad_project_config_exits_2_with_the_reason(tmp_path: Path, tmux: Tmux) -> None:
    home = tmp_path / "home"
    home.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "agentdesk.yaml").write_text("ceiling: [not, a, mode]\n")
    _start_desk(tmux, repo, home)
    wait_for(lambda: "agentdesk-exited-2" in tmux.screen(), "exit code 2", tmux)
    screen = tmux.screen()
    assert "agentdesk: " in screen and "agentdesk.yaml" in screen
    assert "Traceback" not in screen
