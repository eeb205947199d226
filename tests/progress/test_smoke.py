"""First end-to-end check of the model and the writer on the seed's own format."""

from __future__ import annotations

from datetime import datetime

from agents.progress import parse_progress
from agents.progress_edit import add_blocker_with_id, mark_complete, resolve_blocker

WHEN = datetime(2026, 11, 26, 14, 2)


def test_complete_block_resolve_round_trip() -> None:
    text = "## Phase 1: Development\n- [ ] @backend-architect\n\n## Blockers\n- None.\n"
    text = mark_complete(text, "backend-architect", ["API endpoints implemented"], WHEN)
    text, bid = add_blocker_with_id(text, "backend-architect", "Need OAuth creds")
    text = resolve_blocker(text, bid, "use the test tenant", WHEN)
    assert text == (
        "## Phase 1: Development\n"
        "- [x] @backend-architect - COMPLETE (2026-11-26 14:02)\n"
        "  - API endpoints implemented\n"
        "\n"
        "## Blockers\n"
        "- ~~@backend-architect: Need OAuth creds~~ RESOLVED (2026-11-26 14:02): "
        "use the test tenant\n"
    )
    doc = parse_progress(text)
    assert doc.agent_done("backend-architect") is True
    (blocker,) = doc.blockers
    assert (blocker.id, blocker.state, blocker.answer) == (bid, "resolved", "use the test tenant")
