"""The minimal-diff writer: exact output for each edit, and its refusals."""

from __future__ import annotations

from datetime import datetime

import pytest

from agents.progress import parse_progress
from agents.progress_edit import (
    add_blocker,
    add_blocker_with_id,
    mark_complete,
    resolve_blocker,
    set_setup_section,
)

WHEN = datetime(2026, 11, 26, 14, 2)


def test_mark_complete_keeps_a_description_and_drops_status_words() -> None:
    text = "## Phase 1: Dev\n* [ ] @qa: e2e suite\n- [ ] @be - pending\n"
    text += "1. [ ] @fe - COMPLETE (2024-01-01 10:00) - forms\n"
    for agent in ("qa", "@be", "FE"):
        text = mark_complete(text, agent, [], WHEN)
    assert text == (
        "## Phase 1: Dev\n"
        "* [x] @qa - COMPLETE (2026-11-26 14:02) — e2e suite\n"
        "- [x] @be - COMPLETE (2026-11-26 14:02)\n"
        "1. [x] @fe - COMPLETE (2026-11-26 14:02) — forms\n"
    )


def test_mark_complete_appends_to_the_last_phase() -> None:
    text = "## Phase 1: A\n- [x] @a - COMPLETE\n\n## Phase 2: B\n- [ ] @b\n  - note\n\nTail\n"
    assert mark_complete(text, "a", ["again"], WHEN) == (
        "## Phase 1: A\n- [x] @a - COMPLETE\n\n## Phase 2: B\n- [ ] @b\n  - note\n"
        "- [x] @a - COMPLETE (2026-11-26 14:02)\n  - again\n\nTail\n"
    )
    empty_phase = "## Phase 3: C\nprose\n"
    assert mark_complete(empty_phase, "a", [], WHEN) == (
        "## Phase 3: C\n- [x] @a - COMPLETE (2026-11-26 14:02)\nprose\n"
    )


def test_mark_complete_creates_the_phase_before_blockers() -> None:
    text = "# Progress\r\n\r\n## Blockers\r\n- None.\r\n"
    assert mark_complete(text, "qa", ["done\nreally"], WHEN) == (
        "# Progress\r\n\r\n## Phase 1: Development\r\n"
        "- [x] @qa - COMPLETE (2026-11-26 14:02)\r\n  - done\r\n  - really\r\n\r\n"
        "## Blockers\r\n- None.\r\n"
    )
    assert mark_complete("", "qa", [], WHEN) == (
        "## Phase 1: Development\n- [x] @qa - COMPLETE (2026-11-26 14:02)\n"
    )
    assert mark_complete("intro", "qa", [], WHEN) == (
        "intro\n\n## Phase 1: Development\n- [x] @qa - COMPLETE (2026-11-26 14:02)"
    )


def test_add_blocker_placements() -> None:
    assert add_blocker("# P\n", "qa", "need a URL") == "# P\n\n## Blockers\n- @qa: need a URL\n"
    assert add_blocker("## Blockers\n- None.\n\n## Next\n", "qa", "x") == (
        "## Blockers\n- @qa: x\n\n## Next\n"
    )
    after_context = "## Blockers\n- @a: one\n  - context\n- @b: two\n  - more\n\n## Next\n"
    assert add_blocker(after_context, "qa", "three") == (
        "## Blockers\n- @a: one\n  - context\n- @b: two\n  - more\n- @qa: three\n\n## Next\n"
    )
    template = "## Blockers\n\n<!-- what blocks you -->\n\n| Task | Needs |\n|--|--|\n| | |\n"
    assert add_blocker(template, "qa", "x").startswith(
        "## Blockers\n\n- @qa: x\n\n<!-- what blocks you -->\n"
    )


def test_add_blocker_ids_follow_duplicates_and_one_line_text() -> None:
    text, first = add_blocker_with_id("", "qa", "same")
    text, second = add_blocker_with_id(text, "qa", "same")
    assert second == first + "-2"
    text, third = add_blocker_with_id(text, "qa", "multi\nline\r\n  text\u2028")
    assert [b.text for b in parse_progress(text).blockers][-1] == "multi line text"
    assert third in {b.id for b in parse_progress(text).blockers}


def test_resolve_multi_line_and_again() -> None:
    text, bid = add_blocker_with_id("## Blockers\r\n- @a: first\r\n", "qa", "creds")
    once = resolve_blocker(text, bid, "use the tenant\n\n  and rotate  \n", WHEN)
    assert once == (
        "## Blockers\r\n- @a: first\r\n"
        "- ~~@qa: creds~~ RESOLVED (2026-11-26 14:02): use the tenant\r\n  >   and rotate\r\n"
    )
    (_, got) = parse_progress(once).blockers
    assert (got.id, got.state, got.answer) == (bid, "resolved", "use the tenant\n  and rotate")
    twice = resolve_blocker(once, bid, "never mind", datetime(2026, 11, 27, 9, 0))
    assert twice.endswith("- ~~@qa: creds~~ RESOLVED (2026-11-27 09:00): never mind\r\n")
    bare = resolve_blocker(text, bid, "   ", WHEN)
    assert bare.endswith("- ~~@qa: creds~~ RESOLVED (2026-11-26 14:02)\r\n")
    assert parse_progress(bare).blockers[1].answer is None


def test_resolve_refusals() -> None:
    with pytest.raises(KeyError):
        resolve_blocker("## Blockers\n- @a: b\n", "b-000000", "x", WHEN)


def test_table_rows_resolve_in_place() -> None:
    table = "## Blockers\n| Task | Needs |\n|--|--|\n|  T-1|creds \\| keys |\n| | |\n"
    (row,) = parse_progress(table).blockers
    assert row.text == "T-1 | creds | keys"
    out = resolve_blocker(table, row.id, "use vault | ops\nnow", WHEN)
    assert out.splitlines()[3] == (
        "| ~~T-1~~ RESOLVED (2026-11-26 14:02): use vault \\| ops now | creds \\| keys |"
    )
    (got,) = parse_progress(out).blockers
    assert (got.id, got.state, got.answer) == (row.id, "resolved", "use vault | ops now")
    again = resolve_blocker(out, row.id, "", WHEN)
    assert again.splitlines()[3] == "| ~~T-1~~ RESOLVED (2026-11-26 14:02) | creds \\| keys |"
    assert out.splitlines()[:3] + out.splitlines()[4:] == [*table.splitlines()[:3], "| | |"]


def test_agentless_and_known_agent_blockers_resolve_in_place() -> None:
    text = "## Blockers\n- @dependency: consent screen\n- @codex: review\n"
    doc = parse_progress(text, known_agents=["qa"])
    first, second = doc.blockers
    out = resolve_blocker(text, second.id, "done", WHEN, known_agents=["qa"])
    assert out.splitlines()[2] == "- ~~@codex: review~~ RESOLVED (2026-11-26 14:02): done"
    assert parse_progress(out, known_agents=["qa"]).blockers[1].id == second.id
    out = resolve_blocker(text, first.id, "ok", WHEN)
    assert parse_progress(out).blockers[0].state == "resolved"


def test_setup_section_replaced_in_place() -> None:
    text = (
        "## Phase 1: Dev\n- [ ] @be\n\n### Backend Setup Instructions\n- old step\n"
        "#### Details\nold details\n\n\n## Blockers\n- None.\n"
    )
    out = set_setup_section(text, "be", "Backend Setup Instructions", "- Run: `npm i`\n")
    assert out == (
        "## Phase 1: Dev\n- [ ] @be\n\n### Backend Setup Instructions\n<!-- by @be -->\n"
        "- Run: `npm i`\n\n\n## Blockers\n- None.\n"
    )
    added = set_setup_section("## Phase 1: Dev\n\n## Blockers\n", "fe", "Frontend Setup", "npm")
    assert added == ("## Phase 1: Dev\n\n### Frontend Setup\n<!-- by @fe -->\nnpm\n\n## Blockers\n")


def test_refusals_for_bad_arguments() -> None:
    for bad in ("", "two words", "../x", "a/b", "@"):
        with pytest.raises(ValueError):
            mark_complete("", bad, [], WHEN)
        with pytest.raises(ValueError):
            add_blocker("", bad, "x")
    with pytest.raises(ValueError):
        add_blocker("", "qa", " \n\t ")
    for title in ("", "  #  ", "Blockers", "🚧 Blockers", "Phase 2: Sneaky"):
        with pytest.raises(ValueError):
            set_setup_section("", "qa", title, "x")
