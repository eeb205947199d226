"""Re-diff: the person refreshes a stale proposal, approves it, and the fresh diff is applied."""

from __future__ import annotations

import asyncio
from pathlib import Path

from agents.events import Event, ProposalApplied, ProposalFailed
from agents.proposal import Decision
from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import make_repo
from tests.engine.review_helpers import AGENT, EDIT, READ, one_agent, open_ws, until


async def test_approving_a_rediffed_proposal_applies_the_fresh_diff(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    app = repo / "backend" / "app.py"
    with ScriptedServer(one_agent({"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "ok"})) as srv:
        ws = open_ws(repo, srv, tmp_path / "home")
        events: list[Event] = []
        ws.bus.subscribe(events.append)
        await ws.start(watch=False)
        ws.send(AGENT, "make it NEW")
        await until(lambda: bool(ws.queue.pending(AGENT)))
        pending = ws.queue.pending(AGENT)[0]
        # The person edits the file meanwhile: the shown diff is stale.
        app.write_text('# header\ndef users():\n    return "OLD"\n')
        assert ws.stale_paths(pending.id) == ["backend/app.py"]
        fresh = await ws.rediff(pending.id)
        assert fresh is not None and ws.stale_paths(pending.id) == []
        await ws.decide(pending.id, Decision("approve"))
        rt = ws.runtime(AGENT)
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        assert app.read_text() == '# header\ndef users():\n    return "NEW"\n'
        assert not [e for e in events if isinstance(e, ProposalFailed)]
        assert [e.proposal_id for e in events if isinstance(e, ProposalApplied)] == [pending.id]
        assert ws.queue.get(pending.id).state == "applied"  # type: ignore[union-attr]
        await ws.close()
