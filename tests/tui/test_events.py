"""The desk follows the engine: streaming text, finished Markdown, tool blocks, retries,
usage, PROGRESS.md changes, blockers raised and answered, errors and recovery reports."""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import OptionList, Static

from agents import events as ev
from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeBlocker, FakeEntry
from tests.tui.helpers import RecordingDesk, plain, progress_loaded, screen_text, until
from tui.screens.main import MainScreen
from tui.screens.modals import TextPrompt
from tui.widgets.entries import STREAM_TAIL_LINES, AssistantBlock, ToolBlock
from tui.widgets.progress_view import ProgressView
from tui.widgets.strip import AgentStrip

AGENT = "backend-architect"


async def settle(pilot: object, seconds: float = 0.06) -> None:
    await pilot.pause(seconds)  # type: ignore[attr-defined]


async def test_streaming_then_markdown(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, entries=False)
    rt = ws.runtimes[0]
    app = RecordingDesk(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        rt.state = "working"
        ws.bus.emit(ev.StateChanged(AGENT, "working"))
        ws.bus.emit(ev.TurnStarted(AGENT, 1))
        for piece in ("Hel", "lo **wor", "ld**"):
            rt.streaming_text += piece
            ws.bus.emit(ev.TextDelta(AGENT, piece))
        await settle(pilot)
        stream = screen.pane(0).transcript.query_one(AssistantBlock)
        assert stream.streaming and plain(stream) == "Hello **world**"  # raw while streaming
        assert "working" in screen.query_one(AgentStrip).render().plain
        long = "".join(f"row {i}\n" for i in range(200))
        rt.streaming_text = long
        ws.bus.emit(ev.TextDelta(AGENT, "x"))
        await settle(pilot)
        shown = plain(stream)
        assert len(shown.split("\n")) == STREAM_TAIL_LINES
        assert "row 0\n" not in shown and "row 199" in shown
        rt.entries.append(FakeEntry("assistant", "Hello **world**"))
        rt.streaming_text = ""
        ws.bus.emit(ev.TurnEnded(AGENT, 1, "end_turn"))
        await settle(pilot)
        blocks = list(screen.pane(0).transcript.query(AssistantBlock))
        assert len(blocks) == 1 and not blocks[0].streaming
        shot = screen_text(app)
        assert "**world**" not in shot and "world" in shot  # rendered, not raw


async def test_tool_call_result_folded_and_expanded(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, entries=False)
    rt = ws.runtimes[0]
    app = RecordingDesk(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        rt.entries.append(FakeEntry("tool_call", "Grep TODO", {"tool": "Grep"}))
        ws.bus.emit(ev.ToolCall(AGENT, "tu-1", "Grep", {"pattern": "TODO"}))
        await settle(pilot)
        rt.entries.append(FakeEntry("tool_result", "a.py:1: TODO\nb.py:2: TODO", {}))
        ws.bus.emit(ev.ToolResult(AGENT, "tu-1", "Grep", "..."))
        rt.entries.append(FakeEntry("tool_call", "Read missing.py", {"tool": "Read"}))
        rt.entries.append(FakeEntry("tool_result", "no such file", {"is_error": True}))
        ws.bus.emit(ev.ToolResult(AGENT, "tu-2", "Read", "no such file", is_error=True))
        await settle(pilot)
        blocks = list(app.screen.query(ToolBlock))
        assert len(blocks) == 2
        first = plain(blocks[0])
        assert first == "▸ Grep TODO  ↳ 2 lines"
        assert plain(blocks[1]).endswith("↳ error") and blocks[1].has_class("-error")
        await pilot.click(blocks[0])
        assert plain(blocks[0]).startswith("▾ Grep TODO") and "b.py:2: TODO" in plain(blocks[0])
        blocks[1].focus()
        await pilot.press("enter")
        assert "no such file" in plain(blocks[1])


async def test_retry_countdown_usage_and_mode_in_header(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    rt = ws.runtimes[0]
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        rt.retry_deadline = time.monotonic() + 23.4
        rt.state = "working"
        ws.bus.emit(ev.RetryScheduled(AGENT, 1, 23.4, "overloaded"))
        await settle(pilot)
        header = screen.pane(0).query_one(".pane-header", Static)
        assert "retrying in 23 s" in plain(header)
        rt.retry_deadline = None
        rt.input_tokens, rt.output_tokens, rt.cost_usd = 50_000, 1_500, 1.25
        ws.bus.emit(ev.Usage(AGENT, 50_000, 1_500, cost_usd=0.8, total_cost_usd=1.25))
        await settle(pilot)
        text = plain(header)
        assert "retrying" not in text and "51.5k tok · $1.25" in text
        assert "$1.25" in plain(screen.query_one("#summary", Static))


async def test_progress_and_blockers_follow_the_file(tmp_path: Path) -> None:
    from dataclasses import replace

    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await progress_loaded(pilot, app)
        view = app.screen.query_one(ProgressView)
        assert "Phase 2: Development  0/2" in view.plain_text
        doc = ws.progress.current
        ws.progress.current = replace(
            doc,
            blockers=(*doc.blockers, FakeBlocker("b-3", "delivery-lead", "Sign-off needed")),
        )
        ws.bus.emit(ev.BlockerRaised("delivery-lead", "b-3", "Sign-off needed"))
        await settle(pilot)
        assert "Sign-off needed" in view.plain_text
        assert "delivery-lead is blocked: Sign-off needed" in app.note_text()
        assert "2 blockers" in plain(app.screen.query_one("#summary", Static))
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(3)]
        assert "Need the users API schema" in prompts[0]  # open ones first, oldest first
        assert "Sign-off needed" in prompts[1] and "Which database?" in prompts[2]
        ws.progress.current = replace(ws.progress.current, warnings=("line 9: odd item",))
        ws.bus.emit(ev.ProgressChanged("", warning="line 9: odd item"))
        await settle(pilot)
        assert "⚠ line 9: odd item" in view.plain_text
        await pilot.press("P")
        assert view.plain_text == ws.progress.current.text
        await pilot.press("P")
        assert "Phase 1: Setup" in view.plain_text


async def test_answer_a_blocker(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await progress_loaded(pilot, app)
        options = app.screen.query_one(OptionList)
        options.focus()
        options.highlighted = 0
        await pilot.press("enter")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"see docs/api.md", "enter")
        await until(pilot, lambda: ("answer_blocker", "b-1", "see docs/api.md") in ws.calls)
        await until(pilot, lambda: "↳" in str(options.get_option_at_index(0).prompt))
        prompt = str(options.get_option_at_index(0).prompt)
        assert "↳ see docs/api.md" in prompt
        # a resolved blocker cannot be answered again
        options.highlighted = 1
        await pilot.press("enter")
        assert isinstance(app.screen, MainScreen)


async def test_blockers_key_at_80x24_focuses_the_queue(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await progress_loaded(pilot, app)
        await pilot.press("b")
        assert isinstance(app.screen.focused, OptionList)
        await pilot.press("enter", *"ok", "enter")
        await until(pilot, lambda: ("answer_blocker", "b-1", "ok") in ws.calls)


async def test_errors_and_recovery_are_told(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ws.runtimes[1].state = "error"
        ws.bus.emit(ev.AgentError("frontend-architect", "401: check ANTHROPIC_API_KEY"))
        ws.bus.emit(ev.RecoveryReport("", "rolled back p-123 (crash mid-apply)"))
        await settle(pilot)
        notes = app.note_text()
        assert "frontend-architect: 401: check ANTHROPIC_API_KEY" in notes
        assert "rolled back p-123" in notes
        assert "frontend-architect ✗" in app.screen.query_one(AgentStrip).render().plain


async def test_invalid_agent_files_and_warnings_shown_at_start(tmp_path: Path) -> None:
    from agents.definition import AgentLoadError

    ws = make_workspace(tmp_path)
    ws.errors = [AgentLoadError(Path(".claude/agents/bad.md"), 3, "duplicate key 'name'")]
    ws.warnings = ["agentdesk.yaml: api_key ignored (keys never come from the repository)"]
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notes = app.note_text()
        assert ".claude/agents/bad.md:3: duplicate key 'name'" in notes
        assert "api_key ignored" in notes
        assert "1 invalid agent file" in plain(app.screen.query_one("#summary", Static))


async def test_results_join_their_calls_and_rejections_are_not_check_marks(tmp_path: Path) -> None:
    from tui.widgets.entries import TextBlock

    ws = make_workspace(tmp_path, entries=False)
    rt = ws.runtimes[0]
    rt.entries = [
        FakeEntry("tool_call", "Edit backend/app.py", {"tool": "Edit", "id": "tu-1"}),
        FakeEntry("proposal", "Edit backend/app.py", {"proposal_id": "p-gone"}),
        FakeEntry("decision", "rejected: keep OLD", {"proposal_id": "p-gone"}),
        FakeEntry(
            "tool_result", "rejected by the person: keep OLD", {"id": "tu-1", "is_error": True}
        ),
        FakeEntry("decision", "approved", {}),
    ]
    app = RecordingDesk(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tools = list(app.screen.query(ToolBlock))
        assert len(tools) == 1 and tools[0].result == "rejected by the person: keep OLD"
        decisions = [plain(b) for b in app.screen.query(TextBlock) if b.kind == "decision"]
        assert decisions == ["✗ rejected: keep OLD", "✓ approved"]
