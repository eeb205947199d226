"""Text files in and out, byte for byte (THREATS T17).

Python's text mode turns CRLF into LF on read and LF into ``os.linesep`` on write, and a strict
UTF-8 decode fails on the first stray byte. Edits here go through :class:`TextFile` instead:
UTF-8 with ``surrogateescape`` (any byte sequence round-trips), the BOM remembered, and the
newline convention detected. A file that uses CRLF (or CR) everywhere is exposed with ``\\n``
line ends, which is what a model's ``old_string`` will contain, and re-encoded with the
original convention; a file with mixed endings is exposed verbatim and re-encoded verbatim, so
its lines keep whatever ending they had.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BOM", "TextFile", "is_binary"]

BOM = b"\xef\xbb\xbf"
_SNIFF = 8192


def is_binary(data: bytes) -> bool:
    """True for data that is not text: a NUL in the first 8 KB, or mostly undecodable bytes.

    "Mostly" is more than 30% of the sample being invalid UTF-8 or C0 control bytes other than
    tab, newline, carriage return, form feed and escape. Latin-1 text with a few accented
    letters is still text (it round-trips through ``surrogateescape``).
    """
    sample = data[:_SNIFF]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    text = sample.decode("utf-8", "surrogateescape")
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    bad += sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    return bad * 10 > len(sample) * 3


def _detect_newline(raw: str) -> str:
    crlf = raw.count("\r\n")
    lone_cr = raw.count("\r") - crlf
    lone_lf = raw.count("\n") - crlf
    kinds = [k for k, n in (("\r\n", crlf), ("\r", lone_cr), ("\n", lone_lf)) if n]
    if not kinds:
        return ""
    if len(kinds) > 1:
        return "mixed"
    return kinds[0]


@dataclass(frozen=True)
class TextFile:
    """Decoded text plus what is needed to re-encode it byte-exactly.

    ``newline`` is ``"\\n"``, ``"\\r\\n"`` or ``"\\r"`` for a uniform file, ``"mixed"`` when
    several kinds occur, and ``""`` when there is no line break at all (new lines are then
    written as ``\\n``). ``encoding`` is always ``"utf-8"``: other encodings round-trip through
    ``surrogateescape`` unchanged, and UTF-16/32 files count as ``binary`` (they contain NULs).
    """

    text: str
    bom: bool = False
    newline: str = "\n"
    encoding: str = "utf-8"
    binary: bool = False

    @classmethod
    def from_bytes(cls, data: bytes) -> TextFile:
        """Decode ``data``; ``TextFile.from_bytes(b).encode(tf.text) == b`` for every ``b``."""
        binary = is_binary(data)
        bom = data.startswith(BOM)
        raw = (
            data[len(BOM) :].decode("utf-8", "surrogateescape")
            if bom
            else data.decode("utf-8", "surrogateescape")
        )
        newline = _detect_newline(raw)
        if newline == "\r\n":
            text = raw.replace("\r\n", "\n")
        elif newline == "\r":
            text = raw.replace("\r", "\n")
        else:
            text = raw
        return cls(text=text, bom=bom, newline=newline, binary=binary)

    def encode(self, new_text: str) -> bytes:
        """``new_text`` in this file's conventions: same BOM, same line endings.

        For a uniform CRLF or CR file, every line break in ``new_text`` (``\\n`` or ``\\r\\n``)
        becomes the file's own. Raises :class:`UnicodeEncodeError` for a lone surrogate that
        did not come from an undecodable byte.
        """
        if self.newline in ("\r\n", "\r"):
            new_text = new_text.replace("\r\n", "\n").replace("\n", self.newline)
        body = new_text.encode("utf-8", "surrogateescape")
        return BOM + body if self.bom else body

    def to_bytes(self) -> bytes:
        """The original bytes (``encode(self.text)``)."""
        return self.encode(self.text)
