"""A JVM system property's value is a value (errors/sysprops.py): `-Dname=value` anywhere (the `java`
launcher's option syntax) and a message that is one property's echo, `-Dname: value` (Netty's
`logger.debug("-Dio.netty.x: {}", v)`). Property names and values are generated per seed: words, booleans,
numbers, paths, dotted names, quoted values. Twins: two property names stay two statements; an echo followed by
the statement's own bracketed words keeps them; `Name: word` without `-D` keeps its word; `-D` inside a word
is no option.
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message
from sidecar.errors.token_forms import names_failure

SEEDS = range(1810, 1814)


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    """A random plain word that names no failure (`err...`, `fail...`: an echoed one-word failure stays, by design)."""
    while True:
        w = "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))
        if not names_failure(w):
            return w


def _name(r: random.Random) -> str:
    parts = [_w(r) for _ in range(r.randint(1, 4))]
    last = _w(r) + r.choice(["", _w(r).capitalize(), "-" + _w(r)])
    return ".".join([*parts, last])


def _value(r: random.Random) -> str:
    return r.choice([_w(r), "true", "false", str(r.randint(0, 99999)), f"/{_w(r)}/{_w(r)}", f"{_w(r)}.{_w(r)}",
                     f"{_w(r)}_{_w(r)}", _w(r).upper(), f"{r.randint(1, 9)}{r.choice('kmg')}"])


@pytest.mark.parametrize("seed", SEEDS)
def test_an_echoed_property_is_one_statement_whatever_its_value(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    names = [_name(r) for _ in range(3)]
    groups = []
    for name in names:
        fps = {grouper.fingerprint(f"-D{name}: {_value(r)}", "io.netty.util.internal.SystemPropertyUtil", "DEBUG")
               for _ in range(15)}
        assert len(fps) == 1, name
        groups.append(fps.pop())
    assert len(set(groups)) == len(names)  # twin: another property is another statement


@pytest.mark.parametrize("seed", SEEDS)
def test_assigned_properties_on_a_command_line_are_values(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    a, b = _name(r), _name(r)
    lines = [f"JVM Arguments: [-D{a}={_value(r)}, -Xmx{r.randint(1, 8)}g, -D{b}={r.choice([_value(r), repr(_w(r))])}]"
             for _ in range(12)]
    assert len({grouper.fingerprint(x, "org.springframework.boot.StartupInfoLogger", "INFO") for x in lines}) == 1
    assert f"-D{a}=<*>" in normalize_message(lines[0])  # the property's name stays


@pytest.mark.parametrize("seed", SEEDS)
def test_bracketed_words_plain_keys_and_non_options_stay(seed):
    r = random.Random(seed)
    name, word, value = _name(r), _w(r), _value(r)
    # The statement's own words after the value (Netty: `-Dio.netty.allocator.type: pooled (unknown: {})`) stay.
    assert normalize_message(f"-D{name}: {word} (unknown: {value})").startswith(f"-D{name}: {word} (")
    # `Name: word` without the option's `-D`: the word names the failure.
    assert normalize_message(f"Error: {word}") == f"Error: {word}"
    # `-D` inside a word or an option with no `=`: no property.
    assert normalize_message(f"re-Deploy={word} done") == f"re-Deploy={word} done"
    assert normalize_message(f"-Dry-run {word}") == f"-Dry-run {word}"


# Re-reader r18 D3/R2: a failure key (`type`, `code`, `status`, `reason`) that is the LAST PART of the property's
# name is the name, not a failure key; an assignment after `=` (`JAVA_OPTS=-D...`) is an option; the echo of a
# failure phrase (several words, or one failure word) is the statement's.
@pytest.mark.parametrize("seed", SEEDS)
def test_a_key_word_ending_the_property_name_is_the_name(seed):
    r = random.Random(seed)
    for key in ("type", "code", "status", "reason", "errno"):
        name = f"{_w(r)}.{_w(r)}.{key}"
        echoes = {normalize_message(f"-D{name}: {_value(r)}") for _ in range(8)}
        assert echoes == {f"-D{name}: <*>"}
        assigned = {normalize_message(f"-D{name}={_value(r)}") for _ in range(8)}
        assert assigned == {f"-D{name}=<*>"}
    env, name = _w(r).upper(), _name(r)
    assert {normalize_message(f"{env}_OPTS=-D{name}={_value(r)}") for _ in range(8)} == {f"{env}_OPTS=-D{name}=<*>"}
    # twins: a failure key outside a property name keeps its value (`error type: timeout`, OTel `error.type=`)
    for text in ("error type: timeout", "error type: refused", "error.type=TimeoutError", "status: degraded"):
        assert normalize_message(text) == text
    assert normalize_message(f"re-Deploy={_w(r)}=x").startswith("re-Deploy=")


@pytest.mark.parametrize("seed", SEEDS)
def test_an_echoed_failure_phrase_stays(seed):
    r = random.Random(seed)
    name = _name(r)
    phrases = ["No such file or directory", "Permission denied", "not writable", "missing", "invalid",
               "access denied by policy"]
    forms = [normalize_message(f"-D{name}: {p}") for p in phrases]
    assert forms == [f"-D{name}: {p}" for p in phrases]
    # twin: a one-token value is still masked, whatever it is
    assert normalize_message(f"-D{name}: {_value(r)}") == f"-D{name}: <*>"
