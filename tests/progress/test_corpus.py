"""Real coordination files from public repositories (skipped when /work/shared is absent)."""

from __future__ import annotations

import difflib
from datetime import datetime
from pathlib import Path

import pytest

from agents.progress import ProgressDoc, parse_progress_bytes
from agents.progress_edit import add_blocker_with_id, mark_complete, resolve_blocker

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "progress"
WHEN = datetime(2026, 11, 26, 14, 2)


def _check_rovatar(doc: ProgressDoc) -> None:
    assert doc.blockers == ()  # "### Sprint #2 — First-Session Onboarding Blockers" is a trap
    assert [p.title for p in doc.phases] == ["Tasks"] * 4
    assert all(i.done and i.agent is None for p in doc.phases for i in p.items)
    assert doc.phases[0].items[0].text.startswith("S5c.1 — Bending-type")


def _check_doomien(doc: ProgressDoc) -> None:
    assert doc.blockers == ()  # a table whose only row is empty
    first = doc.phases[0].items[0]
    assert first.text == "T-001 Task description" and not first.done
    assert first.notes[0] == "Owner: [Agent]" and "[ ] Criterion 1" in first.notes


def _check_matayou(doc: ProgressDoc) -> None:
    assert doc.blockers == () and doc.phases == ()  # inline "**Blockers:** None" per agent
    assert any("Backend Engineer" in s.title for s in doc.sections)


def _check_mission(doc: ProgressDoc) -> None:
    assert doc.blockers == ()  # "## 🚧 Blockers" holding "- None."
    for agent in ("architect", "backend-lead", "frontend-lead", "qa-engineer"):
        assert doc.agent_done(agent) is True


def _check_claude_agent_team(doc: ProgressDoc) -> None:
    assert doc.blockers == ()
    assert [p.title for p in doc.phases][:3] == [
        "✅ Phase 1: Setup (COMPLETED)",
        "✅ Phase 2: Core Features (COMPLETED)",
        "✅ Phase 3: Polish (COMPLETED)",
    ]
    assert sum(len(p.items) for p in doc.phases[:3]) == 16
    assert doc.agent_done("frontend-architect") is None  # named in headings, not in items


def _check_elevate(doc: ProgressDoc) -> None:
    (blocker,) = doc.blockers
    assert blocker.agent is None  # @headlessui/react is an npm scope, not an agent
    assert blocker.text.startswith("@headlessui/react not installed")
    items = [i for p in doc.phases for i in p.items]
    assert (len(items), sum(i.done for i in items)) == (9, 7)


def _check_continuity(doc: ProgressDoc) -> None:
    assert [b.agent for b in doc.blockers] == [None, None]  # @dependency:, @blocked-by: tags
    assert doc.blockers[0].text.startswith("@dependency: Google Cloud consent screen")


EXPECT = {
    "Attalis-Capital__RoVatar__PROGRESS.md": _check_rovatar,
    "Doomien__AI_Agent_Dev_Docs__PROGRESS.md": _check_doomien,
    "Matayou__VisaOnTrack__AGENT_STATUS_BOARD.md": _check_matayou,
    "ValdVdC__SandboxAI__MISSION.md": _check_mission,
    "j-devops__claude-agent-team__PROGRESS.md": _check_claude_agent_team,
    "jplanetx__ElevateAI__FEATURE-DEV-002.md": _check_elevate,
    "performlikemj__nbhd-united__CONTINUITY_plan-google-oauth-mvp.md": _check_continuity,
}


def _read(name: str) -> bytes:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip("the shared corpus is not available")
    return path.read_bytes()


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_corpus_file_parses_as_expected(name: str) -> None:
    doc = parse_progress_bytes(_read(name))
    assert doc.usable and doc.warnings == ()
    EXPECT[name](doc)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_edits_on_real_files_touch_only_their_lines(name: str) -> None:
    text = _read(name).decode()
    before = text.splitlines(keepends=True)
    done = mark_complete(text, "qa-engineer", ["suite green"], WHEN)
    blocked, bid = add_blocker_with_id(done, "qa-engineer", "need staging creds")
    resolved = resolve_blocker(blocked, bid, "ask ops", WHEN)
    after = resolved.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    removed = [
        before[i]
        for tag, i1, i2, _j1, _j2 in matcher.get_opcodes()
        if tag != "equal"
        for i in range(i1, i2)
    ]
    assert len(removed) <= 2, removed  # an open "@qa-engineer" item, a "- None." placeholder
    assert len(after) - len(before) + len(removed) <= 8
