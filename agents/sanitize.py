"""The one path from untrusted text (model output, files, diffs, command output) to a screen.

Rich and Textual strip only five control codes; ESC, C1, NUL and DEL pass through and reach the
terminal as live escape sequences. :func:`sanitize` maps every C0 control except newline and tab,
DEL, every C1 control, and the bidi and zero-width marks used in Trojan-source attacks to visible
symbols, so what the person reviews is what is really there.
"""

from __future__ import annotations

import re

_BAD = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ESC -> ␛, CR -> ␍, NUL -> ␀
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def sanitize(text: str) -> str:
    """Return ``text`` with every dangerous or invisible character shown visibly.

    Newlines and tabs are kept; everything else below 0x20, DEL, C1 (0x80-0x9f), bidi overrides
    and isolates, zero-width characters and the BOM become visible markers.
    """
    return _BAD.sub(_visible, text)


def sanitize_command(command: str) -> str:
    """Like :func:`sanitize`, but newlines are shown as ``␊`` too, for one-line command views."""
    return sanitize(command).replace("\n", "\u240a\n")


def has_hidden(text: str) -> bool:
    """True when ``text`` holds a character :func:`sanitize` would replace."""
    return _BAD.search(text) is not None


def inert_json(text: str) -> str:
    """JSON text (from ``json.dumps``) with every character :func:`sanitize` would replace written
    as a ``\\u`` escape with four hex digits: it decodes to the same data and is inert on
    a terminal.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but passes DEL, C1 controls and
    bidi marks through raw; those only occur inside JSON strings, where an escape is always valid.
    """
    return _BAD.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
