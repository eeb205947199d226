"""Every notification in the desk is sent with ``markup=False``, and no Static or Label is given
a non-literal string with markup on (THREATS T57): checked on the source, so a new call that
forgets it fails here before it can render an agent's ``[@click=...]``."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"


def _calls() -> list[tuple[Path, ast.Call]]:
    out = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                out.append((path, node))
    return out


def _markup_off(call: ast.Call) -> bool:
    return any(
        kw.arg == "markup" and isinstance(kw.value, ast.Constant) and kw.value.value is False
        for kw in call.keywords
    )


def test_every_notify_has_markup_off() -> None:
    bad = [
        f"{path.name}:{call.lineno}"
        for path, call in _calls()
        if isinstance(call.func, ast.Attribute)
        and call.func.attr == "notify"
        and not _markup_off(call)
    ]
    assert bad == []


def test_no_static_or_label_parses_a_computed_string() -> None:
    bad = []
    for path, call in _calls():
        name = call.func.id if isinstance(call.func, ast.Name) else None
        if name not in ("Static", "Label") or not call.args or _markup_off(call):
            continue
        first = call.args[0]
        literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
        if not literal:
            bad.append(f"{path.name}:{call.lineno}")
    assert bad == []


def test_the_checks_find_calls() -> None:
    names = {
        call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        for _, call in _calls()
    }
    assert {"notify", "Static"} <= names
