"""``agentdesk demo``: refusals from the command line, and the desk it opens (Pilot)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from agents.demo import DEMO_MODEL, DemoWorkspace, demo_env, load_demo_scenario, prepare_demo
from agents.scripted.server import ScriptedServer
from tui.commands.demo_cmd import WELCOME, _demo_app

ROOT = Path(__file__).resolve().parents[2]


def agentdesk(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    target = tmp_path / "work"
    target.mkdir()
    (target / "thesis.tex").write_text("precious\n")
    out = agentdesk("demo", "--dir", str(target), home=tmp_path / "home")
    assert out.returncode == 2
    assert "is not empty and does not hold an agentdesk demo" in out.stderr
    assert [p.name for p in target.iterdir()] == ["thesis.tex"]
    assert "kept in" not in out.stdout


def test_refuses_a_bad_speed_and_lists_itself_in_help(tmp_path: Path) -> None:
    out = agentdesk("demo", "--speed", "-1", home=tmp_path / "home")
    assert out.returncode == 2 and "--speed" in out.stderr
    out = agentdesk("--help", home=tmp_path / "home")
    assert out.returncode == 0 and "demo" in out.stdout


async def test_the_desk_opens_with_two_agents_at_work_and_y_commits(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    prepare_demo(root)
    with ScriptedServer(load_demo_scenario(0)) as server:
        workspace = DemoWorkspace.open(root, env=demo_env(server.base_url))
        app = _demo_app(workspace, lambda name: None)
        notes: list[str] = []
        original = app.notify

        def record(message: str, **kwargs: object) -> None:
            notes.append(message)
            original(message, **kwargs)  # type: ignore[arg-type]

        app.notify = record  # type: ignore[method-assign]
        async with app.run_test(size=(160, 48)) as pilot:
            deadline = time.monotonic() + 30
            while not workspace.queue.pending("backend-architect"):
                assert time.monotonic() < deadline, "no proposal from backend-architect"
                await pilot.pause(0.05)
            (proposal,) = workspace.queue.pending("backend-architect")
            assert proposal.paths == ("backend/app.py",)
            working = {rt.name: bool(rt.entries) for rt in workspace.runtimes}
            assert working == {
                "backend-architect": True,
                "frontend-architect": True,
                "delivery-lead": True,  # its notice says it waits for the person
            }
            assert workspace.runtime("frontend-architect").session.messages  # type: ignore[union-attr]
            assert not workspace.runtime("delivery-lead").session.messages  # type: ignore[union-attr]
            await pilot.press("y")
            while "backend/app.py" not in _last_commit_files(root):
                assert time.monotonic() < deadline, "no commit after y"
                await pilot.pause(0.05)
            assert WELCOME in notes
            assert {rt.model_id for rt in workspace.runtimes} == {DEMO_MODEL}
    author = subprocess.run(
        ["git", "log", "-1", "--format=%an", "--", "backend/app.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert author == "backend-architect"


def _last_commit_files(root: Path) -> str:
    return subprocess.run(
        ["git", "log", "--name-only", "--format=", "-n", "3"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
