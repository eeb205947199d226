"""The wheel works outside the source tree: build it, install only it into a fresh venv, and
run the installed ``agentdesk`` from a directory far from the checkout. The bundled roster, the
example project and the theme files must all be found from the installed package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UV = shutil.which("uv")

pytestmark = [
    pytest.mark.skipif(UV is None, reason="uv is not installed"),
    pytest.mark.timeout(180),
]


def _uv(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert UV is not None
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [UV, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=150, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding only the freshly built wheel (and its dependencies)."""
    base = tmp_path_factory.mktemp("wheel")
    built = _uv("build", "--wheel", "--out-dir", str(base / "dist"), cwd=ROOT)
    assert built.returncode == 0, built.stderr
    wheels = list((base / "dist").glob("agentdesk-*.whl"))
    assert len(wheels) == 1
    venv = base / "venv"
    made = _uv("venv", "--quiet", str(venv), cwd=base)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    install = _uv("pip", "install", "--offline", "--python", str(python), str(wheels[0]), cwd=base)
    if install.returncode != 0:  # the cache lacks something: use the same index as uv sync
        install = _uv("pip", "install", "--python", str(python), str(wheels[0]), cwd=base)
    if install.returncode != 0:
        pytest.skip(f"cannot install the wheel's dependencies here: {install.stderr[-300:]}")
    return venv


def _run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    home = cwd / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    out = _run(installed, tmp_path, "python", "-c", "import agents, tui; print(agents.__file__)")
    assert out.returncode == 0, out.stderr
    location = Path(out.stdout.strip())
    assert location.is_relative_to(installed) and not location.is_relative_to(ROOT)


def test_version(installed: Path, tmp_path: Path) -> None:
    out = _run(installed, tmp_path, "agentdesk", "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "agentdesk 0.1.0"


def test_agents_example_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    out = _run(installed, tmp_path, "agentdesk", "agents", "--example")
    assert out.returncode == 0, out.stderr
    assert "backend-architect  (project)  .claude/agents/backend-architect.md" in out.stdout
    assert "<agentdesk>/roster/database-architect.md" in out.stdout
    assert "4 agents, 0 invalid" in out.stdout
    out = _run(installed, tmp_path, "agentdesk", "agents", "--example", "--json")
    names = {item["name"] for item in json.loads(out.stdout) if item["status"] == "ok"}
    assert names == {"backend-architect", "frontend-architect", "delivery-lead",
                     "database-architect"}  # fmt: skip


def test_agents_in_a_plain_directory_finds_the_bundled_roster(
    installed: Path, tmp_path: Path
) -> None:
    project = tmp_path / "proj"
    (project / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agents" / "bad.md").write_text(
        "---\nname: bad\ndescription: d\ntools: Wrte\n---\n"
    )
    out = _run(installed, project, "agentdesk", "agents", "--json")
    assert out.returncode == 1, out.stderr  # the invalid file guards CI
    data = json.loads(out.stdout)
    bundled = {item["name"] for item in data if item["source"] == "bundled"}
    assert bundled == {"backend-architect", "frontend-architect", "delivery-lead",
                       "database-architect"}  # fmt: skip
    assert [item["line"] for item in data if item["error"]] == [4]


def test_theme_files_are_installed(installed: Path, tmp_path: Path) -> None:
    shipped = sorted(p.name for p in (ROOT / "themes").iterdir() if p.suffix in (".yaml", ".tcss"))
    script = "import themes, pathlib; print(pathlib.Path(themes.__file__).parent)"
    out = _run(installed, tmp_path, "python", "-c", script)
    assert out.returncode == 0, out.stderr
    installed_dir = Path(out.stdout.strip())
    assert sorted(p.name for p in installed_dir.iterdir() if p.name in shipped) == shipped
