"""The demo's scenario driven through the real engine (no desk): every part of the story
happens, whatever the person decides, and each approved change is its own commit."""

from __future__ import annotations

import shutil
from pathlib import Path

from agents import events as ev
from agents.demo import DEMO_KEY, DEMO_MODEL
from agents.demo_files import FILES
from tests.demo.harness import DemoRun, run_demo

HAS_PYTHON3 = shutil.which("python3") is not None


def commits_match_events(run: DemoRun) -> list[tuple[str, tuple[str, ...]]]:
    """Each Committed event is a commit by its agent holding exactly its paths."""
    seen = []
    for event in run.of(ev.Committed):
        assert isinstance(event, ev.Committed)
        author = run.git("show", "-s", "--format=%an", event.sha).strip()
        files = tuple(run.git("show", "--name-only", "--format=", event.sha).split())
        assert author == event.agent
        assert files == event.paths
        seen.append((event.agent, files))
    return seen


async def test_approving_everything_plays_the_whole_story(tmp_path: Path) -> None:
    run = await run_demo(tmp_path, delivery_task="check the shop")
    root = run.root
    # An in-Domain Edit, approved and applied.
    created = [(e.agent, e.summary) for e in run.of(ev.ProposalCreated)]  # type: ignore[attr-defined]
    assert ("backend-architect", "Edit backend/app.py (+8 −3)") in created
    app = (root / "backend" / "app.py").read_text()
    assert "def health() -> dict:" in app and "product_id), None)" in app
    # A command, approved and run.
    bash = [e for e in run.of(ev.ToolResult, "backend-architect") if e.tool == "Bash"]  # type: ignore[attr-defined]
    assert len(bash) == 1
    if HAS_PYTHON3:
        assert "Ran 3 tests" in bash[0].content and "Exit code: 0" in bash[0].content  # type: ignore[attr-defined]
    # A write outside the Domain, refused before anything reached the disk.
    denied = run.of(ev.ToolDenied, "backend-architect")
    assert len(denied) == 1 and "outside backend-architect's Domain" in denied[0].reason  # type: ignore[attr-defined]
    assert not (root / "frontend" / "src" / "health.ts").exists()
    assert any("refused the write" in t for t in run.texts["backend-architect"])
    # A blocker, answered; then both agents marked complete in PROGRESS.md.
    assert len(run.of(ev.BlockerRaised, "backend-architect")) == 1
    progress = (root / "PROGRESS.md").read_text()
    assert "~~@backend-architect: Which database" in progress
    assert "RESOLVED" in progress and "SQLite for now" in progress
    for agent in ("backend-architect", "frontend-architect", "delivery-lead"):
        assert f"- [x] @{agent} - COMPLETE" in progress, agent
    assert "get_product() returns None for an unknown id" in progress
    assert "### Checks" in progress
    # The frontend's component and page.
    component = (root / "frontend" / "src" / "ProductList.tsx").read_text()
    assert "key={index}" in component  # the first version, approved as it was
    assert "<ProductList />" in (root / "frontend" / "src" / "App.tsx").read_text()
    # The delivery lead's script, run.
    assert (root / "scripts" / "check.sh").is_file()
    # One commit per applied change, by the agent, with exactly its files.
    commits = commits_match_events(run)
    files = [f for _agent, f in commits]
    assert ("backend/app.py",) in files
    assert ("frontend/src/ProductList.tsx",) in files
    assert ("frontend/src/App.tsx",) in files
    assert ("scripts/check.sh",) in files
    applied = [e for e in run.of(ev.ProposalApplied) if e.paths]  # type: ignore[attr-defined]
    assert len(commits) == len(applied) == 9
    assert run.git("status", "--porcelain", "--untracked-files=no") == ""
    # Every request was the scripted model's, with the placeholder key.
    assert run.requests
    for request in run.requests:
        credential = request.headers.get("x-api-key") or request.headers.get("authorization")
        assert credential in (DEMO_KEY, f"Bearer {DEMO_KEY}")
        assert request.body["model"] == DEMO_MODEL
        assert request.headers["x-agentdesk-agent"] in (
            "backend-architect",
            "frontend-architect",
            "delivery-lead",
        )
    assert not any(e for e in run.of(ev.AgentError))
    assert all(
        t != "(scripted model: no more steps for this agent)"
        for ts in run.texts.values()
        for t in ts
    )


async def test_rejections_with_reasons_are_answered(tmp_path: Path) -> None:
    run = await run_demo(
        tmp_path,
        rejections={
            ("frontend-architect", "Write"): "use the product id as the key",
            ("backend-architect", "Edit"): "not today",
        },
    )
    root = run.root
    results = [e.content for e in run.of(ev.ToolResult, "frontend-architect")]  # type: ignore[attr-defined]
    assert any("Their reason: use the product id as the key" in r for r in results)
    assert any("index keys break" in t for t in run.texts["frontend-architect"])
    writes = [p for p, _d in run.decided if p.agent == "frontend-architect" and p.tool == "Write"]
    assert len(writes) == 2
    component = (root / "frontend" / "src" / "ProductList.tsx").read_text()
    assert "key={product.id}" in component and "key={index}" not in component
    assert "<ProductList />" in (root / "frontend" / "src" / "App.tsx").read_text()
    # The backend's edit was turned down: the file is as shipped, and its notes say so.
    assert (root / "backend" / "app.py").read_text() == FILES["backend/app.py"]
    assert any("leave `app.py` as it is" in t for t in run.texts["backend-architect"])
    progress = (root / "PROGRESS.md").read_text()
    assert "No code change: the fix for unknown ids was rejected in review" in progress
    assert "- [x] @frontend-architect - COMPLETE" in progress
    files = [f for _a, f in commits_match_events(run)]
    assert ("backend/app.py",) not in files
    assert files.count(("frontend/src/ProductList.tsx",)) == 1


async def test_the_story_ends_sensibly_when_everything_is_refused(tmp_path: Path) -> None:
    run = await run_demo(
        tmp_path,
        rejections={
            ("backend-architect", "Edit"): "no",
            ("backend-architect", "Bash"): "no",
            ("frontend-architect", "Write"): "no",
            ("delivery-lead", "Write"): "no",
        },
        answer=None,
        delivery_task="check the shop",
    )
    root = run.root
    # A second rejection of the frontend's revision: it stops and says what got in.
    frontend = run.texts["frontend-architect"]
    assert any("Thanks for the review" in t for t in frontend)
    assert any("revision" in t or "Revised" in t for t in frontend)
    progress = (root / "PROGRESS.md").read_text()
    assert "- [x] @frontend-architect - COMPLETE" in progress
    # Nothing of the backend's or delivery lead's reached the disk.
    assert (root / "backend" / "app.py").read_text() == FILES["backend/app.py"]
    assert not (root / "scripts").exists()
    assert any("no script for now" in t for t in run.texts["delivery-lead"])
    # The unanswered blocker keeps the backend waiting, not complete.
    assert "- [ ] @backend-architect" in progress
    assert "- @backend-architect: Which database" in progress
    assert run.texts["backend-architect"][-1].startswith("The question is under ## Blockers")
    assert not run.of(ev.AgentError)
