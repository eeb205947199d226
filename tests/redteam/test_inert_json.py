"""``--json`` lines are inert on a terminal: no raw C1, DEL or bidi character, same data."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.sanitize import inert_json

RAW = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]"
)
TRICKY = st.sampled_from(
    ["\x1b]52;c;eA==\x07", "\x9b31m", "\u202e", "\x7f", "\ufeff", "é", "\\", '"']
)
TEXT = st.lists(st.one_of(st.text(max_size=20), TRICKY), max_size=8).map("".join)
DATA = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(DATA)
def test_inert_json_round_trips_and_has_no_raw_control(data: object) -> None:
    line = inert_json(json.dumps(data, ensure_ascii=False))
    assert json.loads(line) == data
    assert not RAW.search(line)
    assert "\n" not in line


def test_known_payloads_are_escaped_not_dropped() -> None:
    line = inert_json(json.dumps({"c": "a\x9bb\u202ec\x7f"}, ensure_ascii=False))
    assert line == '{"c": "a\\u009bb\\u202ec\\u007f"}'
