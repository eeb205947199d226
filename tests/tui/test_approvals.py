"""Approving and rejecting from the main screen: y, n with a reason, destructive commands,
the jump to the oldest pending proposal, notifications and the bell, stale proposals."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from agents.events import ProposalCreated, ProposalFailed
from agents.proposal import Decision
from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeUserConfig, command_proposal, edit_proposal
from tests.tui.helpers import RecordingDesk, plain, until
from tui.screens.main import MainScreen
from tui.screens.modals import ConfirmDestructive, TextPrompt
from tui.screens.review import ReviewScreen
from tui.widgets.entries import ProposalBlock
from tui.widgets.strip import AgentStrip

BEFORE = "def app():\n    return 'OLD'\n"
AFTER = "def app():\n    return 'NEW'\n"


def decisions(ws: object) -> list[tuple[str, Decision]]:
    return [(c[1], c[2]) for c in ws.calls if c[0] == "decide"]  # type: ignore[attr-defined]


async def test_y_approves_the_proposal_in_focus(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER))
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert "1 pending" in plain(app.screen.query_one("#summary", Static))
        await pilot.press("y")
        await pilot.pause()
        assert decisions(ws) == [("p-0000000001", Decision("approve"))]
        block = app.screen.query_one(ProposalBlock)
        assert block.border_subtitle == "applied"
        assert "nothing pending" in plain(app.screen.query_one("#summary", Static))
        await pilot.press("y")  # nothing left: no second decision
        assert len(decisions(ws)) == 1


async def test_n_rejects_with_a_reason_and_escape_cancels(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER))
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert decisions(ws) == []
        await pilot.press("n", *"use the service layer", "enter")
        await pilot.pause()
        assert decisions(ws) == [
            ("p-0000000001", Decision("reject", reason="use the service layer"))
        ]


async def test_destructive_command_needs_typed_confirmation(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(command_proposal("backend-architect", "rm -rf build", flags=("destructive",)))
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        assert isinstance(app.screen, ConfirmDestructive)
        await pilot.press("y", "enter")  # a single key is not a confirmation
        assert isinstance(app.screen, ConfirmDestructive)
        assert decisions(ws) == []
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen) and decisions(ws) == []
        await pilot.press("y")
        app.screen.query_one(Input).value = ""
        await pilot.press(*"approve", "enter")
        await pilot.pause()
        assert decisions(ws) == [("p-0000000002", Decision("approve", confirmed_destructive=True))]


async def test_bracket_jumps_to_the_oldest_pending_of_any_agent(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(command_proposal("frontend-architect", "npm test", created_at=1.0))
    ws.add_proposal(
        edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER, created_at=2.0)
    )
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.active == 0
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.active == 1
        focused = screen.focused
        assert isinstance(focused, ProposalBlock) and focused.proposal_id == "p-0000000002"
        await pilot.press("y")
        await pilot.pause()
        assert decisions(ws)[-1] == ("p-0000000002", Decision("approve"))


async def test_new_proposal_notifies_names_agent_and_rings_when_asked(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.user_config = FakeUserConfig(bell=True)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        ws.add_proposal(command_proposal("frontend-architect", "npm test"))
        await pilot.pause()
        assert "frontend-architect needs you: Bash: npm test" in app.note_text()
        assert app.bells == 1
        strip = app.screen.query_one(AgentStrip).render().plain
        assert "frontend-architect ● needs you (1)" in strip
        assert "1 pending" in plain(app.screen.query_one("#summary", Static))
        # the agent on screen gets no toast (its block is visible) but still the bell
        ws.add_proposal(
            edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER, pid="p-3")
        )
        await pilot.pause()
        assert "backend-architect needs you" not in app.note_text()
        assert app.bells == 2


async def test_stale_proposal_says_so_and_offers_rediff(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    proposal = ws.add_proposal(edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER))
    fresh = edit_proposal(
        "backend-architect", "backend/app.py", BEFORE + "# edited\n", AFTER, pid="p-fresh"
    )
    ws.rediff_result = fresh
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        review = app.screen
        assert isinstance(review, ReviewScreen)
        stale = review.query_one("#review-stale", Static)
        assert not stale.display
        proposal.state = "stale"
        ws.bus.emit(ProposalFailed("backend-architect", proposal.id, "changed", stale=True))
        await pilot.pause()
        assert stale.display and "Press R to re-diff" in plain(stale)
        await pilot.press("y")  # approving a stale diff is refused
        assert decisions(ws) == []
        await pilot.press("R")
        await pilot.pause()
        assert ("rediff", proposal.id) in ws.calls
        assert not stale.display
        assert review.proposal.id == "p-fresh"
        await pilot.press("y")
        await pilot.pause()
        assert decisions(ws) == [("p-fresh", Decision("approve"))]


async def test_rediff_impossible_is_explained(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    proposal = edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    proposal.state = "stale"
    ws.add_proposal(proposal)
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")  # stale: y opens the review instead of applying
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("R")
        await pilot.pause()
        assert "Cannot re-diff" in app.note_text()
        assert decisions(ws) == []


async def test_decide_failure_is_shown_not_fatal(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER))

    async def broken(proposal_id: str, decision: Decision) -> None:
        raise OSError("disk full [/bold]")

    ws.decide = broken  # type: ignore[method-assign]
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "Could not approve: disk full [/bold]" in app.note_text()
        assert isinstance(app.screen, MainScreen)


async def test_created_event_for_unknown_agent_is_harmless(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ws.bus.emit(ProposalCreated("ghost", "p-x", "Bash", "ls"))
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_y_on_a_changed_file_opens_the_review_to_rediff(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    proposal = ws.add_proposal(edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER))
    ws.stale[proposal.id] = ["backend/app.py"]
    ws.rediff_result = edit_proposal(
        "backend-architect", "backend/app.py", BEFORE + "# mine\n", AFTER + "# mine\n"
    )
    app = RecordingDesk(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert decisions(ws) == []
        stale = review.query_one("#review-stale", Static)
        await until(pilot, lambda: bool(stale.display))
        assert "backend/app.py changed since this diff" in plain(stale)
        await pilot.press("R")
        await until(pilot, lambda: not stale.display)
        await pilot.press("y")
        await until(pilot, lambda: bool(decisions(ws)))
        assert decisions(ws) == [(proposal.id, Decision("approve"))]


async def test_an_approval_holds_the_pane_until_the_change_is_applied(tmp_path: Path) -> None:
    """Between y and the apply the pane draws nothing new (a frame there would only say
    'approved' and slow the write down); the applied event shows everything at once."""
    from agents.events import ProposalApplied, ProposalDecided, StateChanged

    ws = make_workspace(tmp_path)
    proposal = edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    ws.add_proposal(proposal)

    async def slow_decide(proposal_id: str, decision: Decision) -> None:
        ws.calls.append(("decide", proposal_id, decision))
        ws.bus.emit(StateChanged("backend-architect", "working"))
        ws.bus.emit(ProposalDecided("backend-architect", proposal_id, "approve"))

    ws.decide = slow_decide  # type: ignore[method-assign]
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        block = screen.query_one(ProposalBlock)
        await pilot.press("y")
        await pilot.pause()
        assert screen.holds and block.border_subtitle.startswith("needs you")
        proposal.state = "applied"
        ws.bus.emit(ProposalApplied("backend-architect", proposal.id, proposal.paths))
        await until(pilot, lambda: not screen.holds)
        assert block.border_subtitle == "applied"
        assert "nothing pending" in plain(screen.query_one("#summary", Static))


async def test_a_hold_ends_by_itself_when_the_apply_is_slow(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    proposal = edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    ws.add_proposal(proposal)

    async def decide_only(proposal_id: str, decision: Decision) -> None:
        proposal.state = "approved"  # the engine is still writing (a long command, say)

    ws.decide = decide_only  # type: ignore[method-assign]
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("y")
        await pilot.pause()
        await until(pilot, lambda: not screen.holds)  # APPLY_HOLD_S later
        assert screen.query_one(ProposalBlock).border_subtitle == "approved"


async def test_a_failed_decision_releases_the_hold_and_says_why(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.add_proposal(edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER))

    async def broken(proposal_id: str, decision: Decision) -> None:
        raise RuntimeError("queue is gone")

    ws.decide = broken  # type: ignore[method-assign]
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("y")
        await until(pilot, lambda: "queue is gone" in app.note_text())
        assert not screen.holds


async def test_next_pending_reveals_a_proposal_older_than_what_is_mounted(
    tmp_path: Path,
) -> None:
    from tests.tui.fake_workspace import FakeEntry

    ws = make_workspace(tmp_path)
    ws.add_proposal(edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER))
    rt = ws.runtime("backend-architect")
    rt.entries.extend(FakeEntry("notice", f"later line {i}") for i in range(600))
    app = RecordingDesk(ws)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transcript = screen.pane(0).transcript
        assert not transcript.query(ProposalBlock)  # 600 entries newer than it: not mounted
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: isinstance(screen.focused, ProposalBlock))
        focused = screen.focused
        assert isinstance(focused, ProposalBlock) and focused.proposal_id == "p-0000000001"
        await pilot.press("y")
        await until(pilot, lambda: len(decisions(ws)) == 1)
