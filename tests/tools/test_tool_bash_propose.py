"""Bash proposals: the exact command (T22), visible hidden characters, destructive flags (T61)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.tools.base import ToolContext, ToolError
from agents.tools.bash import run_command
from agents.tools.bash_risk import destructive_reason

from .helpers import propose

TRICKY = "echo safe\recho EVIL \x1b[2K \u202edlrow\nprintf done"


async def test_command_kept_exactly_and_shown_visibly(ctx: ToolContext, project: Path) -> None:
    raw = {"command": TRICKY, "description": "greet", "timeout": 5000}
    p = propose(ctx, "Bash", raw)
    assert p.command == TRICKY
    assert p.input["command"] == TRICKY and p.input["timeout"] == 5000
    assert p.changes == [] and p.is_command
    assert "hidden_chars" in p.flags
    assert "\r" not in p.diff and "\x1b" not in p.diff and "\u202e" not in p.diff
    assert "\u240d" in p.diff and "\u241b" in p.diff and "<U+202E>" in p.diff and "\u240a" in p.diff
    assert "\x1b" not in p.summary and "\r" not in p.summary and p.summary.startswith("Bash: ")


async def test_approved_bytes_are_the_bytes_run(ctx: ToolContext, project: Path) -> None:
    command = "printf '%s' 'x\ry\x1b[2Kz\u202e' > proof.bin\necho two >> proof.bin"
    p = propose(ctx, "Bash", {"command": command})
    assert p.command is not None
    await run_command(p.command, cwd=project)
    assert (project / "proof.bin").read_bytes() == "x\ry\x1b[2Kz\u202etwo\n".encode()


def test_plain_command_has_no_flags(ctx: ToolContext) -> None:
    p = propose(ctx, "Bash", {"command": "npm test"})
    assert p.flags == () and p.summary == "Bash: npm test" and p.diff == "npm test"


def test_destructive_and_untrusted_flags(ctx: ToolContext) -> None:
    ctx.untrusted_read = True
    p = propose(ctx, "Bash", {"command": "rm -rf build"})
    assert "destructive" in p.flags and "after_untrusted_read" in p.flags
    assert "rm -r" in p.summary


@pytest.mark.parametrize("command", ["   ", "echo \x00"])
def test_unrunnable_commands(ctx: ToolContext, command: str) -> None:
    with pytest.raises(ToolError):
        propose(ctx, "Bash", {"command": command})


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf build",
        "rm -r src",
        "rm --recursive x",
        "rm -fr /",
        "rm *.py",
        "rm a b c",
        "rm ../x",
        "/bin/rm -R dir",
        "sudo rm file",
        "env FOO=1 rm -rf x",
        "timeout 5 rm -rf x",
        "nohup rm -r x &",
        "echo hi && rm -rf x",
        "echo hi; rm -rf x",
        "echo hi | xargs rm -r",
        "echo hi\nrm -rf x",
        "echo a#; rm -rf x",
        "(cd x && rm -rf y)",
        "bash -c 'rm -rf x'",
        'sh -c "git push"',
        "eval 'rm -rf x'",
        "echo $(rm -rf x)",
        "echo `rm -rf x`",
        "git push",
        "git push --force origin main",
        "git -C repo push",
        "git reset --hard HEAD~1",
        "git clean -fd",
        "git checkout -- .",
        "git checkout .",
        "git restore src/app.py",
        "git branch -D feature",
        "git stash drop",
        "git rebase -i HEAD~3",
        "find . -name '*.pyc' -delete",
        "find . -exec rm {} \\;",
        "dd if=/dev/zero of=disk.img",
        "mkfs.ext4 /dev/sda1",
        "chmod -R 777 .",
        "chown -R me .",
        "shred secrets.txt",
        "truncate -s 0 log.txt",
        "npm publish",
        "echo 'unterminated rm -rf x",
        "FOO=bar rm -rf x",
    ],
)
def test_destructive_commands(command: str) -> None:
    assert destructive_reason(command) is not None, command


@pytest.mark.parametrize(
    "command",
    [
        "npm test",
        "ls -la",
        "git status",
        "git diff HEAD",
        "git log --oneline -5",
        "git commit -m 'rm -rf is bad'",
        "git restore --staged a.py",
        "rm build.log",
        "echo hello > /dev/null",
        "python -m pytest -q 2>&1",
        "cat a.txt | grep rm",
        "find . -name '*.py'",
        "echo 'rm -rf x'",
        "chmod +x run.sh",
        "mkdir -p a/b",
    ],
)
def test_harmless_commands(command: str) -> None:
    assert destructive_reason(command) is None, command


def test_redirect_over_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("precious")
    assert destructive_reason("echo x > data.txt", cwd=tmp_path) is not None
    assert destructive_reason("echo x > fresh.txt", cwd=tmp_path) is None
    assert destructive_reason("echo x >> data.txt", cwd=tmp_path) is None
    assert destructive_reason("make 2>&1", cwd=tmp_path) is None
    assert destructive_reason("echo x > *.txt", cwd=tmp_path) is not None
