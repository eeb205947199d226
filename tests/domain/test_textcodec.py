"""TextFile: byte-exact round trips, BOM and newline conventions, binary detection (T15, T17)."""

from __future__ import annotations

import pytest

from agents.textcodec import TextFile, is_binary


@pytest.mark.parametrize(
    ("data", "newline", "text"),
    [
        (b"a\nb\n", "\n", "a\nb\n"),
        (b"a\r\nb\r\n", "\r\n", "a\nb\n"),
        (b"a\rb\r", "\r", "a\nb\n"),
        (b"a\r\nb\n", "mixed", "a\r\nb\n"),
        (b"no newline", "", "no newline"),
        (b"", "", ""),
    ],
)
def test_newline_detection(data: bytes, newline: str, text: str) -> None:
    tf = TextFile.from_bytes(data)
    assert (tf.newline, tf.text, tf.bom) == (newline, text, False)
    assert tf.encode(tf.text) == data
    assert tf.to_bytes() == data


def test_crlf_edit_keeps_crlf() -> None:
    tf = TextFile.from_bytes(b"one\r\ntwo\r\n")
    assert tf.encode(tf.text.replace("two", "2\nthree")) == b"one\r\n2\r\nthree\r\n"
    # A model that sends CRLF itself does not get doubled carriage returns.
    assert tf.encode("x\r\ny\n") == b"x\r\ny\r\n"


def test_bom_kept() -> None:
    data = b"\xef\xbb\xbfname,value\r\nx,1\r\n"
    tf = TextFile.from_bytes(data)
    assert tf.bom and tf.newline == "\r\n"
    assert not tf.text.startswith("\ufeff")
    assert tf.encode(tf.text.replace("1", "2")) == b"\xef\xbb\xbfname,value\r\nx,2\r\n"


def test_undecodable_bytes_round_trip() -> None:
    data = b"caf\xe9 latin-1\n\xff\xfe tail\n"
    tf = TextFile.from_bytes(data)
    assert not tf.binary
    assert tf.encode(tf.text) == data
    assert tf.encode(tf.text.replace("tail", "end")) == b"caf\xe9 latin-1\n\xff\xfe end\n"


def test_lone_surrogate_from_model_is_an_error() -> None:
    with pytest.raises(UnicodeEncodeError):
        TextFile.from_bytes(b"x\n").encode("\ud800")


@pytest.mark.parametrize(
    ("data", "binary"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", True),
        (b"text with a \x00 nul", True),
        ("utf-16".encode("utf-16"), True),
        (bytes(range(128, 256)) * 4, True),
        (b"plain ascii\n" * 100, False),
        ("ünïcödé ✓\n".encode() * 50, False),
        (b"caf\xe9\n" * 10, False),
        (b"", False),
        (b"\x1b[31mred\x1b[0m\n", False),
    ],
)
def test_is_binary(data: bytes, binary: bool) -> None:
    assert is_binary(data) is binary
    assert TextFile.from_bytes(data).binary is binary
