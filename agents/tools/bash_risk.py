"""Is a shell command destructive? A conservative answer for the second confirmation (T61).

The command is split into simple commands at ``;``, ``&&``, ``||``, ``|``, ``&``, newlines and
parentheses with :mod:`shlex` (comments are not honoured, so ``a#; rm -r x`` is still seen).
Wrappers (``sudo``, ``env``, ``timeout``, ``xargs``, ``nohup``...) are looked through, and the
strings given to ``bash -c``, ``sh -c`` and ``eval`` are checked as commands too. A command that
does not parse, or that builds commands at run time (``$(...)``, backticks), is destructive as
soon as it mentions a risky word anywhere. False alarms cost one extra keypress; a miss can
cost the person's work, so every doubt is resolved towards "destructive".
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "\n", "(", ")", ";;", "|&", "{", "}"})
_REDIRECTS = frozenset({">", ">|", "&>", ">&"})
_WRAPPERS = frozenset(
    {
        "sudo", "doas", "env", "nice", "nohup", "time", "timeout", "stdbuf", "ionice",
        "command", "builtin", "exec", "xargs", "watch", "chroot", "setsid", "unbuffer",
        "parallel", "then", "do", "else", "if", "while", "until", "!",
    }
)  # fmt: skip
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "fish"})
_RISKY_WORDS = re.compile(
    r"\b(rm|rmdir|unlink|shred|dd|mkfs[\w.]*|wipefs|fdisk|parted|truncate|git|find|chmod|chown|"
    r"chgrp|sudo|doas|eval|xargs|publish|kubectl|terraform|docker)\b|>"
)
_SAFE_TARGETS = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")
_MANY_OPERANDS = 3


def _lex(command: str) -> list[str] | None:
    lexer = shlex.shlex(command, posix=True, punctuation_chars="();<>|&\n")
    lexer.whitespace = " \t\r"
    lexer.commenters = ""
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return None


def _split(tokens: list[str]) -> list[list[str]]:
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS or (token and set(token) <= set(";&|\n()")):
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def _name(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _flags(args: list[str]) -> tuple[set[str], list[str]]:
    """Short letters and long names of the options in ``args``, and the operands."""
    letters: set[str] = set()
    operands: list[str] = []
    ended = False
    for arg in args:
        if ended or not arg.startswith("-") or arg == "-":
            operands.append(arg)
        elif arg == "--":
            ended = True
        elif arg.startswith("--"):
            letters.add(arg.split("=", 1)[0])
        else:
            letters.update(arg[1:])
    return letters, operands


def _is_wide(operand: str) -> bool:
    return (
        any(ch in operand for ch in "*?[{$`~")
        or operand in ("/", ".", "..", "./", "../")
        or operand.startswith(("/", "~"))
        or "/.." in operand
        or operand.startswith("..")
    )


def _rm(args: list[str]) -> str | None:
    letters, operands = _flags(args)
    if letters & {"r", "R", "--recursive", "d", "--dir"}:
        return "rm -r deletes folders recursively"
    if any(_is_wide(op) for op in operands):
        return "rm with a wildcard, variable or path outside the project deletes many files"
    if len(operands) >= _MANY_OPERANDS:
        return f"rm deletes {len(operands)} files"
    return None


def _git_subcommand(args: list[str]) -> tuple[str, list[str]]:
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"):
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return arg, args[i + 1 :]
    return "", []


def _git(args: list[str]) -> str | None:
    sub, rest = _git_subcommand(args)
    letters, operands = _flags(rest)
    if sub == "push":
        return "git push publishes commits beyond this machine"
    if sub == "reset" and "--hard" in letters | set(rest):
        return "git reset --hard discards uncommitted work"
    if sub == "clean" and letters & {"f", "--force"}:
        return "git clean -f deletes untracked files"
    if sub == "checkout" and ("--" in rest or "." in operands or letters & {"f", "--force"}):
        return "git checkout -- discards uncommitted changes"
    if sub == "restore" and not letters & {"S", "--staged"}:
        return "git restore discards uncommitted changes"
    if sub == "branch" and letters & {"D", "--delete"} and ("D" in letters or "f" in letters):
        return "git branch -D deletes a branch with unmerged work"
    if sub == "stash" and operands[:1] in (["drop"], ["clear"]):
        return "git stash drop/clear deletes stashed work"
    if sub in ("filter-branch", "filter-repo", "rebase", "update-ref", "reflog", "gc", "prune"):
        return f"git {sub} rewrites or prunes history"
    return None


def _find(args: list[str]) -> str | None:
    if "-delete" in args:
        return "find -delete deletes every file it matches"
    for i, arg in enumerate(args):
        if arg in ("-exec", "-execdir", "-ok", "-okdir"):
            inner = args[i + 1 :]
            reason = _simple(inner)
            if reason:
                return f"find {arg} runs: {reason}"
    return None


def _simple(words: list[str], depth: int = 0) -> str | None:
    """The destructive reason of one simple command (redirections already removed)."""
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0], re.DOTALL):
        words = words[1:]
    if not words:
        return None
    name, args = _name(words[0]), words[1:]
    if name in ("sudo", "doas"):
        return f"{name} runs a command as root"
    if name in _WRAPPERS:
        for i, word in enumerate(args):
            if not word.startswith("-"):
                reason = _simple(args[i:], depth)
                if reason:
                    return reason
        return None
    if name in _SHELLS or name == "eval":
        return _nested(name, args, depth)
    checks = {
        "rm": _rm,
        "git": _git,
        "find": _find,
    }
    if name in checks:
        return checks[name](args)
    return _other(name, args)


def _other(name: str, args: list[str]) -> str | None:
    letters, operands = _flags(args)
    if name in ("shred", "wipefs", "fdisk", "parted", "sfdisk") or name.startswith("mkfs"):
        return f"{name} destroys data on disks or files"
    if name == "dd" and any(a.startswith("of=") for a in args):
        return "dd overwrites a file or device"
    if name == "truncate":
        return "truncate cuts files short"
    many = len(operands) >= _MANY_OPERANDS or any(map(_is_wide, operands))
    if name in ("rmdir", "unlink") and many:
        return f"{name} deletes many entries"
    if name == "mv" and (many or len(operands) > 2):
        return (
            "mv with a wildcard or a path outside the project moves many files or takes them away"
        )
    if name in ("chmod", "chown", "chgrp") and letters & {"R", "--recursive"}:
        return f"{name} -R changes a whole tree"
    if name in ("npm", "yarn", "pnpm", "cargo", "poetry", "gem") and "publish" in operands:
        return f"{name} publish releases a package publicly"
    if name == "twine" and "upload" in operands:
        return "twine upload releases a package publicly"
    if name == "kubectl" and "delete" in operands:
        return "kubectl delete removes cluster resources"
    if name == "terraform" and "destroy" in operands:
        return "terraform destroy removes infrastructure"
    if name == "docker" and ("prune" in operands or "rm" in operands or "rmi" in operands):
        return "docker rm/prune deletes containers, images or volumes"
    return None


def _nested(name: str, args: list[str], depth: int) -> str | None:
    if depth > 4:
        return f"{name} nests commands too deeply to check"
    if name == "eval":
        script = " ".join(args)
    else:
        script = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-c"), "")
        if not script:
            return None if not args else _risky_words(" ".join(args), f"{name} runs a script")
    return _check(script, None, depth + 1)


def _risky_words(command: str, why: str) -> str | None:
    match = _RISKY_WORDS.search(command)
    if match is None:
        return None
    return f"{why} that mentions {match.group(0)!r}; it cannot be checked"


def _redirect_target(words: list[str], cwd: Path | None) -> tuple[list[str], str | None]:
    """Remove redirections from ``words``; say if one truncates an existing file."""
    kept: list[str] = []
    reason = None
    i = 0
    while i < len(words):
        word = words[i]
        if word in _REDIRECTS or word in ("<", ">>", "<<", "<<<", "<>"):
            target = words[i + 1] if i + 1 < len(words) else ""
            if kept and re.fullmatch(r"\d+", kept[-1]):
                kept.pop()  # "2" of "2>"
            if word in _REDIRECTS and reason is None:
                reason = _truncates(target, cwd)
            i += 2
            continue
        kept.append(word)
        i += 1
    return kept, reason


def _truncates(target: str, cwd: Path | None) -> str | None:
    if not target or target.startswith("&") or target.startswith(_SAFE_TARGETS):
        return None
    if target == "-" or target.isdigit():
        return None
    if cwd is None:
        return None
    if any(ch in target for ch in "*?[{$`~"):
        return f"> {target} may overwrite existing files"
    path = Path(target) if target.startswith("/") else cwd / target
    try:
        exists = path.exists()
    except OSError:
        exists = True
    return f"> overwrites the existing file {target}" if exists else None


def _check(command: str, cwd: Path | None, depth: int) -> str | None:
    tokens = _lex(command)
    if tokens is None:
        return _risky_words(command, "a command that does not parse")
    for words in _split(tokens):
        words, redirect = _redirect_target(words, cwd)
        reason = _simple(words, depth) or redirect
        if reason:
            return reason
    if "$(" in command or "`" in command or "<(" in command or ">(" in command:
        plain = command.replace(">", " ")
        return _risky_words(plain, "a command built at run time")
    return None


def destructive_reason(command: str, *, cwd: Path | None = None) -> str | None:
    """Why ``command`` needs a second confirmation, or ``None`` when it looks harmless.

    ``cwd`` (the project root) lets ``> file`` count as destructive when the file exists.
    """
    return _check(command, cwd, 0)
