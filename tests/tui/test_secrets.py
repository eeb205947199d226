"""THREATS T52: the API key never shows in the crash report (Textual prints tracebacks with
locals), because the desk never holds it in an attribute or a local."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.traceback import Traceback

from tests.tui.conftest import make_workspace
from tests.tui.helpers import RecordingDesk

CANARY = "sk-ant-api03-CANARY-never-print-me"


def render_like_textual(exc: BaseException) -> str:
    """The traceback Textual's crash handler prints (show_locals=True)."""
    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None)
    console.print(
        Traceback.from_exception(
            type(exc), exc, exc.__traceback__, show_locals=True, locals_max_length=5
        )
    )
    return out.getvalue()


async def test_crash_report_has_no_api_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", CANARY)
    ws = make_workspace(tmp_path)

    def explode(agent: str) -> str:
        raise RuntimeError("boom while cycling the mode")

    ws.cycle_mode = explode  # type: ignore[method-assign]
    app = RecordingDesk(ws)
    with pytest.raises(RuntimeError) as info:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("m")
            await pilot.pause()
    report = render_like_textual(info.value)
    assert "boom while cycling the mode" in report and "locals" in report
    assert CANARY not in report
    for value in vars(app).values():
        assert CANARY not in repr(value)
