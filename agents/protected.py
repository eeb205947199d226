"""Protected and deny-read paths: what no agent may write, and what no agent may read.

Both lists compare *folded* names, never raw strings (THREATS T7, A14): each path component is
NFC-normalised, stripped of the characters HFS+/APFS and git ignore (zero-width joiners, bidi
marks, the BOM...), casefolded, NFKC-normalised and stripped of trailing dots and spaces (the
Windows aliases of T10). So ``.GIT/config``, ``.g\\u200cit/hooks/x`` and ``.git./config`` all
count as ``.git/config``, on Linux too: case-sensitive file systems lose nothing by it and a
repository checked out on macOS is safe.

Protected (never written by an agent, whatever its Domain; T8):

- git's data and other VCS metadata at any depth: ``.git`` (dir, or the ``gitdir:`` file of a
  worktree or submodule), ``.hg``, ``.svn``, ``.jj`` and the 8.3 alias ``git~1``;
- agentdesk's own state and config: ``.agentdesk/``, ``agentdesk.yaml``;
- agent definitions and Claude Code settings: ``.claude/``, ``.claude.json``, ``.mcp.json``;
- files that make other tools run code (Claude Code's protected list, THREATS A2):
  ``.gitattributes`` (filter drivers), ``.gitmodules``, ``.gitconfig``, ``.config/git/``,
  ``.envrc``, shell rc files, ``.npmrc``, ``.yarnrc*``, ``.pnpmfile.cjs``, ``bunfig.toml``,
  ``.bazelrc``, ``.pre-commit-config.yaml``, lefthook files, ``.husky/``, ``.vscode/``,
  ``.idea/``, ``.devcontainer*``, ``.cargo/``, ``.yarn/``, ``.mvn/``, ``.ripgreprc``,
  ``pyrightconfig.json`` and the gradle/maven wrapper properties.

Every component is checked, so ``sub/.git/config`` and ``.husky/_/h`` are protected as well.
CI workflow files (``.github/workflows``) are *not* protected: writing them is a legitimate job
for some agents, and they run only after a push that the person makes.

Deny-read (neither read nor written by an agent; checked after symlink resolution): ``.env`` and
``.env.*`` except the templates ``.env.example``, ``.env.sample``, ``.env.template``,
``.env.dist``; ``*.env``; private keys and keystores (``*.pem``, ``*.key``, ``*.p12``,
``*.pfx``, ``*.jks``, ``*.keystore``, ``*.keytab``, ``*.ppk``, ``id_rsa*``, ``id_dsa*``,
``id_ecdsa*``, ``id_ed25519*`` but not their ``.pub`` halves); credential stores (``.netrc``,
``_netrc``, ``.pgpass``, ``.git-credentials``, ``credentials.json``, ``client_secret*.json``,
``.htpasswd``, ``secrets.*``, ``.aws/credentials``, ``.docker/config.json``, ``.kube/config``);
``.npmrc`` and ``.pypirc`` (they routinely hold registry tokens); anything under ``.ssh/``,
``.gnupg/`` or ``.secrets/``. A directory that is merely *named* ``.env`` (a virtualenv) stays
readable: the ``.env`` rules look at the file name only.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

# Code points git treats as ignorable in HFS+ names (CVE-2014-9390), plus other invisibles.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff]"
)


@functools.lru_cache(maxsize=16384)
def fold_name(name: str) -> str:
    """The comparison key of one path component (see the module docstring); cached."""
    name = _IGNORABLE.sub("", unicodedata.normalize("NFC", name))
    name = unicodedata.normalize("NFKC", name.casefold())
    stripped = name.rstrip(". ")
    return stripped if stripped else name


def fold_parts(rel: str) -> list[str]:
    """Folded components of a relative posix path (empty and ``.`` components dropped)."""
    return [fold_name(p) for p in rel.split("/") if p not in ("", ".")]


_WHY_VCS = "version-control data (its hooks and config run code)"
_WHY_DESK = "agentdesk's own state and configuration"
_WHY_AGENTS = "agent definitions and settings"
_WHY_EXEC = "a configuration file that makes other tools run code"

_PROTECTED_NAMES: dict[str, str] = {
    ".git": _WHY_VCS,
    "git~1": _WHY_VCS,
    ".hg": _WHY_VCS,
    ".svn": _WHY_VCS,
    ".jj": _WHY_VCS,
    ".gitattributes": _WHY_VCS,
    ".gitmodules": _WHY_VCS,
    ".gitconfig": _WHY_VCS,
    ".agentdesk": _WHY_DESK,
    "agentdesk.yaml": _WHY_DESK,
    "agentdesk.yml": _WHY_DESK,
    ".agentdesk.yaml": _WHY_DESK,
    ".claude": _WHY_AGENTS,
    ".claude.json": _WHY_AGENTS,
    ".mcp.json": _WHY_AGENTS,
}
for _name in (
    ".envrc",
    ".npmrc",
    ".pnpmfile.cjs",
    "bunfig.toml",
    ".bunfig.toml",
    ".bazelrc",
    ".pre-commit-config.yaml",
    ".pre-commit-config.yml",
    ".husky",
    ".vscode",
    ".idea",
    ".cargo",
    ".yarn",
    ".mvn",
    ".ripgreprc",
    "pyrightconfig.json",
    "gradle-wrapper.properties",
    "maven-wrapper.properties",
    ".lefthook",
    ".lefthook-local",
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_logout",
    ".bash_aliases",
    ".profile",
    ".zshrc",
    ".zshenv",
    ".zprofile",
    ".zlogin",
    ".zlogout",
    ".kshrc",
    ".mkshrc",
    ".cshrc",
    ".tcshrc",
    ".login",
    ".logout",
):
    _PROTECTED_NAMES[_name] = _WHY_EXEC

_PROTECTED_PREFIXES: tuple[tuple[str, str], ...] = (
    (".devcontainer", _WHY_EXEC),
    (".yarnrc", _WHY_EXEC),
)
_LEFTHOOK = re.compile(r"^\.?lefthook(-local)?\.(yml|yaml|json|jsonc|toml)$")
#: Two-component protected sequences (``.config/git`` at any depth).
_PROTECTED_PAIRS: dict[tuple[str, str], str] = {(".config", "git"): _WHY_VCS}


def protected_reason(parts: Sequence[str]) -> str | None:
    """Why the path with these *folded* components is protected, or ``None`` if it is not."""
    for i, part in enumerate(parts):
        why = _PROTECTED_NAMES.get(part)
        if why is not None:
            return why
        for prefix, why in _PROTECTED_PREFIXES:
            if part.startswith(prefix):
                return why
        if _LEFTHOOK.match(part):
            return _WHY_EXEC
        if i + 1 < len(parts):
            why = _PROTECTED_PAIRS.get((part, parts[i + 1]))
            if why is not None:
                return why
    return None


_ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})
_DENY_NAMES = frozenset(
    {
        ".env",
        ".netrc",
        "_netrc",
        ".pgpass",
        ".git-credentials",
        "credentials.json",
        ".htpasswd",
        ".npmrc",
        ".pypirc",
    }
)
_DENY_SUFFIXES = (
    ".pem",
    ".key",
    ".p12",
    ".pfx",
    ".jks",
    ".keystore",
    ".keytab",
    ".ppk",
    ".env",
)
_DENY_KEY_PREFIXES = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519")
_DENY_DIRS = frozenset({".ssh", ".gnupg", ".secrets"})
_DENY_PAIRS = frozenset({(".aws", "credentials"), (".docker", "config.json"), (".kube", "config")})


def deny_read_reason(parts: Sequence[str]) -> str | None:
    """Why the path with these *folded* components may not be read, or ``None``."""
    if not parts:
        return None
    for part in parts[:-1]:
        if part in _DENY_DIRS:
            return f"files under {part}/ hold credentials"
    name = parts[-1]
    if name in _DENY_DIRS:
        return f"{name}/ holds credentials"
    if len(parts) >= 2 and (parts[-2], name) in _DENY_PAIRS:
        return "it is a credentials file"
    if name.startswith(".env.") and name not in _ENV_TEMPLATES:
        return "environment files hold secrets (templates like .env.example are readable)"
    if name in _DENY_NAMES:
        return "it holds secrets or credentials"
    if name.endswith(_DENY_SUFFIXES) and name not in _ENV_TEMPLATES:
        return "it looks like a private key, keystore or secrets file"
    if name.startswith(_DENY_KEY_PREFIXES) and not name.endswith(".pub"):
        return "it looks like a private SSH key"
    if name.startswith("secrets.") or (name.startswith("client_secret") and name.endswith(".json")):
        return "it holds secrets or credentials"
    return None
