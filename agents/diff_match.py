"""Line matching for diffs with a bounded cost, whatever the input.

:class:`difflib.SequenceMatcher` is fine for small inputs but degrades badly on large,
repetitive ones (100,000 lines alternating with a repeated line took minutes here). So: the
common head and tail are matched directly; a middle small enough goes to SequenceMatcher; a
larger one is split at lines that occur exactly once on each side (the anchors of patience
diff, kept in order by a longest increasing subsequence) and each gap is matched the same way.
A gap still too large and with no anchors becomes one plain replacement: a correct diff, just
not a minimal one. Opcodes have :meth:`SequenceMatcher.get_opcodes`' shape.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from difflib import SequenceMatcher

Opcode = tuple[str, int, int, int, int]

#: Largest ``len(a) * len(b)`` handed to SequenceMatcher in one piece.
BUDGET = 1_000_000


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by first item) increasing in the second."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for i, (_a, b) in enumerate(pairs):
        k = bisect.bisect_left(tails, b)
        if k == len(tails):
            tails.append(b)
            tail_index.append(i)
        else:
            tails[k] = b
            tail_index[k] = i
        previous[i] = tail_index[k - 1] if k else -1
    out: list[tuple[int, int]] = []
    i = tail_index[-1] if tail_index else -1
    while i != -1:
        out.append(pairs[i])
        i = previous[i]
    return out[::-1]


def _anchors(
    a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int, bhi: int
) -> list[tuple[int, int]]:
    seen_a: dict[str, int] = {}
    for i in range(alo, ahi):
        seen_a[a[i]] = -1 if a[i] in seen_a else i
    seen_b: dict[str, int] = {}
    for j in range(blo, bhi):
        seen_b[b[j]] = -1 if b[j] in seen_b else j
    pairs = sorted(
        (i, seen_b[line]) for line, i in seen_a.items() if i >= 0 and seen_b.get(line, -1) >= 0
    )
    return _lis(pairs)


def _raw(
    a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int, bhi: int, out: list[Opcode]
) -> None:
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        out.append(("equal", alo, alo + 1, blo, blo + 1))
        alo, blo = alo + 1, blo + 1
    tail: list[Opcode] = []
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        tail.append(("equal", ahi - 1, ahi, bhi - 1, bhi))
        ahi, bhi = ahi - 1, bhi - 1
    if (ahi - alo) * (bhi - blo) <= BUDGET:
        matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            out.append((tag, alo + i1, alo + i2, blo + j1, blo + j2))
    else:
        anchors = _anchors(a, alo, ahi, b, blo, bhi)
        if not anchors:
            out.append(("replace", alo, ahi, blo, bhi))
        for ai, bj in anchors:
            _raw(a, alo, ai, b, blo, bj, out)
            out.append(("equal", ai, ai + 1, bj, bj + 1))
            alo, blo = ai + 1, bj + 1
        if anchors:
            _raw(a, alo, ahi, b, blo, bhi, out)
    out.extend(reversed(tail))


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Opcodes turning ``a`` into ``b``: contiguous, merged, no empty ranges."""
    raw: list[Opcode] = []
    _raw(a, 0, len(a), b, 0, len(b), raw)
    merged: list[Opcode] = []
    for tag, i1, i2, j1, j2 in raw:
        if i1 == i2 and j1 == j2:
            continue
        tag = "equal" if tag == "equal" else "change"
        if merged and (merged[-1][0] == "equal") == (tag == "equal"):
            last = merged[-1]
            merged[-1] = (last[0], last[1], i2, last[3], j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return [_named(op) for op in merged]


def _named(op: Opcode) -> Opcode:
    tag, i1, i2, j1, j2 = op
    if tag == "equal":
        return op
    if i1 == i2:
        return ("insert", i1, i2, j1, j2)
    if j1 == j2:
        return ("delete", i1, i2, j1, j2)
    return ("replace", i1, i2, j1, j2)


def grouped(codes: list[Opcode], context: int) -> list[list[Opcode]]:
    """Hunks: changes with up to ``context`` equal lines around them (as difflib groups)."""
    n = max(0, context)
    if not any(tag != "equal" for tag, *_ in codes):
        return []
    codes = list(codes)
    if codes[0][0] == "equal":
        _t, i1, i2, j1, j2 = codes[0]
        codes[0] = ("equal", max(i1, i2 - n), i2, max(j1, j2 - n), j2)
    if codes[-1][0] == "equal":
        _t, i1, i2, j1, j2 = codes[-1]
        codes[-1] = ("equal", i1, min(i2, i1 + n), j1, min(j2, j1 + n))
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            groups.append(group)
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return [g for g in groups if any(op[0] != "equal" for op in g)]
