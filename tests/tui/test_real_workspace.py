"""The desk on the real engine, driven by the scripted model server on loopback: give a task,
watch it stream, approve the edit with ``y``, see the file and the commit; quit and relaunch
restores transcripts, pending proposals and the active pane; a crash never shows the key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from agents.scripted.server import ScriptedServer
from agents.workspace import Workspace
from tests.engine.repo_fixture import agentdesk_env, git, make_repo
from tests.tui.helpers import RecordingDesk, plain
from tests.tui.test_secrets import render_like_textual
from tui.screens.main import MainScreen
from tui.widgets.entries import AssistantBlock, ProposalBlock
from tui.widgets.progress_view import ProgressView

READ = {"tool_use": {"name": "Read", "input": {"file_path": "backend/app.py"}}}
EDIT = {
    "tool_use": {
        "name": "Edit",
        "input": {"file_path": "backend/app.py", "old_string": '"OLD"', "new_string": '"NEW"'},
    }
}
SCENARIO = {
    "agents": {
        "backend-architect": {
            "steps": [
                {"blocks": [{"text": "Reading the app first."}, READ]},
                {"blocks": [{"text": "Now the edit."}, EDIT]},
                {"text": "Done: users() returns **NEW**."},
            ]
        }
    }
}
CANARY = "sk-ant-canary-0123456789"


async def until(pilot: object, check: Callable[[], bool], timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)  # type: ignore[attr-defined]


def open_workspace(repo: Path, server: ScriptedServer, home: Path) -> Workspace:
    return Workspace.open(repo, env=agentdesk_env(server.base_url, home))


@pytest.mark.timeout(90)
async def test_task_stream_approve_commit_and_relaunch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    home = tmp_path / "home"
    with ScriptedServer(SCENARIO) as server:
        ws = open_workspace(repo, server, home)
        app = RecordingDesk(ws, start_engine=True)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await pilot.pause()
            await pilot.press("i", *"make it NEW", "enter")
            await until(pilot, lambda: bool(screen.query(ProposalBlock)))
            block = screen.query_one(ProposalBlock)
            assert "backend/app.py" in plain(block)
            assert "1 pending" in plain(screen.query_one("#summary", Static))
            await pilot.press("escape", "y")
            await until(pilot, lambda: '"NEW"' in (repo / "backend" / "app.py").read_text())
            await until(
                pilot,
                lambda: any(
                    "NEW" in b.text and not b.streaming for b in screen.query(AssistantBlock)
                ),
            )
            await until(
                pilot, lambda: "backend-architect" in git(repo, "log", "-1", "--format=%an%n%B")
            )
            await pilot.press("2")  # leave the frontend pane on screen
        assert ws.queue.pending() == []

        again = open_workspace(repo, server, home)
        relaunched = RecordingDesk(again, start_engine=True)
        async with relaunched.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.2)
            screen = relaunched.screen
            assert isinstance(screen, MainScreen) and screen.active == 1
            await pilot.press("1")
            texts = [b.text for b in screen.pane(0).transcript.query(AssistantBlock)]
            assert "Reading the app first." in texts
            assert any("Done: users() returns **NEW**." in t for t in texts)


@pytest.mark.timeout(90)
async def test_pending_proposal_restored_and_rejected_with_reason(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    home = tmp_path / "home"
    touch = {"tool_use": {"name": "Bash", "input": {"command": "touch backend/x.txt"}}}
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [{"blocks": [touch]}, {"text": "Understood, leaving it."}]
            }
        }
    }
    with ScriptedServer(scenario) as server:
        ws = open_workspace(repo, server, home)
        app = RecordingDesk(ws, start_engine=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("i", *"edit it", "enter")
            await until(pilot, lambda: bool(ws.queue.pending()))
        pending = [p.id for p in ws.queue.pending()]

        again = open_workspace(repo, server, home)
        relaunched = RecordingDesk(again, start_engine=True)
        async with relaunched.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.2)
            screen = relaunched.screen
            assert isinstance(screen, MainScreen)
            assert [p.id for p in again.queue.pending()] == pending
            # The transcript fills right after the first frame; a loaded machine takes longer.
            await until(
                pilot, lambda: [b.proposal_id for b in screen.query(ProposalBlock)] == pending
            )
            await pilot.press("n", *"keep OLD", "enter")
            await until(pilot, lambda: not again.queue.pending())
            await until(
                pilot,
                lambda: any("leaving it" in b.text for b in screen.query(AssistantBlock)),
            )
        assert not (repo / "backend" / "x.txt").exists()


@pytest.mark.timeout(60)
async def test_real_workspace_crash_report_has_no_key(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    with ScriptedServer(SCENARIO) as server:
        ws = open_workspace(repo, server, tmp_path / "home")
        app = RecordingDesk(ws, start_engine=False)

        def explode() -> None:
            raise RuntimeError("forced crash")

        with pytest.raises(RuntimeError) as info:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                app.call_later(explode)
                await pilot.pause()
        report = render_like_textual(info.value)
        assert "forced crash" in report
        assert CANARY not in report
        for value in vars(app).values():
            assert CANARY not in repr(value)


FIRST_FRAME_SCRIPT = """
import asyncio, sys
from pathlib import Path
from agents.workspace import Workspace
from tui.app import DeskApp

seen = {}

class Probe(DeskApp):
    def _on_mount(self, event) -> None:  # runs before DeskApp.on_mount (Textual walks the MRO)
        self.call_after_refresh(lambda: seen.setdefault("first", "anthropic" in sys.modules))

async def main() -> None:
    ws = Workspace.open(Path(sys.argv[1]), env={"ANTHROPIC_API_KEY": "sk-x", "HOME": sys.argv[2]})
    app = Probe(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(400):
            await pilot.pause(0.02)
            if "anthropic" in sys.modules:
                break
        seen["later"] = "anthropic" in sys.modules
    print(seen["first"], seen["later"])

asyncio.run(main())
"""


@pytest.mark.timeout(60)
def test_anthropic_is_imported_only_after_the_first_frame(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = make_repo(tmp_path / "repo")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_SCRIPT, str(repo), str(tmp_path / "home")],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=50,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.timeout(90)
async def test_changed_file_is_stale_and_rediffed_on_the_real_engine(tmp_path: Path) -> None:
    from tui.screens.review import ReviewScreen

    repo = make_repo(tmp_path / "repo")
    page = repo / "frontend" / "page.tsx"
    edit = {
        "tool_use": {
            "name": "Edit",
            "input": {
                "file_path": "frontend/page.tsx",
                "old_string": "null",
                "new_string": "'page'",
            },
        }
    }
    read = {"tool_use": {"name": "Read", "input": {"file_path": "frontend/page.tsx"}}}
    steps = [{"blocks": [read]}, {"blocks": [edit]}, {"text": "ok"}]
    scenario = {"agents": {"frontend-architect": {"steps": steps}}}
    with ScriptedServer(scenario) as server:
        ws = open_workspace(repo, server, tmp_path / "home")
        app = RecordingDesk(ws, start_engine=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("2", "i", *"fill the page", "enter")
            await until(pilot, lambda: bool(ws.queue.pending()))
            page.write_text(page.read_text() + "// the person's line\n")
            await pilot.press("escape", "y")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            review = app.screen
            assert isinstance(review, ReviewScreen)
            await until(pilot, lambda: review.stale)
            await pilot.press("R")
            await until(pilot, lambda: not review.stale)
            await pilot.press("y")
            await until(pilot, lambda: "'page'" in page.read_text())
        assert page.read_text().endswith("// the person's line\n")


@pytest.mark.timeout(90)
async def test_approve_one_hunk_on_the_real_engine(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    before = "".join(f"line {i}\n" for i in range(1, 21))
    after = before.replace("line 2\n", "line two\n").replace("line 18\n", "line eighteen\n")
    target = repo / "frontend" / "long.tsx"
    target.write_text(before)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "long file")
    read = {"tool_use": {"name": "Read", "input": {"file_path": "frontend/long.tsx"}}}
    write = {
        "tool_use": {"name": "Write", "input": {"file_path": "frontend/long.tsx", "content": after}}
    }
    steps = [{"blocks": [read]}, {"blocks": [write]}, {"text": "ok"}]
    with ScriptedServer({"agents": {"frontend-architect": {"steps": steps}}}) as server:
        ws = open_workspace(repo, server, tmp_path / "home")
        app = RecordingDesk(ws, start_engine=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("2", "i", *"rewrite it", "enter")
            await until(pilot, lambda: bool(ws.queue.pending()))
            await pilot.press("escape", "r", "h", "space", "y")
            await until(pilot, lambda: target.read_text() != before)
        assert target.read_text() == before.replace("line 18\n", "line eighteen\n")


@pytest.mark.timeout(60)
async def test_no_key_on_the_real_engine_shows_everything_and_how_to_connect(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "PROGRESS.md").write_text(
        (repo / "PROGRESS.md").read_text() + "- @frontend-architect: need the API schema\n"
    )
    home = tmp_path / "home"
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    ws = Workspace.open(repo, env=env)
    assert not ws.has_credentials
    app = RecordingDesk(ws, start_engine=True)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await until(
            pilot,
            lambda: "need the API schema" in screen.query_one(ProgressView).plain_text,
        )
        assert "no model" in plain(screen.query_one("#summary", Static))
        assert "1 blocker" in plain(screen.query_one("#summary", Static))
        assert [p.agent for p in screen.query("AgentPane").results()] == [  # type: ignore[attr-defined]
            rt.definition.name for rt in ws.runtimes
        ]
        await pilot.press("i", *"hello", "enter")
        assert "ANTHROPIC_API_KEY" in app.note_text()
        # the blocker can still be answered: PROGRESS.md is updated on disk
        await pilot.press("escape")
        await pilot.resize_terminal(80, 24)  # folded side columns: b brings the queue
        await pilot.pause()
        await pilot.press("b", "enter", *"see docs/api.md", "enter")
        await until(pilot, lambda: "see docs/api.md" in (repo / "PROGRESS.md").read_text())
