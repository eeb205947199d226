"""Protected and deny-read names, and their case and Unicode variants (T7, T8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.domain import PathGuard

PROTECTED = [
    ".git/config",
    ".git/hooks/pre-commit",
    ".git",
    "sub/.git/config",
    ".agentdesk/agents/x.md",
    ".agentdesk/state.json",
    ".claude/agents/x.md",
    ".claude/settings.json",
    "agentdesk.yaml",
    ".gitattributes",
    "lib/.gitattributes",
    ".gitmodules",
    ".gitconfig",
    ".config/git/config",
    ".envrc",
    ".bashrc",
    ".zshrc",
    ".profile",
    ".npmrc",
    ".yarnrc",
    ".yarnrc.yml",
    ".pnpmfile.cjs",
    "bunfig.toml",
    ".bazelrc",
    ".pre-commit-config.yaml",
    "lefthook.yml",
    ".lefthook.yaml",
    "lefthook-local.yml",
    ".husky/pre-commit",
    ".vscode/tasks.json",
    ".idea/workspace.xml",
    ".devcontainer/devcontainer.json",
    ".devcontainer.json",
    ".cargo/config.toml",
    ".yarn/plugins/x.cjs",
    ".mvn/wrapper/maven-wrapper.properties",
    "gradle/wrapper/gradle-wrapper.properties",
    ".mcp.json",
    ".claude.json",
    ".ripgreprc",
    "pyrightconfig.json",
]

# T7: case, zero-width, bidi, fullwidth and trailing-dot aliases of protected names.
VARIANTS = [
    ".GIT/config",
    ".Git/hooks/pre-commit",
    ".g\u200cit/config",
    ".gi\u200dt/config",
    "\ufeff.git/config",
    ".git\u200e/config",
    ".git./config",
    ".git /config",
    ".\uff27\uff29\uff34/config",
    "GIT~1/config",
    ".AgentDesk/x",
    ".CLAUDE/agents/x.md",
    ".EnvRC",
    "AGENTDESK.YAML",
    ".Husky/pre-commit",
    ".gitattribute\u0073",
    "SUB/.Git/config",
]


@pytest.mark.parametrize("rel", PROTECTED + VARIANTS)
def test_t8_protected_whatever_the_domain(tmp_path: Path, rel: str) -> None:
    for domain in (("**",), ("*",), (".",), ("*/",)):
        guard = PathGuard(tmp_path, domain)
        verdict = guard.check_write(rel)
        assert not verdict.allowed, (rel, domain)
        assert verdict.kind == "protected", (rel, domain)
        assert "whatever its Domain" in verdict.reason
        assert guard.is_protected(guard.normalise(rel))


@pytest.mark.parametrize(
    "rel",
    ["src/app.py", "README.md", ".gitignore", ".github/workflows/ci.yml", "gitx/a", ".gitx"],
)
def test_ordinary_files_are_not_protected(tmp_path: Path, rel: str) -> None:
    guard = PathGuard(tmp_path, ("**",))
    assert not guard.is_protected(rel)
    assert guard.check_write(rel).allowed


def test_t8_symlink_replacement_of_git_is_refused(tmp_path: Path) -> None:
    """Codex's symlink-replacement attack: a Domain folder that is a link to .git."""
    (tmp_path / ".git" / "hooks").mkdir(parents=True)
    (tmp_path / "backend").symlink_to(".git")
    guard = PathGuard(tmp_path, ("backend/",))
    verdict = guard.check_write("backend/hooks/pre-commit")
    assert not verdict.allowed
    assert verdict.kind == "symlink"
    assert not (tmp_path / ".git" / "hooks" / "pre-commit").exists()


def test_t7_same_folder_as_git_by_inode(tmp_path: Path) -> None:
    """A bind-mount or case-insensitive alias of .git is caught by its inode."""
    (tmp_path / ".git").mkdir()
    guard = PathGuard(tmp_path, ("**",))
    # Simulate an alias: the guard's inode set says the folder "alias" is .git.
    (tmp_path / "alias").mkdir()
    st = (tmp_path / "alias").stat()
    guard._protected_inodes = frozenset({(st.st_dev, st.st_ino)})
    verdict = guard.check_write("alias/hooks/pre-commit")
    assert verdict.kind == "protected"


DENY = [
    ".env",
    ".env.local",
    ".env.production",
    "config/.ENV",
    "prod.env",
    "certs/server.pem",
    "tls/server.key",
    "id_rsa",
    "keys/id_ed25519",
    "store.p12",
    ".netrc",
    ".aws/credentials",
    "credentials.json",
    ".git-credentials",
    "secrets.yaml",
    "config/secrets.json",
    ".ssh/config",
    ".npmrc",
    ".pypirc",
]
READABLE = [".env.example", ".env.sample", ".env.template", "id_rsa.pub", ".env/lib/site.py"]


@pytest.mark.parametrize("rel", DENY)
def test_deny_read(tmp_path: Path, rel: str) -> None:
    guard = PathGuard(tmp_path, ("**",))
    verdict = guard.check_read(rel)
    assert (verdict.allowed, verdict.kind) == (False, "deny_read"), rel
    assert not guard.check_write(rel).allowed


@pytest.mark.parametrize("rel", READABLE)
def test_templates_and_public_keys_are_readable(tmp_path: Path, rel: str) -> None:
    assert PathGuard(tmp_path, ("**",)).check_read(rel).allowed
