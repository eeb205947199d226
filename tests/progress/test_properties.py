"""Properties: the parser never raises and is fast; edits touch only the lines they mean to."""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import progress_syntax as sx
from agents.progress import ProgressDoc, parse_progress, parse_progress_bytes
from agents.progress_edit import (
    add_blocker_with_id,
    mark_complete,
    normalize_answer,
    resolve_blocker,
    set_setup_section,
)
from tests.progress.strategies import AGENTS, document, fragment

WHEN = datetime(2026, 11, 26, 14, 2)
STAMP = "2026-11-26 14:02"
BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85|\x0b|\x0c|\x1c|\x1d|\x1e")
# PROGRESS_FUZZ=<n> multiplies the examples for a deep run on demand.
DEEP = int(os.environ.get("PROGRESS_FUZZ", "1"))
FUZZ = settings(
    max_examples=100 * DEEP, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
EDITS = settings(
    max_examples=40 * DEEP, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _timed_parse(text: str) -> ProgressDoc:
    start = time.perf_counter()
    doc = parse_progress(text)
    assert time.perf_counter() - start < 0.5  # a generous bound: catches blow-ups, not noise
    return doc


@FUZZ
@given(st.text())
def test_any_text_parses(text: str) -> None:
    doc = _timed_parse(text)
    assert doc == parse_progress(text)  # idempotent: same input, same model
    _blockers_come_from_their_lines(text, doc)


@FUZZ
@given(st.binary())
def test_any_bytes_parse(data: bytes) -> None:
    doc = parse_progress_bytes(data)
    assert doc.usable or doc.warnings
    assert doc == parse_progress_bytes(data)


@EDITS
@given(document())
def test_generated_documents_parse(text: str) -> None:
    doc = _timed_parse(text)
    _blockers_come_from_their_lines(text, doc)
    lines = sx.split_lines(text)
    for phase in doc.phases:
        for it in phase.items:
            assert it.text in sx.content(lines[it.line - 1])
    lf = parse_progress(text.replace("\r\n", "\n"))  # line endings do not change the parse
    assert (lf.phases, lf.blockers) == (doc.phases, doc.blockers)


def _blockers_come_from_their_lines(text: str, doc: ProgressDoc) -> None:
    lines = sx.split_lines(text)
    for b in doc.blockers:
        line = sx.content(lines[b.line - 1])
        if line.lstrip().startswith("|"):
            assert all(cell in line for cell in b.text.split(" | "))
        else:
            assert b.text in line or b.text in sx.unescape_struck(line)


def _kept(old: str, new: str, allowed: set[int]) -> int:
    """Assert every old line outside ``allowed`` survives byte-identical and in order in ``new``.

    Returns how many lines of ``new`` are not such survivors (what the edit wrote). The old
    last line, when it had no ending, may gain one.
    """
    a, b = sx.split_lines(old), sx.split_lines(new)
    required = [(i, line) for i, line in enumerate(a) if i not in allowed]
    k = 0
    for line in b:
        if k < len(required):
            index, want = required[k]
            if line == want or (index == len(a) - 1 and sx.content(line) == want):
                k += 1
    assert k == len(required), f"old line {required[k][0]} lost: {required[k][1]!r}"
    return len(b) - len(required)


def _lost(old: str, new: str) -> list[str]:
    """Old lines (as contents) that no longer appear as often in ``new``."""
    gone = Counter(sx.content(x) for x in sx.split_lines(old))
    gone -= Counter(sx.content(x) for x in sx.split_lines(new))
    return list(gone.elements())


def _endings_kept(text: str, new: str) -> None:
    """Every line the edit wrote ends like the document's lines (the last may have none)."""
    nl = sx.newline_of(text)
    body = sx.split_lines(new)[:-1]
    if "\r\n" not in text:
        assert "\r\n" not in new.replace("\r\n", "", text.count("\r\n"))
    assert all(line.endswith(nl) or (line.endswith("\n") and nl not in text) for line in body) or (
        nl == "\r\n" and text.count("\n") != text.count("\r\n")
    )


def _same_blockers(before: ProgressDoc, after: ProgressDoc, skip: set[str]) -> None:
    def key(doc: ProgressDoc) -> list[tuple[object, ...]]:
        return [
            (b.id, b.agent, b.text, b.state, b.answer) for b in doc.blockers if b.id not in skip
        ]

    assert key(before) == key(after)


def _items(doc: ProgressDoc) -> list[tuple[object, ...]]:
    return [(i.agent, i.done, i.text, i.notes) for p in doc.phases for i in p.items]


@EDITS
@given(document(), st.sampled_from(AGENTS), st.lists(fragment, max_size=3))
def test_mark_complete_changes_only_its_item(text: str, agent: str, notes: list[str]) -> None:
    before = parse_progress(text)
    target = next((i for i in before.items_of(agent) if not i.done), None)
    new = mark_complete(text, agent, notes, WHEN)
    parts = [p.strip() for n in notes for p in BREAK.split(n) if p.strip()]
    written = _kept(text, new, {target.line - 1} if target else set())
    numbered = any(sx.is_phase_title(p.title) for p in before.phases)
    if target is not None or numbered:
        assert written == 1 + len(parts)
    else:
        assert 2 + len(parts) <= written <= 4 + len(parts)  # heading, item, blank lines
    _endings_kept(text, new)
    after = parse_progress(new)
    _same_blockers(before, after, set())
    mine = after.items_of(agent)
    done = [i for i in mine if i.done and i.timestamp == STAMP]
    assert done and done[0].notes[len(done[0].notes) - len(parts) :] == tuple(parts)
    if target is not None:
        old_items = _items(before)
        old_items.remove((target.agent, target.done, target.text, target.notes))
        new_items = _items(after)
        new_items.remove((done[0].agent, True, done[0].text, done[0].notes))
        assert old_items == new_items
    else:
        assert len(_items(after)) == len(_items(before)) + 1


@EDITS
@given(document(), st.sampled_from(AGENTS), fragment.filter(lambda t: t.strip()))
def test_add_blocker_changes_only_what_it_adds(text: str, agent: str, said: str) -> None:
    before = parse_progress(text)
    new, bid = add_blocker_with_id(text, agent, said)
    lines = [sx.content(line) for line in sx.split_lines(text)]
    placeholders = {
        i
        for i, line in enumerate(lines)
        if (m := sx.BULLET.match(line)) and sx.is_placeholder(m.group(3) or "")
    }
    written = _kept(text, new, placeholders)
    lost = _lost(text, new)
    assert len(lost) <= 1 and all(sx.is_placeholder(x.lstrip("-*+ ")) for x in lost)  # "- None."
    assert written - (len(placeholders) - len(lost)) in (1, 2, 3, 4)
    _endings_kept(text, new)
    after = parse_progress(new)
    made = [b for b in after.blockers if b.id == bid]
    assert len(made) == 1 and made[0].state == "open"
    one_line = " ".join(part.strip() for part in BREAK.split(said) if part.strip())
    assert (made[0].agent, made[0].text) == (agent, one_line)
    _same_blockers(before, after, {bid})
    assert _items(before) == _items(after)


@EDITS
@given(document(), st.data())
def test_resolve_changes_only_its_blocker(text: str, data: st.DataObject) -> None:
    before = parse_progress(text)
    if not before.blockers:
        return
    target = data.draw(st.sampled_from(before.blockers))
    answer = data.draw(st.text(max_size=40))
    new = resolve_blocker(text, target.id, answer, WHEN)
    lines = sx.split_lines(text)
    allowed = {target.line - 1}
    index = target.line
    while (
        target.state == "resolved"
        and index < len(lines)
        and sx.ANSWER_CONTINUATION.match(sx.content(lines[index]))
    ):
        allowed.add(index)
        index += 1
    row = sx.content(lines[target.line - 1]).lstrip().startswith("|")
    written = _kept(text, new, allowed)
    said = normalize_answer(answer)
    if row:
        said = " ".join(said.split("\n"))
    assert written == (1 if row else max(1, len(said.split("\n"))))
    _endings_kept(text, new)
    after = parse_progress(new)
    (got,) = [b for b in after.blockers if b.id == target.id]
    assert (got.agent, got.text, got.state) == (target.agent, target.text, "resolved")
    assert got.answer == (said or None)
    _same_blockers(before, after, {target.id})
    assert _items(before) == _items(after)
    assert resolve_blocker(new, target.id, answer, WHEN) == new  # idempotent


@EDITS
@given(
    document(),
    st.sampled_from(AGENTS),
    st.sampled_from(["Backend Setup", "abc Setup Instructions"]),
    st.text(max_size=80),
)
def test_setup_section_stays_in_its_block(text: str, agent: str, title: str, body: str) -> None:
    before = parse_progress(text)
    new = set_setup_section(text, agent, title, body)
    lines = [sx.content(line) for line in sx.split_lines(text)]
    heads = sx.outline(lines)
    hit = next(((i, lv) for i, lv, t in heads if t.casefold() == title.casefold()), None)
    allowed: set[int] = set()
    if hit is not None:
        end = next((i for i, lv, _t in heads if i > hit[0] and lv <= hit[1]), len(lines))
        allowed |= set(range(hit[0] + 1, end))
    _kept(text, new, allowed)
    _endings_kept(text, new)
    after = parse_progress(new)
    _same_blockers(before, after, set())
    assert _items(before) == _items(after)  # the body cannot forge items or blockers
    assert set_setup_section(new, agent, title, body) == new
    section = next(s for s in after.sections if s.title.casefold() == title.casefold())
    assert section.body.startswith(f"<!-- by @{agent} -->")
