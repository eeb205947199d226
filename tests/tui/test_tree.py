"""The Domain tree: only what the active agent's Domain can hold, .gitignore respected, badges
for pending / applied / modified files, lazy loading, and selecting a file shows it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeRuntime, edit_proposal, make_definition
from tests.tui.helpers import RecordingDesk, plain, until
from tui.screens.file_view import FileScreen, read_for_view
from tui.screens.main import MainScreen
from tui.widgets.domain_tree import DomainTree


async def loaded(pilot: object, tree: DomainTree, node: object = None) -> list[str]:
    target = node or tree.root
    for _ in range(60):
        await pilot.pause(0.02)  # type: ignore[attr-defined]
        if target.children:  # type: ignore[attr-defined]
            break
    return [n.label.plain for n in target.children]  # type: ignore[attr-defined]


async def test_tree_shows_only_the_domain_and_respects_gitignore(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    (ws.root / ".claude" / "agents").mkdir(parents=True)
    (ws.root / ".claude" / "agents" / "card.tsx").write_text("x")  # protected, even for *.tsx
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(DomainTree)
        assert await loaded(pilot, tree) == ["backend"]
        backend = tree.root.children[0]
        backend.expand()
        names = await loaded(pilot, tree, backend)
        assert names == ["routes", "app.py"]  # build/ is ignored
        title = plain(app.screen.query_one("#tree-title", Static))
        assert "Domain · backend-architect" in title and "backend/ src/api/" in title
        await pilot.press("2")
        await pilot.pause(0.2)
        names = await loaded(pilot, tree)
        assert "frontend" in names and ".gitignore" not in names and "PROGRESS.md" not in names
        assert ".claude" not in names


async def test_tree_badges(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.status = {"backend/app.py": "modified", "backend/routes/users.py": "applied"}
    ws.add_proposal(
        edit_proposal("backend-architect", "backend/routes/users.py", "a\n", "b\n"), emit=False
    )
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(DomainTree)
        await loaded(pilot, tree)
        for _ in range(40):
            await pilot.pause(0.02)
            if tree.badges:
                break
        assert tree.badges["backend/app.py"] == "modified"
        assert tree.badges["backend/routes/users.py"] == "pending"  # pending wins
        assert tree.badges["backend"] == "pending"  # folders carry the strongest mark
        backend = tree.root.children[0]
        backend.expand()
        await loaded(pilot, tree, backend)
        app_node = next(n for n in backend.children if n.label.plain == "app.py")
        label = tree.render_label(app_node, tree.rich_style, tree.rich_style)
        assert label.plain.endswith(" M")


async def test_agent_without_domain(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.runtimes.append(FakeRuntime(make_definition("reviewer", [])))
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause(0.2)
        title = plain(app.screen.query_one("#tree-title", Static))
        assert "No Domain: reviewer cannot write files." in title
        assert len(app.screen.query_one(DomainTree).root.children) == 0


async def test_selecting_a_file_shows_it(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(DomainTree)
        await loaded(pilot, tree)
        backend = tree.root.children[0]
        backend.expand()
        await loaded(pilot, tree, backend)
        app_node = next(n for n in backend.children if n.label.plain == "app.py")
        tree.focus()
        tree.move_cursor(app_node)
        await pilot.press("enter")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, FileScreen) and screen.rel == "backend/app.py"
        assert "return 'OLD'" in plain(screen.query_one("#file-text", Static))
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


def test_read_for_view_refuses_binary_and_caps_size(tmp_path: Path) -> None:
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"ab\x00cd")
    assert read_for_view(binary) == ("", "binary file: not shown")
    big = tmp_path / "big.txt"
    big.write_text("x" * (600 * 1024))
    text, problem = read_for_view(big)
    assert problem is None and text.endswith("(only the first 512 KiB are shown)")
    assert read_for_view(tmp_path / "missing")[1] is not None


def test_tree_lists_nothing_before_mount(tmp_path: Path) -> None:
    """Constructing the tree (first frame) does not read the repository."""
    ws = make_workspace(tmp_path)
    tree = DomainTree(ws.root)
    assert len(tree.root.children) == 0 and tree.gitignore._spec is None


async def test_applied_but_uncommitted_until_the_commit_lands(tmp_path: Path) -> None:
    from agents.events import Committed, ProposalApplied

    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(DomainTree)
        await loaded(pilot, tree)
        ws.status = {"backend/app.py": "modified"}
        ws.bus.emit(ProposalApplied("backend-architect", "p-1", ("backend/app.py",)))
        for _ in range(50):
            await pilot.pause(0.02)
            if tree.badges.get("backend/app.py") == "applied":
                break
        assert tree.badges["backend/app.py"] == "applied"
        ws.bus.emit(Committed("backend-architect", "p-1", "abc123", ("backend/app.py",)))
        for _ in range(50):
            await pilot.pause(0.02)
            if tree.badges.get("backend/app.py") == "modified":
                break
        assert tree.badges["backend/app.py"] == "modified"


async def test_one_commit_for_a_whole_turn_clears_every_applied_badge(tmp_path: Path) -> None:
    """commit_mode 'turn' names every proposal of the turn in one Committed ("p-1,p-2")."""
    from agents.events import Committed, ProposalApplied

    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        ws.bus.emit(ProposalApplied("backend-architect", "p-1", ("backend/a.py",)))
        ws.bus.emit(ProposalApplied("backend-architect", "p-2", ("backend/b.py",)))
        await until(pilot, lambda: len(screen.uncommitted) == 2)  # type: ignore[attr-defined]
        ws.bus.emit(Committed("backend-architect", "p-1,p-2", "abc123", ("backend/a.py",)))
        await until(pilot, lambda: not screen.uncommitted)  # type: ignore[attr-defined]


async def test_a_commit_that_lands_while_the_pane_is_held_is_not_lost(tmp_path: Path) -> None:
    from agents.events import Committed, ProposalApplied

    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        ws.bus.emit(ProposalApplied("backend-architect", "p-1", ("backend/a.py",)))
        await until(pilot, lambda: bool(screen.uncommitted))  # type: ignore[attr-defined]
        screen.hold(0)  # type: ignore[attr-defined]  # the next approval is being written
        ws.bus.emit(Committed("backend-architect", "p-1", "abc123", ("backend/a.py",)))
        await until(pilot, lambda: not screen.uncommitted)  # type: ignore[attr-defined]
        assert screen.holds  # type: ignore[attr-defined]
