"""Where two agents' Domains overlap (no peer shows this).

Two kinds of overlap are reported for each pair of agents:

* **actual**: a file that exists now and both Domains own;
* **possible**: a path that does not exist yet but both could own, such as ``frontend/x.tsx``
  for ``frontend/`` and ``*.tsx``.

Possible overlaps are found with example paths built from each pattern (its wildcards filled
with plain names) and with file-name patterns (``*.tsx``, ``Makefile``) placed inside the other
agent's directories. Gitignore also lets an unanchored directory pattern match inside another
(``backend/`` matches ``frontend/backend/``); such contrived nestings are not reported. Every
example is checked against both agents' full Domains, so ``!`` exclusions are honoured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pathspec import GitIgnoreSpec

from agents.definition import AgentDefinition
from agents.listing_walk import domain_files, matches

_WILD = re.compile(r"[*?\[]")
_CLASS = re.compile(r"\[(!?)([^\]]*)\]")


@dataclass(frozen=True)
class Overlap:
    """Two agents whose Domains can both own ``example``; ``actual`` when it exists now."""

    agent: str
    other: str
    pattern: str
    other_pattern: str
    example: str
    actual: bool


def find_overlaps(agents: list[AgentDefinition], files: list[str]) -> list[Overlap]:
    """Every pair of agents whose Domains overlap: in a real file if any, else in a possible
    path. ``files`` are the project's files (project-relative, POSIX)."""
    with_domain = [a for a in agents if a.domain]
    owned = {a.name: domain_files(a.domain, files) for a in with_domain}
    out: list[Overlap] = []
    for i, first in enumerate(with_domain):
        for second in with_domain[i + 1 :]:
            common = owned[first.name] & owned[second.name]
            if common:
                example = min(common)
                out.append(
                    Overlap(
                        first.name,
                        second.name,
                        _owning_pattern(first.domain, example),
                        _owning_pattern(second.domain, example),
                        example,
                        actual=True,
                    )
                )
                continue
            possible = _possible_overlap(first.domain, second.domain)
            if possible is not None:
                out.append(Overlap(first.name, second.name, *possible, actual=False))
    return out


def _owning_pattern(domain: tuple[str, ...], path: str) -> str:
    return next((p for p in reversed(domain) if not p.startswith("!") and matches([p], path)), "?")


def _possible_overlap(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str, str] | None:
    for pa in _positive(a):
        for pb in _positive(b):
            path = pattern_pair_example(pa, pb)
            if path is not None and _owns(a, path) and _owns(b, path):
                return pa, pb, path
    return None


@lru_cache(maxsize=4096)
def _positive(domain: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p for p in domain if not p.startswith("!"))


def _owns(domain: tuple[str, ...], path: str) -> bool:
    """The whole-Domain check; without ``!`` patterns a single-pattern match already is one."""
    return len(_positive(domain)) == len(domain) or matches(domain, path)


@lru_cache(maxsize=65536)
def pattern_pair_example(pa: str, pb: str) -> str | None:
    """A path both single patterns own, if this module's examples find one."""
    ra, rb = _regex(pa), _regex(pb)
    return next((c for c in _candidates(pa, pb) if ra.match(c) and rb.match(c)), None)


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str]:
    compiled = GitIgnoreSpec.from_lines([pattern]).patterns[0].regex
    return compiled if compiled is not None else re.compile(r"(?!)")


def _class_member(match: re.Match[str]) -> str:
    """A character a ``[...]`` class accepts: its first member, or one outside ``[!...]``."""
    negated, members = match.group(1), match.group(2)
    if not negated and members:
        return members[0]
    return next(c for c in "xyz0" if c not in members)


def _fill(text: str) -> str:
    text = _CLASS.sub(_class_member, text.replace("**", "x"))
    return text.replace("*", "x").replace("?", "x").replace("\\", "")


@lru_cache(maxsize=4096)
def _variants(pattern: str) -> tuple[str, ...]:
    core = pattern.strip("/")
    return tuple(sorted({_fill(core.replace("**/", "")), _fill(core.replace("**/", "d/"))}))


@lru_cache(maxsize=4096)
def witnesses(pattern: str) -> tuple[str, ...]:
    """Concrete paths ``pattern`` owns, made by filling its wildcards with plain names."""
    out: list[str] = []
    literal_last = not _WILD.search(pattern.rstrip("/").split("/")[-1])
    for text in _variants(pattern):
        if pattern.endswith("/"):
            out.append(f"{text}/f")
        else:
            out.append(text)
            if literal_last:
                out.append(f"{text}/f")  # a literal name may be a directory
    return tuple(out)


@lru_cache(maxsize=4096)
def _dir_prefixes(pattern: str) -> tuple[str, ...]:
    """Directories a pattern owns whole (``src/api/`` -> ``src``, ``src/api``)."""
    core = pattern.strip("/")
    if not pattern.endswith("/") and "/" not in core:
        return ()
    literal_last = not _WILD.search(core.split("/")[-1])
    out: list[str] = []
    for text in _variants(pattern):
        parts = text.split("/")
        if not pattern.endswith("/") and not literal_last:
            parts = parts[:-1]
        out.extend("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return tuple(out)


def _name_anywhere(pattern: str) -> bool:
    """A file-name pattern that matches at any depth: ``*.tsx``, ``Makefile``, ``**/*.sql``."""
    if pattern.endswith("/"):
        return False
    body = pattern.removeprefix("**/")
    return "/" not in body or bool(_WILD.search(body.split("/")[-1]) and pattern.startswith("**/"))


def _candidates(pa: str, pb: str) -> list[str]:
    out = [*witnesses(pa), *witnesses(pb)]
    for own, other in ((pa, pb), (pb, pa)):
        if _name_anywhere(other):
            names = [w.split("/")[-1] for w in witnesses(other)]
            out.extend(f"{prefix}/{name}" for prefix in _dir_prefixes(own) for name in names)
    return out
