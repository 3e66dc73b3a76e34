"""Generated structured-logging records (bench/GROUPING_CLASSES3.md H28-H31, H36, T16, V1/V2/V4): a corpus of
statements, each a constant message plus a key set, printed by one of seven library layouts, with the
statement (its family) as the truth. Shared by tests/errors/test_structured_records.py and
bench/grouping_records.py.

What the class varies and the generator draws per seed: the library (go-kit logfmt, logrus text with
sorted keys, slog text with `source=`, zap production JSON, slog JSON with a `source` object, pino,
bunyan), the message's words (random letters, 1-6 words: no program's catalogue), the key names (snake
case, dotted, camelCase), 0-4 keys per statement, and the values: numbers, Go durations, quoted phrases
with blanks, Go `%v` lists `[a b c]` and maps `map[k:v]` of 0-5 items, `%+v` structs, letters-only ids,
wrapped error chains of 1-4 links (S32), hosts and ports. The quoting follows each encoder: go-logfmt
and slog quote a value holding a blank, `=` or `"`; logrus quotes anything outside `[A-Za-z0-9-._/@^+]`.

Twins drawn beside the statements (each its own truth): the same message with one key added or renamed
(another call site, H28 twin b), and the same keys with one message word changed (another statement).
`content=True` prints what a header cut leaves (`msg=... k=v`, the time, level and caller cut: T16).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import random
import re
import socket
import string
import urllib.request
from dataclasses import dataclass

LIBRARIES = ("gokit", "logrus", "slogtext", "zapjson", "slogjson", "pino", "bunyan", "logrus_tty", "logrus_color",
             "zapdev")
_LOGRUS_BARE = frozenset(string.ascii_letters + string.digits + "-._/@^+")


def _vocabulary() -> list[str]:
    """Lowercase English words of some stdlib modules' docstrings: a message's constant words (no program's)."""
    texts: list[str] = []
    for mod in (logging, json, socket, http.client, urllib.request, asyncio):
        texts += [mod.__doc__ or ""] + [getattr(getattr(mod, n), "__doc__", "") or "" for n in dir(mod)[:150]]
    return sorted({w for t in texts for w in re.findall(r"\b[a-z]{3,11}\b", t)})


WORDS = _vocabulary()


def _word(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _key(r: random.Random) -> str:
    style = r.randrange(3)
    if style == 0:
        return "_".join(_word(r, 2, 6) for _ in range(r.randint(1, 2)))
    if style == 1:
        return f"{_word(r, 2, 5)}.{_word(r, 2, 6)}"
    return _word(r, 2, 5) + _word(r, 2, 5).capitalize()


def _chain(r: random.Random) -> str:
    leaves = ("connection refused", "no such file or directory", "i/o timeout", "EOF",
              "context deadline exceeded", "permission denied")
    links = [f"{_word(r)} {_word(r)}" for _ in range(r.randint(0, 3))]
    return ": ".join([*links, r.choice(leaves)])


def _value(r: random.Random, kind: int) -> object:
    """One argument's value, of the value kind the key was given (a key keeps its kind)."""
    n = r.randint(0, 5)
    if kind == 0:
        return r.randint(0, 10 ** r.randint(1, 7))
    if kind == 1:
        return r.choice((f"{r.randint(1, 999)}ms", f"{r.randint(1, 59)}.{r.randint(1, 999)}s",
                         f"{r.randint(1, 9)}m{r.randint(0, 59)}s", f"{r.randint(1, 999)}µs"))
    if kind == 2:
        return " ".join(_word(r) for _ in range(r.randint(1, 5)))
    if kind == 3:
        return "[" + " ".join(_word(r) for _ in range(n)) + "]"
    if kind == 4:
        return "map[" + " ".join(f"{_word(r, 2, 5)}:{r.randint(0, 99)}" for _ in range(n)) + "]"
    if kind == 5:
        return "{" + " ".join(f"{_word(r, 2, 5).capitalize()}:{_word(r)}" for _ in range(r.randint(1, 3))) + "}"
    if kind == 6:
        return "".join(r.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(r.randint(6, 12)))
    if kind == 7:
        return _chain(r)
    return f"{_word(r)}-{r.randint(0, 9)}.{_word(r)}.svc:{r.choice((80, 443, 9093, 8080))}"


def _go_quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _logfmt_value(value: object, library: str) -> str:
    s = str(value)
    if library == "logrus":
        return s if s and all(c in _LOGRUS_BARE for c in s) else _go_quote(s)
    return _go_quote(s) if (not s or any(c in ' ="' or ord(c) < 0x20 for c in s)) else s


@dataclass(frozen=True)
class Statement:
    """One call site: its message, keys (each with its value kind), level, file and line."""

    family: str
    message: str  # `%s` where the call formats a value into the message (logrus `Errorf`, `fmt.Sprintf`)
    keys: tuple[tuple[str, int], ...]
    level: str
    file: str
    line: int
    component: str | None
    function: str


def _message(r: random.Random, st: Statement) -> str:
    """The message as printed: a formatted value in place of its `%s` (a word, an id, a number, a host)."""
    if "%s" not in st.message:
        return st.message
    return st.message.replace("%s", str(_value(r, r.choice((0, 6, 8)))))


def _render(r: random.Random, st: Statement, library: str, content: bool) -> str:
    pairs = [(k, _value(r, kind)) for k, kind in st.keys]
    epoch = 1765000000 + r.randint(0, 86400)
    stamp = f"2026-12-07T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
    if library in ("gokit", "logrus", "slogtext"):
        head: list[tuple[str, object]] = []
        if library == "gokit":
            head = [("ts", f"{stamp}.{r.randint(1, 999)}Z"), ("caller", f"{st.file}:{st.line}"),
                    ("level", st.level)]
            if st.component:
                head.append(("component", st.component))
        elif library == "logrus":
            head = [("time", f"{stamp}Z"), ("level", st.level)]
            pairs = sorted(pairs)
        else:
            head = [("time", f"{stamp}.{r.randint(0, 999):03d}Z"), ("level", st.level.upper()),
                    ("source", f"/src/app/{st.file}:{st.line}")]
        body = [("msg", _message(r, st)), *pairs]
        shown = body if content else [*head, *body]
        return " ".join(f"{k}={_logfmt_value(v, library)}" for k, v in shown)
    if library in ("logrus_tty", "logrus_color"):
        # logrus TextFormatter on a TTY: `LEVL[%04d] %-44s` then ` k=v` sorted; colours wrap level and keys
        level = {"error": "ERRO", "warn": "WARN", "info": "INFO"}[st.level]
        color = library == "logrus_color"
        head = f"\x1b[31m{level}\x1b[0m" if color else level
        fields = "".join(f" \x1b[31m{k}\x1b[0m={_logfmt_value(v, 'logrus')}" if color
                         else f" {k}={_logfmt_value(v, 'logrus')}" for k, v in sorted(pairs))
        return f"{head}[{r.randint(0, 9999):04d}] {_message(r, st):<44}{fields}"
    if library == "zapdev":
        cols = [f"{stamp}.{r.randint(0, 999):03d}Z", st.level.upper()]
        if st.component:
            cols.append(st.component)
        cols += [f"{st.file}:{st.line}", _message(r, st)]
        if pairs:
            cols.append(json.dumps(dict(pairs), ensure_ascii=False))
        return "\t".join(cols)
    obj: dict[str, object]
    if library == "zapjson":
        obj = {"level": st.level, "ts": epoch + r.random(), "caller": f"{st.file}:{st.line}",
               "msg": _message(r, st), **dict(pairs)}
    elif library == "slogjson":
        obj = {"time": f"{stamp}Z", "level": st.level.upper(),
               "source": {"function": st.function, "file": f"/src/{st.file}", "line": st.line},
               "msg": _message(r, st), **dict(pairs)}
    elif library == "pino":
        obj = {"level": 50, "time": epoch * 1000 + r.randint(0, 999), "pid": r.randint(2, 99999),
               "hostname": "node-a", "msg": _message(r, st), **dict(pairs)}
    else:
        obj = {"name": "app", "hostname": "node-a", "pid": r.randint(2, 99999), "level": 50,
               **dict(pairs), "msg": _message(r, st), "time": f"{stamp}.000Z", "v": 0}
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def statements(r: random.Random, families: int) -> list[Statement]:
    """`families` statements and, beside about half of them, a twin of one of the two kinds."""
    out: list[Statement] = []
    files = [f"{_word(r, 3, 7)}.go" for _ in range(3)]
    for i in range(families):
        words = [r.choice(WORDS) for _ in range(r.randint(1, 6))]
        if r.random() < 0.25:
            words.insert(r.randint(1, len(words)), "%s")
        keys = tuple((_key(r), r.randrange(9)) for _ in range(r.randint(0, 4)))
        base = Statement(f"s{i}", " ".join(words).capitalize(), keys, r.choice(("error", "warn", "info")),
                         r.choice(files), r.randint(20, 900), r.choice((None, "tsdb", "notifier")),
                         f"main.(*{_word(r, 3, 6).capitalize()}).{_word(r, 3, 8)}")
        out.append(base)
        twin = r.randrange(4)
        if twin == 0:
            extra = ((_key(r), r.randrange(9)),)
            kept = keys[:-1] if keys and r.random() < 0.5 else keys
            out.append(Statement(f"s{i}k", base.message, kept + extra, base.level, base.file,
                                 base.line + r.randint(3, 40), base.component, base.function))
        elif twin == 1 and len(words) >= 2:
            other = list(words)
            at = r.choice([j for j, w in enumerate(other) if w != "%s"])
            other[at] = r.choice(WORDS)
            out.append(Statement(f"s{i}w", " ".join(other).capitalize(), keys, base.level, base.file,
                                 base.line + r.randint(3, 40), base.component, base.function))
    return out


def corpus(seed: int, *, families: int = 30, lines: int = 1500, library: str | None = None,
           content: bool = False) -> tuple[list[str], list[str]]:
    """(lines, truth): statements drawn Zipf-like, each line printed by the program's library."""
    r = random.Random(seed)
    lib = library or r.choice(LIBRARIES)
    sts = statements(r, families)
    weights = [1.0 / (rank + 1) for rank in range(len(sts))]
    r.shuffle(weights)
    texts, truth = [], []
    for st in r.choices(sts, weights, k=lines):
        texts.append(_render(r, st, lib, content))
        truth.append(st.family)
    return texts, truth
