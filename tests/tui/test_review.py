"""The review screen: unified and side-by-side diffs, hunks, editing before applying,
always-allow, the command view, and the Domain check and risk flags stated in words."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from agents.proposal import Decision
from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeWorkspace, command_proposal, edit_proposal
from tests.tui.helpers import RecordingDesk, plain
from tui.screens.main import MainScreen
from tui.screens.review import ReviewScreen

BEFORE = "".join(f"line {i}\n" for i in range(1, 21))
AFTER = BEFORE.replace("line 2\n", "line two\n").replace("line 18\n", "line eighteen\n")


def decisions(ws: FakeWorkspace) -> list[tuple[str, Decision]]:
    return [(c[1], c[2]) for c in ws.calls if c[0] == "decide"]


async def open_review(
    tmp_path: Path, proposal: object, size: tuple[int, int] = (160, 48)
) -> tuple[FakeWorkspace, RecordingDesk]:
    ws = make_workspace(tmp_path)
    ws.add_proposal(proposal)  # type: ignore[arg-type]
    return ws, RecordingDesk(ws)


def body_text(review: ReviewScreen) -> str:
    return "\n".join(plain(s) for s in review.query("#review-body Static").results(Static))


async def test_unified_and_split_views(tmp_path: Path) -> None:
    ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        text = body_text(review)
        assert "hunk 1  @@ -1,5 +1,5 @@" in text and "hunk 2" in text
        assert "    2       -line 2" in text
        assert "          2 +line two" in text
        checks = plain(review.query_one("#review-checks", Static))
        assert "✓ in Domain: backend/app.py" in checks
        await pilot.press("d")
        await pilot.pause()
        sides = review.query(".split-side").results(Static)
        left, right = (plain(s) for s in sides)
        assert "line 2" in left and "line two" not in left
        assert "line two" in right
        # rows line up: the changed line is on the same row on both sides
        left_rows, right_rows = left.split("\n"), right.split("\n")
        assert len(left_rows) == len(right_rows)
        row = next(i for i, r in enumerate(left_rows) if r.endswith("line 2"))
        assert right_rows[row].endswith("line two")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert decisions(ws) == []


async def test_syntax_highlighting_adds_styles_not_text(tmp_path: Path) -> None:
    before = "def app():\n    return 'OLD'\n"
    after = "def app():\n    return 'NEW'\n"
    _ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", before, after)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        unified = review.query_one(".unified", Static)
        content = unified.visual
        assert "return 'NEW'" in content.plain  # type: ignore[union-attr]
        plain_text = content.plain  # type: ignore[union-attr]
        keyword = plain_text.index("def")
        styles = {
            str(span.style)
            for span in content.spans  # type: ignore[union-attr]
            if span.start <= keyword < span.end
        }
        assert "$text-accent" in styles  # the keyword is highlighted


async def test_approve_some_hunks(tmp_path: Path) -> None:
    ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("r", "h")
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.selecting
        assert "[x] hunk 1" in body_text(review) and "[x] hunk 2" in body_text(review)
        await pilot.press("space")
        assert "[ ] hunk 1" in body_text(review)
        await pilot.press("j", "space")  # drop hunk 2 too: nothing left to apply
        await pilot.press("y")
        assert "No hunk selected" in app.note_text() and decisions(ws) == []
        await pilot.press("space", "y")  # keep hunk 2 only
        await pilot.pause()
        assert decisions(ws) == [
            ("p-0000000001", Decision("approve", hunks={"backend/app.py": [1]}))
        ]


async def test_all_hunks_kept_is_a_plain_approval(tmp_path: Path) -> None:
    ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "h", "y")
        await pilot.pause()
        assert decisions(ws) == [("p-0000000001", Decision("approve"))]


async def test_edit_inline_before_applying(tmp_path: Path) -> None:
    ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("r", "e")
        review = app.screen
        assert isinstance(review, ReviewScreen)
        editor = review.query_one(TextArea)
        assert editor.text == AFTER
        await pilot.press("y")  # typing in the editor never approves
        assert decisions(ws) == []
        editor.text = AFTER.replace("line eighteen", "line 18, mine")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "line 18, mine" in body_text(review)
        await pilot.press("y")
        await pilot.pause()
        expected = AFTER.replace("line eighteen", "line 18, mine")
        assert decisions(ws) == [
            ("p-0000000001", Decision("approve", edited={"backend/app.py": expected}))
        ]


async def test_escape_drops_an_inline_edit(tmp_path: Path) -> None:
    ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "e")
        app.screen.query_one(TextArea).text = "nope\n"
        await pilot.press("escape")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert not review.query(TextArea) and review.edited == {}
        await pilot.press("y")
        await pilot.pause()
        assert decisions(ws) == [("p-0000000001", Decision("approve"))]


async def test_edit_in_external_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import os, sys\n"
        "p = sys.argv[1]\n"
        "leak = os.environ.get('ANTHROPIC_API_KEY', '')\n"
        "open(p, 'a').write('# edited outside' + leak + '\\n')\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-canary")
    ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "E")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        expected = AFTER + "# edited outside\n"  # the key never reached the editor
        assert decisions(ws) == [
            ("p-0000000001", Decision("approve", edited={"backend/app.py": expected}))
        ]


async def test_failing_external_editor_drops_the_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "failing_editor.py"  # changes the file, then fails: the change is dropped
    script.write_text("import sys\nopen(sys.argv[1], 'a').write('# half done\\n')\nsys.exit(3)\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    _ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", BEFORE, AFTER)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "E")
        await pilot.pause()
        assert "exited with 3" in app.note_text()
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.edited == {}


async def test_always_allow(tmp_path: Path) -> None:
    ws, app = await open_review(tmp_path, command_proposal("backend-architect", "npm test"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "a")
        await pilot.pause()
        assert decisions(ws) == [("p-0000000002", Decision("approve", always=True))]


async def test_destructive_cannot_be_always_allowed(tmp_path: Path) -> None:
    ws, app = await open_review(
        tmp_path, command_proposal("backend-architect", "git push --force", flags=("destructive",))
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "a")
        assert "cannot be always allowed" in app.note_text()
        assert decisions(ws) == []
        await pilot.press("y", *"approve", "enter")
        await pilot.pause()
        assert decisions(ws) == [("p-0000000002", Decision("approve", confirmed_destructive=True))]


async def test_reject_from_review(tmp_path: Path) -> None:
    ws, app = await open_review(tmp_path, command_proposal("backend-architect", "npm test"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "n", *"not now", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert decisions(ws) == [("p-0000000002", Decision("reject", reason="not now"))]


async def test_command_shown_exactly_with_hidden_characters(tmp_path: Path) -> None:
    command = "echo ok\rrm -rf ~ \u202e\x1b[2J"
    _ws, app = await open_review(
        tmp_path, command_proposal("backend-architect", command, flags=("hidden_chars",))
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        review = app.screen
        text = body_text(review)
        assert "$ echo ok␍rm -rf ~ <U+202E>␛[2J" in text
        assert "hidden or control characters" in text
        assert "\x1b" not in text and "\r" not in text
        checks = plain(review.query_one("#review-checks", Static))
        assert "Bash is not confined to the Domain" in checks
        # hunks and editing make no sense for a command
        await pilot.press("h", "e", "d")
        assert not review.query(TextArea)


async def test_outside_domain_and_flags_stated_in_words(tmp_path: Path) -> None:
    _ws, app = await open_review(
        tmp_path,
        edit_proposal(
            "backend-architect",
            "frontend/App.tsx",
            "a\n",
            "b\n",
            flags=("outside_domain", "dirty", "after_untrusted_read"),
        ),
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        checks = plain(app.screen.query_one("#review-checks", Static))
        assert "✗ outside Domain: frontend/App.tsx" in checks
        assert "⚠ outside the agent's Domain" in checks
        assert "⚠ the file has uncommitted changes of yours" in checks
        assert "⚠ follows a read of untrusted content" in checks


async def test_bidi_in_diff_is_visible(tmp_path: Path) -> None:
    before = "access = 'user'\n"
    after = "access = 'user\u202e \u2066// admin\u2069'\n"
    _ws, app = await open_review(
        tmp_path, edit_proposal("backend-architect", "backend/app.py", before, after)
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        text = body_text(app.screen)  # type: ignore[arg-type]
        assert "<U+202E>" in text and "<U+2066>" in text and "<U+2069>" in text
        assert "\u202e" not in text
        await pilot.press("e")  # hidden characters: no inline editor
        assert not app.screen.query(TextArea)
        assert "hidden or control characters" in app.note_text()
