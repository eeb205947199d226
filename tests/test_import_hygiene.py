"""The engine never imports the UI: each ``agents`` module is imported in a fresh interpreter."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import agents

ROOT = Path(__file__).resolve().parent.parent


def _engine_modules() -> list[str]:
    names = ["agents"]
    for info in pkgutil.walk_packages(agents.__path__, prefix="agents."):
        names.append(info.name)
    return names


def test_engine_modules_found() -> None:
    names = _engine_modules()
    assert "agents.definition" in names
    assert len(names) > 3


def test_engine_never_imports_textual_or_tui() -> None:
    script = (
        "import importlib, json, sys\n"
        "mods = json.loads(sys.argv[1])\n"
        "bad = {}\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "    hit = sorted(k for k in sys.modules if k.split('.')[0] in ('textual', 'tui'))\n"
        "    if hit: bad[m] = hit[:5]; break\n"
        "print(json.dumps(bad))\n"
    )
    for module in _engine_modules():
        out = subprocess.run(
            [sys.executable, "-c", script, json.dumps([module])],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        assert json.loads(out.stdout) == {}, f"{module} imports the UI: {out.stdout}"


def test_no_unsafe_yaml_load() -> None:
    """THREATS T35: only safe loaders parse YAML anywhere in the project."""
    offenders = []
    for path in list((ROOT / "agents").rglob("*.py")) + list((ROOT / "tui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "yaml.load(" in text or "yaml.unsafe_load" in text or "FullLoader" in text:
            offenders.append(str(path))
    assert offenders == []
