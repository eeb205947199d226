"""``agentdesk [PATH]`` paints a header-only first frame, then opens the workspace after it."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeUserConfig
from tests.tui.helpers import RecordingDesk, screen_text
from tests.tui.helpers import until as _until
from tui.app import OpenFailed
from tui.screens.main import MainScreen
from tui.screens.opening import OpeningScreen

ROOT = Path(__file__).resolve().parents[2]


async def test_opening_screen_first_then_the_desk(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    gate = threading.Event()
    opened_on: list[str] = []

    def opener() -> object:
        opened_on.append(threading.current_thread().name)
        assert gate.wait(10)
        return ws

    app = RecordingDesk(opener=opener, root=ws.root, user_config=FakeUserConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OpeningScreen)
        assert not app.is_open
        text = screen_text(app)
        assert "agentdesk" in text and "opening" in text
        await pilot.press("?", "ctrl+p")  # nothing but quitting works while opening
        assert isinstance(app.screen, OpeningScreen)
        gate.set()
        await _until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.is_open and app.workspace is ws
        assert opened_on and opened_on[0] != threading.main_thread().name
        await _until(pilot, lambda: "backend-architect" in screen_text(app))
        await pilot.press("?")  # the desk's keys work once it is open
        assert not isinstance(app.screen, (OpeningScreen, MainScreen))


async def test_open_failure_exits_with_code_2(tmp_path: Path) -> None:
    def opener() -> object:
        raise OpenFailed("agentdesk.yaml: ceiling: expected a mode")

    app = RecordingDesk(opener=opener, root=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2
    assert not app.is_open


async def test_unexpected_error_while_opening_exits_with_code_2(tmp_path: Path) -> None:
    def opener() -> object:
        raise RuntimeError("disk on fire")

    app = RecordingDesk(opener=opener, root=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2


async def test_quit_while_opening_never_shows_the_desk(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    gate = threading.Event()

    def opener() -> object:
        gate.wait(10)
        return ws

    app = RecordingDesk(opener=opener, root=ws.root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        gate.set()
    assert app.return_code == 0 and not app.is_open


def test_the_first_frame_imports_neither_the_engine_nor_the_main_screen() -> None:
    code = (
        "import sys\n"
        "import tui.cli, tui.commands.desk_cmd, tui.app\n"
        "heavy = ['anthropic', 'agents.workspace', 'agents.session', 'tui.screens.main',\n"
        "         'pydantic', 'watchfiles', 'git']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == ""
