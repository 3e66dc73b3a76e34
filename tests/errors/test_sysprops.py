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

SEEDS = range(1810, 1814)


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


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
