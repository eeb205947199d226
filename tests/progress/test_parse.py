"""The PROGRESS.md model on the seed's format and on what people really write."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.progress import MAX_BYTES, ProgressFile, parse_progress, parse_progress_bytes

SEED = """\
# Progress

## Phase 1: Development
- [x] @backend-architect - COMPLETE (2024-01-06 14:23)
  - API endpoints implemented
  - Database migrations created
  - Unit tests passing
- [ ] @frontend-architect

### Backend Setup Instructions
- Run: `cd backend && npm install`
- Start: `npm run dev`

## Blockers
- @backend-architect: Waiting for @database-architect to create migration for users table
- @backend-architect: Need OAuth client credentials from user
"""


def test_seed_format() -> None:
    doc = parse_progress(SEED)
    (phase,) = doc.phases
    assert (phase.title, phase.line) == ("Phase 1: Development", 3)
    done, todo = phase.items
    assert done.agent == "backend-architect" and done.done
    assert done.timestamp == "2024-01-06 14:23"
    assert done.notes == (
        "API endpoints implemented",
        "Database migrations created",
        "Unit tests passing",
    )
    assert done.text == "@backend-architect - COMPLETE (2024-01-06 14:23)"
    assert (todo.agent, todo.done, todo.timestamp, todo.line) == (
        "frontend-architect",
        False,
        None,
        8,
    )
    assert [b.text for b in doc.blockers] == [
        "Waiting for @database-architect to create migration for users table",
        "Need OAuth client credentials from user",
    ]
    assert {b.agent for b in doc.blockers} == {"backend-architect"}
    assert [b.line for b in doc.blockers] == [15, 16]
    assert all(b.state == "open" and b.answer is None for b in doc.blockers)
    setup = next(s for s in doc.sections if s.title == "Backend Setup Instructions")
    assert setup.body == "- Run: `cd backend && npm install`\n- Start: `npm run dev`\n"
    assert doc.agent_done("backend-architect") is True
    assert doc.agent_done("@frontend-architect") is False
    assert doc.agent_done("delivery-lead") is None
    assert len(doc.open_blockers()) == 2
    assert doc.warnings == () and doc.exists and doc.text == SEED


def test_blocker_ids_are_stable_and_distinct() -> None:
    text = "## Blockers\n- @a: same\n- @a: same\n- @b: same\n- same\n"
    first = [b.id for b in parse_progress(text).blockers]
    moved = [b.id for b in parse_progress("# Title\n\nintro\n\n" + text).blockers]
    assert first == moved
    assert len(set(first)) == 4
    assert first[1] == first[0] + "-2"
    assert all(i.startswith("b-") for i in first)


def test_tolerates_what_people_write() -> None:
    text = (
        "# Team\r\n\r\n"
        "### ✅ Phase 2 — Polish\r\n"
        "* [x] @qa-engineer: tests green\r\n"
        "+ [X] **@devops-engineer** - COMPLETE\r\n"
        "1. [ ] plain task without agent\r\n"
        "- [/] @backend-architect in progress\r\n"
        "\r\n"
        "#### 🚧 Blockers\r\n"
        "* blocker without an agent\r\n"
        "- **@qa-engineer**: needs a staging URL   \r\n"
    )
    doc = parse_progress(text)
    (phase,) = doc.phases
    assert phase.title == "✅ Phase 2 — Polish"
    items = phase.items
    assert [i.agent for i in items] == ["qa-engineer", "devops-engineer", None, "backend-architect"]
    assert [i.done for i in items] == [True, True, False, False]
    assert all(i.timestamp is None for i in items)
    assert items[2].text == "plain task without agent"
    assert [(b.agent, b.text) for b in doc.blockers] == [
        (None, "blocker without an agent"),
        ("qa-engineer", "needs a staging URL"),
    ]


def test_placeholders_are_not_blockers() -> None:
    for line in ("- None", "- None.", "- _None yet_", "* N/A", "- (none)", "- No blockers", "-"):
        assert parse_progress(f"## Blockers\n{line}\n").blockers == (), line
    assert len(parse_progress("## Blockers\n- None of the fixtures load\n").blockers) == 1


def test_traps_from_real_files() -> None:
    scoped = parse_progress("## Blockers\n- @headlessui/react not installed\n").blockers
    assert [(b.agent, b.text) for b in scoped] == [(None, "@headlessui/react not installed")]
    tags = parse_progress("## Blockers\n- @dependency: consent screen\n- @blocked-by: image\n")
    assert [b.agent for b in tags.blockers] == [None, None]
    heading = parse_progress("### Sprint #2 — First-Session Onboarding Blockers\n- @a: b\n")
    assert heading.blockers == ()
    history = parse_progress("## Phase History\n| Phase | Done |\n")
    assert history.phases == () and history.sections[0].title == "Phase History"


def test_known_agents_limit_mentions() -> None:
    text = "## Blockers\n- @codex: needs review\n- @backend-architect: creds\n"
    doc = parse_progress(text, known_agents=["backend-architect"])
    assert [b.agent for b in doc.blockers] == [None, "backend-architect"]
    assert doc.blockers[0].text == "@codex: needs review"


def test_fences_and_comments_hold_no_structure() -> None:
    text = (
        "## Notes\n"
        "```markdown\n## Blockers\n- @backend-architect: example only\n```\n"
        "<!--\n## Blockers\n- @x: hidden\n-->\n"
        "## Blockers\n<!-- what blocks you -->\n- @qa: real one\n"
    )
    doc = parse_progress(text)
    assert [(b.agent, b.line) for b in doc.blockers] == [("qa", 12)]
    assert doc.warnings == ()


def test_unclosed_fence_warns() -> None:
    doc = parse_progress("## Phase 1: A\n```\n- [ ] @a\n")
    assert doc.warnings == ("code fence opened at line 2 is never closed",)
    assert doc.phases[0].items == ()


def test_resolved_forms_read_back() -> None:
    text = (
        "## Blockers\n"
        "- ~~@a: Need creds~~ RESOLVED (2026-11-26 14:02): use the test tenant\n"
        "  > and rotate them after\n"
        "  - an unrelated note\n"
        "- [x] @b: ticked off\n"
        "- ~~plain struck~~ done by hand\n"
        "- ~~@c: odd \\~\\~ text~~ RESOLVED (2026-11-26 14:03)\n"
    )
    a, b, plain, c = parse_progress(text).blockers
    assert (a.agent, a.text, a.state) == ("a", "Need creds", "resolved")
    assert a.answer == "use the test tenant\nand rotate them after"
    assert (b.state, b.answer) == ("resolved", None)
    assert (plain.agent, plain.text, plain.answer) == (None, "plain struck", "done by hand")
    assert (c.text, c.answer) == ("odd ~~ text", None)
    assert parse_progress(text).open_blockers() == []


def test_table_blockers() -> None:
    text = (
        "## Blockers\n\n| Task | Blocked By | Needs |\n|------|-----|----|\n| | | |\n"
        "| T-004 | @backend-architect | DB creds |\n"
    )
    (blocker,) = parse_progress(text).blockers
    assert blocker.agent == "backend-architect"
    assert blocker.text == "T-004 | @backend-architect | DB creds"
    assert blocker.line == 6


def test_items_outside_phases_form_task_lists() -> None:
    text = (
        "## 📋 Active Tasks\n- [x] @architect: plan\n- [ ] @qa-engineer: tests\n\n## Notes\ntext\n"
    )
    doc = parse_progress(text)
    assert [p.title for p in doc.phases] == ["📋 Active Tasks"]
    assert [s.title for s in doc.sections] == ["Notes"]
    assert doc.agent_done("architect") is True
    before = parse_progress("- [ ] @a loose item\n# Title\n")
    assert before.phases[0].title == "" and before.phases[0].items[0].agent == "a"


def test_bytes_inputs() -> None:
    assert parse_progress_bytes(b"\xef\xbb\xbf## Blockers\n- @a: b\n").blockers[0].agent == "a"
    bad = parse_progress_bytes(b"## Blockers\n- @a: caf\xe9\n")
    assert not bad.usable and bad.warnings[0] == "PROGRESS.md is not valid UTF-8 (byte 21)"
    binary = parse_progress_bytes(b"\x7fELF\x00\x01")
    assert not binary.usable and "binary" in binary.warnings[0]
    huge = parse_progress_bytes(b"x" * (MAX_BYTES + 1))
    assert not huge.usable and "cap" in huge.warnings[0]
    assert parse_progress_bytes(b"").phases == ()


def test_progress_file_keeps_last_good_state(tmp_path: Path) -> None:
    path = tmp_path / "PROGRESS.md"
    file = ProgressFile(path)
    missing = file.load()
    assert (missing.exists, missing.warnings, missing.blockers) == (
        False,
        ("PROGRESS.md missing",),
        (),
    )
    path.write_text(SEED)
    good = file.load()
    assert good.usable and len(good.blockers) == 2 and file.current is good
    path.write_bytes(b"\x00\x01binary")
    kept = file.load()
    assert kept.blockers == good.blockers and not kept.usable
    assert kept.warnings == ("PROGRESS.md looks binary (NUL bytes); not read",)
    path.write_bytes(b"## Blockers\n- @a: \xff\n")
    assert file.load().blockers == good.blockers
    path.unlink()
    gone = file.load()
    assert not gone.exists and gone.warnings == ("PROGRESS.md missing",)
    assert gone.blockers == good.blockers
    path.mkdir()
    odd = file.load()
    assert odd.exists and odd.warnings[0].startswith("PROGRESS.md unreadable")
    assert file.current is odd


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_numbers_and_endings(newline: str) -> None:
    doc = parse_progress(SEED.replace("\n", newline))
    assert [b.line for b in doc.blockers] == [15, 16]
    assert not any("\r" in b.text for b in doc.blockers)
    assert "\r" not in doc.sections[-1].body
