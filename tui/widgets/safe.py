"""The one way untrusted text reaches a widget: sanitised, and never parsed as markup.

Model output, file contents, diffs, paths and command output may hold markup (``[@click=...]``),
escape sequences or bidi marks. :func:`untrusted` returns a :class:`~textual.content.Content`
holding the sanitised text as plain characters, so no span comes from the text itself.
"""

from __future__ import annotations

from textual.content import Content

from agents.sanitize import sanitize, sanitize_command


def clean(text: str) -> str:
    """Sanitised plain text (control characters, escapes and bidi marks made visible)."""
    return sanitize(text)


def untrusted(text: str, style: str = "") -> Content:
    """Plain content for untrusted ``text``, optionally in one trusted ``style``."""
    content = Content(sanitize(text))
    return content.stylize(style) if style and content.plain else content


def content_key(content: Content) -> tuple[str, tuple[object, ...]]:
    """What a Content shows, text and styles (``Content ==`` compares the text only): a widget
    compares keys to skip an update that would change nothing but still cost a relayout."""
    return content.plain, tuple(content.spans)


def untrusted_command(command: str) -> Content:
    """A command shown exactly: newlines and every hidden character made visible."""
    return Content(sanitize_command(command))


def tail(text: str, max_lines: int) -> str:
    """The last ``max_lines`` lines of ``text`` (cheap for a growing streaming buffer)."""
    if max_lines <= 0:
        return ""
    end = len(text)
    pos = end
    for _ in range(max_lines):
        pos = text.rfind("\n", 0, pos)
        if pos < 0:
            return text
    return text[pos + 1 :]
