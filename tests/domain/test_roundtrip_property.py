"""T17 as a property: any bytes, any newline style, BOM or not, round-trip byte-exactly."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.safe_write import atomic_write, read_nofollow, sha256_bytes
from agents.textcodec import BOM, TextFile

EXAMPLES = int(os.environ.get("AGENTDESK_PROPERTY_EXAMPLES", "150"))
LINE = st.binary(max_size=40).map(
    lambda b: b.replace(b"\r", b"").replace(b"\n", b"").replace(b"M", b"")
)
NEWLINES = st.sampled_from([b"\n", b"\r\n", b"\r", "mixed"])


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte-exactness is the property here; durability is test_kill9's."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@st.composite
def documents(draw: st.DrawFn) -> tuple[bytes, int]:
    """A document with one ``MARKER`` line; returns the bytes and the marker's line index."""
    lines = draw(st.lists(LINE, max_size=12))
    at = draw(st.integers(0, len(lines)))
    lines.insert(at, b"MARKER")
    style = draw(NEWLINES)
    if style == "mixed":
        ends = draw(
            st.lists(
                st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=len(lines), max_size=len(lines)
            )
        )
    else:
        ends = [style] * len(lines)
    if not draw(st.booleans()):
        ends[-1] = b""  # no trailing newline
    body = b"".join(line + end for line, end in zip(lines, ends, strict=True))
    return (BOM + body if draw(st.booleans()) else body), at


@settings(
    max_examples=EXAMPLES * 4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=300))
def test_any_bytes_round_trip(data: bytes) -> None:
    tf = TextFile.from_bytes(data)
    assert tf.encode(tf.text) == data


@settings(
    max_examples=EXAMPLES * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(doc=documents())
def test_single_line_edit_changes_only_that_line(doc: tuple[bytes, int]) -> None:
    data, _ = doc
    tf = TextFile.from_bytes(data)
    assert tf.encode(tf.text) == data
    assert tf.text.count("MARKER") == 1
    edited = tf.encode(tf.text.replace("MARKER", "EDITED\nTWO"))
    newline = {"\r\n": b"\r\n", "\r": b"\r"}.get(tf.newline, b"\n")
    assert edited == data.replace(b"MARKER", b"EDITED" + newline + b"TWO")
    assert edited.startswith(BOM) == data.startswith(BOM)


@settings(
    max_examples=EXAMPLES // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(doc=documents(), executable=st.booleans())
def test_no_op_edit_through_the_writer_keeps_bytes_and_mode(
    tmp_path: Path, doc: tuple[bytes, int], executable: bool
) -> None:
    data, _ = doc
    target = tmp_path / "script.sh"
    target.unlink(missing_ok=True)
    target.write_bytes(data)
    target.chmod(0o755 if executable else 0o640)
    tf = TextFile.from_bytes(read_nofollow(tmp_path, "script.sh"))
    atomic_write(tmp_path, "script.sh", tf.encode(tf.text), expected_sha256=sha256_bytes(data))
    assert target.read_bytes() == data
    assert stat.S_IMODE(target.stat().st_mode) == (0o755 if executable else 0o640)
