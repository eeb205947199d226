"""The strict YAML loader: THREATS T33 (duplicates), T35 (unsafe tags), T36 (alias bombs)."""

from __future__ import annotations

import datetime
import time

import pytest
import yaml

from agents.strict_yaml import (
    MAX_DEPTH,
    StrictLoader,
    StrictYAMLError,
    describe_type,
    load_fields,
    load_value,
)

ALIAS_BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
)


def test_fields_keep_line_raw_text_and_quoting() -> None:
    fields = load_fields('name: x\ndescription: "quoted"\ntools:\n  - Read\n  - Grep\n')
    assert fields["name"].value == "x" and fields["name"].line == 1
    assert fields["name"].raw == "x" and not fields["name"].quoted
    assert fields["description"].quoted
    assert fields["tools"].value == ["Read", "Grep"]
    assert fields["tools"].raw is None
    assert fields["tools"].item_lines == (4, 5)


def test_duplicate_key_rejected_with_both_lines() -> None:  # T33
    with pytest.raises(StrictYAMLError) as err:
        load_fields("tools: Read\nname: x\ntools: Read, Write\n")
    assert err.value.line == 3
    assert "duplicate key 'tools' (first on line 1)" in err.value.reason


def test_nested_duplicate_key_rejected() -> None:
    with pytest.raises(StrictYAMLError, match="duplicate key 'a'"):
        load_fields("outer:\n  a: 1\n  a: 2\n")


@pytest.mark.parametrize(
    "text",
    [
        "x: !!python/object/apply:os.system ['touch /tmp/pwned']",
        "x: !!python/name:os.system",
        "x: !!binary aGVsbG8=",
        "x: !custom value",
        "x: !!str yes",
        "x: !!set {a, b}",
    ],
)
def test_explicit_tags_rejected(text: str) -> None:  # T35
    with pytest.raises(StrictYAMLError, match="explicit YAML tags"):
        load_fields(text)


def test_python_tags_never_construct_anything(tmp_path: object) -> None:
    # Even the plain SafeLoader refuses python tags; ours refuses before constructing.
    with pytest.raises(yaml.YAMLError):
        yaml.load("x: !!python/object/apply:os.getcwd []", Loader=yaml.SafeLoader)
    with pytest.raises(StrictYAMLError):
        load_fields("x: !!python/object/apply:os.getcwd []")


def test_alias_bomb_rejected_quickly() -> None:  # T36
    assert len(ALIAS_BOMB.encode()) < 300
    started = time.perf_counter()
    with pytest.raises(StrictYAMLError, match="anchors"):
        load_fields(ALIAS_BOMB)
    assert time.perf_counter() - started < 1.0


def test_alias_without_anchor_rejected() -> None:
    with pytest.raises(StrictYAMLError) as err:
        load_fields("a: 1\nb: *a\n")
    assert "alias" in err.value.reason.lower() or "anchor" in err.value.reason.lower()


def test_merge_key_rejected() -> None:
    with pytest.raises(StrictYAMLError, match="merge keys"):
        load_fields("<<: {name: x}\n")


def test_deep_nesting_rejected_without_recursion_error() -> None:
    deep = "x: " + "[" * 5000 + "]" * 5000
    with pytest.raises(StrictYAMLError, match="nested deeper"):
        load_fields(deep, max_bytes=100_000)
    ok = "x: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    assert "x" in load_fields(ok)


def test_size_cap() -> None:
    big = "description: " + "a" * 20_000
    with pytest.raises(StrictYAMLError, match="limit is 16,384 bytes"):
        load_fields(big)


@pytest.mark.parametrize(
    ("text", "found"),
    [("- a\n- b\n", "a list"), ("just text\n", "a value"), ("42\n", "a value")],
)
def test_top_level_must_be_mapping(text: str, found: str) -> None:
    with pytest.raises(StrictYAMLError, match=f"found {found}"):
        load_fields(text)


def test_non_string_keys_rejected() -> None:
    with pytest.raises(StrictYAMLError, match=r"key 'yes' must be a string.*boolean"):
        load_fields("yes: 1\n")
    with pytest.raises(StrictYAMLError, match="key '1' must be a string"):
        load_fields("1: x\n")


def test_yaml_11_coercions_are_visible() -> None:  # T34: detectable by the caller
    fields = load_fields("a: yes\nb: 0123\nc: 2024-01-01\nd: ~\ne: 'yes'\n")
    assert fields["a"].value is True and fields["a"].raw == "yes"
    assert fields["b"].value == 83 and fields["b"].raw == "0123"
    assert fields["c"].value == datetime.date(2024, 1, 1)
    assert fields["d"].value is None
    assert fields["e"].value == "yes" and fields["e"].quoted


def test_syntax_error_has_a_line() -> None:
    with pytest.raises(StrictYAMLError) as err:
        load_fields("name: x\ndescription: Use when: things\n")
    assert err.value.line == 2
    assert err.value.reason == "invalid YAML: mapping values are not allowed here"


def test_tab_indentation_is_an_error_with_line() -> None:
    with pytest.raises(StrictYAMLError) as err:
        load_fields("tools:\n\t- Read\n")
    assert err.value.line == 2


def test_lone_surrogate_rejected() -> None:
    with pytest.raises(StrictYAMLError, match=r"surrogate|invalid Unicode"):
        load_fields('a: "\\ud800"\n')


def test_multiple_documents_rejected() -> None:
    with pytest.raises(StrictYAMLError, match="single document"):
        load_fields("a: 1\n---\nb: 2\n")


def test_empty_document_is_empty_mapping() -> None:
    assert load_fields("") == {}
    assert load_fields("# only a comment\n") == {}


def test_load_value() -> None:
    assert load_value("[Read, Grep]") == ["Read", "Grep"]
    assert load_value("") is None
    with pytest.raises(StrictYAMLError):
        load_value("&a x")


def test_loader_is_a_safe_loader() -> None:
    assert issubclass(StrictLoader, yaml.SafeLoader)


@pytest.mark.parametrize(
    ("value", "word"),
    [(True, "a boolean"), (3, "an integer"), (1.5, "a number"), (None, "null (empty)"),
     (datetime.date(2024, 1, 1), "a date"), ([1], "a list"), ({}, "a mapping"), ("s", "a string")],
)  # fmt: skip
def test_describe_type(value: object, word: str) -> None:
    assert describe_type(value) == word


# --- the libyaml fast path and the pure-Python path agree -------------------------------------

DIFFERENTIAL = [
    "name: x\ndescription: y\n",
    "tools:\n  - Read\n  - Grep\n",
    "a: &x 1\n",
    "a: 1\na: 2\n",
    "description: Use when: x\n",
    "x: !!binary aGk=\n",
    "- a\n",
    "a: yes\nb: 0123\n",
    "a: [1, 2\n",
    "tools:\n\t- Read\n",
]


@pytest.mark.parametrize("text", DIFFERENTIAL)
def test_fast_and_pure_paths_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import agents.strict_yaml as strict

    outcomes = []
    for fast in (True, False):
        if fast and not strict._FAST:
            pytest.skip("PyYAML has no libyaml here")
        monkeypatch.setattr(strict, "_FAST", fast)
        try:
            fields = load_fields(text)
            outcomes.append(
                ("ok", {k: (f.value, f.line, f.raw, f.quoted) for k, f in fields.items()})
            )
        except StrictYAMLError as exc:
            outcomes.append(("error", (exc.reason, exc.line)))
    assert outcomes[0] == outcomes[1]
